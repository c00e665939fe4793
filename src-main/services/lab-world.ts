// The one place a lab's world is put together: a DockerLab (the workstation, the nodes, one virtual time) with what
// plugs into it — the images' programs (docker/images), the embedded DNS server (docker/dns), the network tools
// (shell/nettools) — and Node's setImmediate as its way to let promise reactions settle. Transcripts (`flotilla
// test`) and the live labs of the window both build their labs here, so a transcript and a console see the same
// world.
import { embeddedDnsFactory } from '../docker/dns/embedded.ts';
import { DockerLab, type DockerLabOptions } from '../shell/lab-host.ts';
import { IMAGE_TOOLS, IMAGES } from '../docker/images/catalog.ts';
import { netTools } from '../shell/nettools/index.ts';
import type { CommandProvider } from '../shell/providers.ts';

/** Resolves once the microtask queue has drained (a macrotask turn later), reading no clock. */
export const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** What plugs into every lab: images (docker/images), the embedded DNS (docker/dns), command providers (nettools). */
// A container has the tools its image ships (IMAGE_TOOLS: plain debian has no ping, alpine has busybox's); an image
// the catalog does not list gets its userland's full set. Nodes and the workstation get theirs by kind.
const nettools: CommandProvider = (t) => {
  const tools = t.container ? IMAGE_TOOLS[t.container.image.name] : undefined;
  return netTools(t.machine, tools ? { only: tools.present } : {});
};

export const labPlugins: Omit<DockerLabOptions, 'seed' | 'settle'> = { images: IMAGES, dns: embeddedDnsFactory, providers: [nettools] };

/** A fresh, empty lab: the workstation on the host-only LAN, no nodes yet. */
export function createDockerLab(seed = 1): DockerLab {
  return new DockerLab({ seed, settle, ...labPlugins });
}
