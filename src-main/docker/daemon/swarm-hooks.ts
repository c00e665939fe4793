// Where swarm mode plugs into a node's daemon (docker/swarm/ implements it; the daemon calls it when set): swarm
// networks are created and removed through the managers, instantiated on a node when a task or an attachable
// container needs them, plumbed by the overlay driver (a namespace with br0 + vxlan0 per network, a veth per
// endpoint), and their names resolved from the cluster's endpoint table.

import type { Network, CreateNetworkRequest, Endpoint } from '../model.ts';
import type { Attachment, Container, EndpointConfig } from './container.ts';

export interface SwarmHooks {
  readonly role: 'worker' | 'manager';
  /** `docker network create` of an overlay / swarm-scoped network: undefined when not the swarm's business. */
  createNetwork(req: CreateNetworkRequest): Network | undefined;
  /** `docker network rm` of a swarm network (true when handled). */
  removeNetwork(nw: Network): boolean;
  /** Before a container's network is looked up (run --network, connect): instantiates an attachable swarm network
   * here (or throws Docker's error for a non-attachable one). */
  prepareNetwork(term: string): void;
  /** The endpoint settings for joining a swarm network (the manager's address for an attachable container). */
  endpointConfig(c: Container, nw: Network, ec: EndpointConfig): EndpointConfig;
  /** Plumbs an endpoint on a swarm overlay: returns the attachment (veth into the network's sandbox). */
  plumb(c: Container, nw: Network, ep: Endpoint, ec: EndpointConfig, ifname: string): Attachment;
  /** After the sandbox joined its networks: docker_gwbridge for overlay containers, service load balancing. */
  sandboxJoined(c: Container): void;
  /** An endpoint is leaving a network (before the daemon deletes it). */
  leaving(c: Container, nw: Network, a: Attachment): void;
  /** Name resolution on a swarm network (cluster-wide names, services, tasks.<service>); undefined: not known. */
  lookup(c: Container, nw: Network, name: string, family: 4 | 6): string[] | undefined;
}
