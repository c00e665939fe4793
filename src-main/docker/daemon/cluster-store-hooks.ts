// Where the key-value-store overlay of Docker ≤22 (`cluster-store` / `cluster-advertise` in daemon.json,
// docker-networking.md §6.8) plugs into a node's daemon: docker/kvstore/ implements it and the world hands one to a
// daemon that starts with a cluster store. Global-scope overlay networks and their endpoints live in the store
// (consul, over HTTP on the underlay); the daemon asks the hooks to create and remove them, to allocate an
// endpoint's address in the store before a container starts, to plumb the endpoint (the overlay driver's sandbox
// with br0 + vxlan0), to add docker_gwbridge, and to resolve the names of containers on other nodes.

import type { CreateNetworkRequest, Endpoint, Network } from '../model.ts';
import type { Attachment, Container, EndpointConfig } from './container.ts';

export interface ClusterStoreHooks {
  /** `docker network create -d overlay`: a global-scope network written to the store. */
  createNetwork(req: CreateNetworkRequest): Network;
  /** `docker network rm` of a global-scope network (refused while any node has endpoints on it). */
  removeNetwork(nw: Network): void;
  /** Before a container's sandbox is set up: its addresses on global networks, allocated in the store. */
  prepareStart(c: Container): Promise<void>;
  /** The endpoint settings for joining a global network (the address allocated in the store). */
  endpointConfig(c: Container, nw: Network, ec: EndpointConfig): EndpointConfig;
  /** Plumbs an endpoint on a global overlay and publishes it in the store. */
  plumb(c: Container, nw: Network, ep: Endpoint, ec: EndpointConfig, ifname: string): Attachment;
  /** After the sandbox joined its networks: docker_gwbridge for a container on a global overlay. */
  sandboxJoined(c: Container): void;
  /** An endpoint is leaving a global network (before the daemon deletes it). */
  leaving(c: Container, nw: Network, a: Attachment): void;
  /** Names of endpoints on a global network, on any node; undefined: not known. */
  lookup(c: Container, nw: Network, name: string, family: 4 | 6): string[] | undefined;
  /** Resolves once the first read of the store is done (or failed), so a daemon start can wait for it. */
  ready(): Promise<void>;
  /** The daemon stops: the watch ends, the connections to the store close. */
  stop(): void;
}
