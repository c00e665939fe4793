// Image references and the catalog the daemon looks images up in. The images' behaviour lives in docker/images/;
// this module only knows how names are written and what a plain base image is. Every image is "already pulled"
// (a lab has no registry), so `docker run` prints no pull progress.

import type { ImageCatalog, ImageDefinition } from './contracts.ts';

export interface ImageRef {
  /** "nginx", "jpetazzo/trainingwheels" (docker.io/ and library/ removed). */
  readonly repository: string;
  /** "latest" unless given. */
  readonly tag: string;
  /** repository:tag as `docker ps` shows the image ("nginx" for nginx:latest as typed, "elasticsearch:2"). */
  readonly display: string;
}

/** Parses "nginx", "elasticsearch:2", "docker.io/library/redis:7", "localhost:5000/x:1", "alpine@sha256:...". */
export function parseImageRef(ref: string): ImageRef {
  let rest = ref;
  const at = rest.indexOf('@');
  if (at >= 0) rest = rest.slice(0, at);
  let tag = 'latest';
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  let repository = rest;
  for (const p of ['docker.io/', 'index.docker.io/', 'registry-1.docker.io/']) if (repository.startsWith(p)) repository = repository.slice(p.length);
  if (repository.startsWith('library/')) repository = repository.slice('library/'.length);
  return { repository, tag, display: ref };
}

/** The reference format check of the CLI: lower case, no spaces, an optional tag. */
export function validImageRef(ref: string): boolean {
  return /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$/.test(ref);
}

/** Base images with no service of their own: a shell and the userland's tools. */
export const BASE_IMAGES: readonly ImageDefinition[] = [
  { name: 'alpine', userland: 'busybox', cmd: ['/bin/sh'], exposedPorts: [], env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' } },
  { name: 'busybox', userland: 'busybox', cmd: ['sh'], exposedPorts: [], env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' } },
  { name: 'ubuntu', userland: 'gnu', cmd: ['/bin/bash'], exposedPorts: [], env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' } },
  { name: 'debian', userland: 'gnu', cmd: ['bash'], exposedPorts: [], env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' } },
  { name: 'centos', userland: 'gnu', cmd: ['/bin/bash'], exposedPorts: [], env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' } },
  { name: 'nicolaka/netshoot', userland: 'gnu', cmd: ['zsh'], exposedPorts: [], env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' } },
];

/** An image the lab does not model: a busybox-like container whose default command is a shell. */
export function unmodelledImage(repository: string): ImageDefinition {
  return { name: repository, userland: 'busybox', cmd: ['sh'], exposedPorts: [], unmodelled: true, env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' } };
}

/** A catalog over a list of definitions; later definitions of the same name (and tags) win. */
export class StaticImageCatalog implements ImageCatalog {
  private readonly defs: ImageDefinition[];

  constructor(defs: readonly ImageDefinition[] = BASE_IMAGES) {
    this.defs = [...defs];
  }

  add(def: ImageDefinition): this {
    this.defs.push(def);
    return this;
  }

  lookup(ref: string): ImageDefinition | undefined {
    const r = parseImageRef(ref);
    for (let i = this.defs.length - 1; i >= 0; i--) {
      const d = this.defs[i]!;
      if (d.name === r.repository && (d.tags === undefined || d.tags.includes(r.tag))) return d;
    }
    return undefined;
  }

  list(): readonly ImageDefinition[] {
    return this.defs;
  }
}

/** Base images first, then the modelled ones (which replace a base image of the same name). */
export function composeCatalog(...lists: readonly (readonly ImageDefinition[])[]): StaticImageCatalog {
  return new StaticImageCatalog(lists.flat());
}
