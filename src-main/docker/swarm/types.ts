// The swarm's objects as the managers store them (swarmkit's api/objects.proto, reduced to what the lab shows):
// nodes, networks, services and tasks, plus the endpoint records the nodes gossip (NetworkDB's endpoint_table and
// overlay_peer_table in one record).

import type { Time } from '../../sim/time.ts';

export type NodeRole = 'worker' | 'manager';
export type Availability = 'active' | 'pause' | 'drain';
export type NodeState = 'unknown' | 'down' | 'ready' | 'disconnected';

export interface SwarmNodeRecord {
  readonly id: string;
  /** The lab node (Docker host) name = its hostname. */
  readonly hostname: string;
  /** The advertise (and data-path) address. */
  addr: string;
  role: NodeRole;
  availability: Availability;
  state: NodeState;
  /** Why the node is down ("heartbeat failure"). */
  message: string;
  readonly engine: string;
  readonly created: Time;
  updated: Time;
  /** The node's address on the ingress network (its ingress-sbox endpoint), e.g. "10.0.0.2". */
  ingressIp: string;
  labels: Record<string, string>;
  /** Set when the node left: it stays listed (Down) until `docker node rm`. */
  left: boolean;
}

export interface SwarmNetworkRecord {
  readonly id: string;
  readonly name: string;
  readonly subnet: string;
  readonly gateway: string;
  readonly vni: number;
  readonly attachable: boolean;
  readonly internal: boolean;
  readonly ingress: boolean;
  readonly encrypted: boolean;
  /** The options the user gave (-o), shown in inspect with vxlanid_list. */
  readonly options: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
  readonly created: Time;
  /** The user's IPAM config (echoed by inspect when given). */
  readonly userSubnet: boolean;
}

export interface PortConfig {
  readonly protocol: 'tcp' | 'udp';
  readonly target: number;
  published: number;
  readonly mode: 'ingress' | 'host';
}

export interface ServiceNetworkSpec {
  /** Network name or ID as given. */
  readonly target: string;
  readonly aliases: readonly string[];
}

export interface ServiceSpec {
  name: string;
  image: string;
  args: readonly string[];
  env: readonly string[];
  mode: 'replicated' | 'global';
  replicas: number;
  networks: ServiceNetworkSpec[];
  ports: PortConfig[];
  endpointMode: 'vip' | 'dnsrr';
  constraints: string[];
  /** The service's own labels (`--label`, a stack's `deploy.labels`): Spec.Labels. */
  labels: Record<string, string>;
  /** Labels of the tasks' containers (`--container-label`, a stack's `labels`): ContainerSpec.Labels. */
  containerLabels: Record<string, string>;
  /** Restart policy condition (any | on-failure | none) and delay. */
  restartCondition: 'any' | 'on-failure' | 'none';
  restartDelay: Time;
  hostname?: string;
}

export interface ServiceRecord {
  readonly id: string;
  spec: ServiceSpec;
  /** The spec before the last update (service inspect's PreviousSpec). */
  previous: ServiceSpec | undefined;
  version: number;
  readonly created: Time;
  updated: Time;
  /** Resolved networks (IDs, ingress first when ports are published through it) with the service's VIP there. */
  vips: { networkId: string; addr: string }[];
  /** Network IDs the tasks attach to, in order. */
  networkIds: string[];
  /** Endpoint.Ports: the spec's ports with the published ports the swarm chose (spec ports keep 0). */
  ports: PortConfig[];
}

export type TaskState = 'new' | 'pending' | 'assigned' | 'accepted' | 'preparing' | 'ready' | 'starting' | 'running' | 'complete' | 'shutdown' | 'failed' | 'rejected' | 'remove' | 'orphaned';

export const TASK_STATE_ORDER: readonly TaskState[] = ['new', 'pending', 'assigned', 'accepted', 'preparing', 'ready', 'starting', 'running', 'complete', 'shutdown', 'failed', 'rejected', 'remove', 'orphaned'];

export function stateRank(s: TaskState): number {
  return TASK_STATE_ORDER.indexOf(s);
}

export interface TaskRecord {
  readonly id: string;
  readonly serviceId: string;
  /** Replicated: the slot (1..N); global: 0 (the node ID names it). */
  readonly slot: number;
  nodeId: string | undefined;
  desired: 'running' | 'shutdown' | 'remove';
  state: TaskState;
  stateAt: Time;
  readonly created: Time;
  message: string;
  err: string;
  /** Addresses on the service's networks (CIDR text), same order as the service's networkIds. */
  networks: { networkId: string; addr: string }[];
  containerId: string;
  exitCode: number;
  /** The service spec version the task was made from. */
  readonly specVersion: number;
}

/** What the manager tells an agent about a task it runs (an Assignment). */
export interface TaskAssignment {
  readonly id: string;
  readonly serviceId: string;
  readonly serviceName: string;
  readonly slot: number;
  readonly nodeId: string;
  readonly desired: TaskRecord['desired'];
  readonly image: string;
  readonly args: readonly string[];
  readonly env: readonly string[];
  /** The container labels (ContainerSpec.Labels). */
  readonly labels: Readonly<Record<string, string>>;
  readonly hostname?: string;
  readonly endpointMode: 'vip' | 'dnsrr';
  readonly networks: readonly { readonly network: SwarmNetworkRecord; readonly addr: string; readonly aliases: readonly string[]; readonly vip?: string }[];
  /** The Endpoint's ports (published ports resolved). */
  readonly ports: readonly PortConfig[];
}

/** One endpoint as the nodes gossip it (NetworkDB endpoint_table + overlay_peer_table). */
export interface EndpointRecord {
  readonly networkId: string;
  readonly endpointId: string;
  /** Owner (swarm node ID) and its VTEP address. */
  readonly nodeId: string;
  readonly vtep: string;
  /** The container name (task container name for tasks; `ingress-endpoint` for ingress sandboxes). */
  readonly name: string;
  readonly ip: string;
  readonly mac: string;
  readonly aliases: readonly string[];
  readonly serviceName?: string;
  readonly serviceId?: string;
  readonly vip?: string;
  readonly endpointMode?: 'vip' | 'dnsrr';
  readonly taskAliases?: readonly string[];
  readonly ingressPorts?: readonly PortConfig[];
  /** Not a DNS name (load-balancer sandboxes). */
  readonly anonymous?: boolean;
}

export function endpointKey(r: { networkId: string; endpointId: string }): string {
  return `${r.networkId}/${r.endpointId}`;
}
