// Identifiers as Docker makes them (docker-networking.md §1) and the rules the daemon uses to find an object by
// name, full ID or ID prefix. Every random draw comes from a seeded stream passed in.

import type { RandomSource } from '../sim/random.ts';
import type { DockerError } from './errors.ts';
import { conflict, invalidParameter, notFound } from './errors.ts';
import { randomName } from './names.ts';

export const SHORT_ID_LENGTH = 12;

/** `n` random bytes from the stream. */
export function randomBytes(rng: RandomSource, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 4) {
    let v = rng.nextU32();
    for (let j = i; j < i + 4 && j < n; j++) {
      out[j] = v & 0xff;
      v >>>= 8;
    }
  }
  return out;
}

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/**
 * A 64-hex ID (network, container, endpoint, sandbox): 32 random bytes, drawn again while the first 12 characters
 * are all digits, so a short ID is never a number (it is used as a hostname) [M28:pkg/stringid/stringid.go].
 */
export function generateId(rng: RandomSource): string {
  for (;;) {
    const id = toHex(randomBytes(rng, 32));
    if (!/^[0-9]{12}$/.test(id.slice(0, SHORT_ID_LENGTH))) return id;
  }
}

/** The short form: a "sha256:"-style prefix stripped, then the first 12 characters (TruncateID). */
export function truncateId(id: string): string {
  const colon = id.indexOf(':');
  const bare = colon >= 0 ? id.slice(colon + 1) : id;
  return bare.length > SHORT_ID_LENGTH ? bare.slice(0, SHORT_ID_LENGTH) : bare;
}

export function isFullId(s: string): boolean {
  return /^[0-9a-f]{64}$/.test(s);
}

function base36(bytes: Uint8Array): string {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v.toString(36);
}

/**
 * A swarm object ID (node, service, task, network, secret): 17 random bytes with the top bit set, in base 36,
 * characters 1..25 — always 25 characters of [0-9a-z] [SK28:identity/randomid.go].
 */
export function generateSwarmId(rng: RandomSource): string {
  const p = randomBytes(rng, 17);
  p[0] = p[0]! | 0x80;
  return base36(p).slice(1, 26);
}

export function isSwarmId(s: string): boolean {
  return /^[0-9a-z]{25}$/.test(s);
}

/** `prefix` + `size` random hex characters (netutils.GenerateRandomName): veth names are randomHexName(rng, 'veth', 7). */
export function randomHexName(rng: RandomSource, prefix: string, size: number): string {
  return prefix + toHex(randomBytes(rng, 32)).slice(0, size);
}

/** The host side of a veth pair: "veth" + 7 hex characters (§1). */
export function vethName(rng: RandomSource): string {
  return randomHexName(rng, 'veth', 7);
}

/** A NetworkDB node name (Peers[].Name in inspect): 12 random hex characters per daemon start (§1). */
export function networkDbNodeName(rng: RandomSource): string {
  return toHex(randomBytes(rng, 6));
}

/**
 * A swarm join token "SWMTKN-1-<CA digest, 50 base-36 chars>-<secret, 25 base-36 chars>". Manager and worker
 * tokens of one swarm share the digest; pass the same `caDigest` for both.
 */
export function joinToken(rng: RandomSource, caDigest: string = swarmCaDigest(rng)): string {
  const secret = base36(randomBytes(rng, 16)).padStart(25, '0').slice(0, 25);
  return `SWMTKN-1-${caDigest}-${secret}`;
}

/** The digest part of a join token (base 36 of a SHA-256 sized value, padded to 50). */
export function swarmCaDigest(rng: RandomSource): string {
  return base36(randomBytes(rng, 32)).padStart(50, '0').slice(0, 50);
}

// ---- container names ----

const NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** Checks a user-given container name (with or without the leading "/"); returns it without the "/". */
export function validateContainerName(name: string): string {
  const bare = name.startsWith('/') ? name.slice(1) : name;
  if (!NAME_PATTERN.test(bare)) throw invalidParameter(`Invalid container name (${bare}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  return bare;
}

/** The 409 for a name already taken [M28:daemon/names.go]. */
export function nameConflictError(name: string, ownerId: string): DockerError {
  const bare = name.startsWith('/') ? name.slice(1) : name;
  return conflict(`Conflict. The container name "/${bare}" is already in use by container "${ownerId}". You have to remove (or rename) that container to be able to reuse that name.`);
}

/**
 * A generated container name (daemon generateNewName): up to six tries of the names generator (a digit appended
 * from the second try on), then the short ID.
 */
export function generateContainerName(rng: RandomSource, id: string, taken: (name: string) => boolean): string {
  for (let i = 0; i < 6; i++) {
    const name = randomName(rng, i);
    if (!taken(name)) return name;
  }
  return truncateId(id);
}

// ---- lookups ----

export interface Identified {
  readonly id: string;
  readonly name: string;
}

/**
 * Which code path resolves the network argument; they differ only in the ambiguity wording:
 * - 'api': the API router's findUniqueNetwork (`docker network inspect`, `rm`):
 *   `network dev is ambiguous (2 matches found based on name)`;
 * - 'daemon': the daemon's FindNetwork (`network connect`, `run --network`):
 *   `network dev is ambiguous (2 matches found on name)` [M28:daemon/network.go].
 * Both: an exact full ID wins, then a unique exact name, then a unique ID prefix; else `network X not found`.
 */
export type NetworkLookupPath = 'api' | 'daemon';

export function findNetwork<T extends Identified>(term: string, networks: Iterable<T>, path: NetworkLookupPath = 'api'): T {
  const byName: T[] = [];
  const byPrefix: T[] = [];
  for (const n of networks) {
    if (n.id === term) return n;
    if (n.name === term) byName.push(n);
    if (n.id.startsWith(term)) byPrefix.push(n);
  }
  if (byName.length === 1) return byName[0]!;
  if (byName.length > 1) {
    throw invalidParameter(`network ${term} is ambiguous (${byName.length} matches found ${path === 'api' ? 'based on' : 'on'} name)`);
  }
  if (byPrefix.length === 1) return byPrefix[0]!;
  if (byPrefix.length > 1) throw invalidParameter(`network ${term} is ambiguous (${byPrefix.length} matches found based on ID prefix)`);
  throw notFound(`network ${term} not found`);
}

/**
 * Container lookup [M28:daemon/container.go GetContainer, daemon/container/view.go GetByPrefix]: an exact full ID,
 * then an exact name (with or without "/"), then a unique ID prefix. Errors: empty → `prefix can't be empty`,
 * several → `multiple IDs found with provided prefix: X`, none → `No such container: X`.
 */
export function findContainer<T extends Identified>(term: string, containers: Iterable<T>): T {
  const list = [...containers];
  if (term === '') throw invalidParameter('prefix can\'t be empty');
  const exact = list.find((c) => c.id === term);
  if (exact) return exact;
  const bare = term.startsWith('/') ? term.slice(1) : term;
  const named = list.find((c) => (c.name.startsWith('/') ? c.name.slice(1) : c.name) === bare);
  if (named) return named;
  const prefixed = list.filter((c) => c.id.startsWith(term));
  if (prefixed.length > 1) throw invalidParameter(`multiple IDs found with provided prefix: ${term}`);
  if (prefixed.length === 1) return prefixed[0]!;
  throw notFound(`No such container: ${term}`);
}
