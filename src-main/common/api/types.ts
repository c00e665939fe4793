// Data types that cross the contract. Plain JSON-safe records: the renderer, the CLI and the tests all see these.

export type ThemePreference = 'system' | 'light' | 'dark';
export type ShellKind = 'electron' | 'browser' | 'cli';

export interface AppInfo {
  name: 'Flotilla';
  version: string;
  /** Which shell carries the contract to this client. */
  shell: ShellKind;
  /** The SQLite file of the Flotilla library. */
  libraryPath: string;
  /** PRAGMA user_version of the library. */
  schemaVersion: number;
}

export interface LabSummary {
  id: string;
  name: string;
  /** ISO 8601, UTC. */
  createdAt: string;
  updatedAt: string;
  nodeCount: number;
  snapshotCount: number;
}

/**
 * The lab document (its schema and migrations live in src-main/lab; resources/lab.schema.json publishes it).
 * Version 2: a lab is reproduced by replay — the emulator is deterministic, so the seed and the journal of console
 * commands at their virtual times rebuild the running state exactly. `nodes` is a summary for lists and diffs.
 */
export interface LabDocument {
  version: 2;
  /** The emulator's seed (a whole number 0..2^32-1). */
  seed: number;
  /** Virtual time (ns) the document covers: a restart replays the journal up to here. */
  time: number;
  nodes: LabNodeSpec[];
  journal: JournalEntry[];
  /** Canvas layout and annotations (free-form JSON object owned by the window). */
  canvas: Record<string, unknown>;
  transcripts: LabTranscript[];
}

export interface LabNodeSpec {
  name: string;
  /** Its underlay address ("192.168.99.100"), when known. */
  address?: string;
  /** Its Docker Engine version, when known. */
  engine?: string;
}

/** One command line a console ran in the live lab. */
export interface JournalEntry {
  /** Virtual time (ns) the line started at. */
  t: number;
  /** Which console of the lab ran it (1, 2, ...): lines of one console share one shell (cwd, variables). */
  console: number;
  target: ConsoleTarget;
  line: string;
  /** Its exit status, or null while it ran when the document was saved. */
  exit: number | null;
  /** Virtual time (ns) a Ctrl-C (or closing the console) interrupted it. */
  interrupted?: number;
}

export interface LabTranscript {
  name: string;
  text: string;
}

/** What changed from snapshot `a` to snapshot `b` (snapshots.diff). */
export interface SnapshotDiff {
  a: { id: string; name: string; time: number };
  b: { id: string; name: string; time: number };
  /** Journal entries in b and not in a (added) or in a and not in b (removed; b went another way). */
  journal: { added: JournalEntry[]; removed: JournalEntry[] };
  nodes: DiffSet;
  /** "node/container": state and image. */
  containers: DiffSet;
  /** "node/network": driver and subnet. */
  networks: DiffSet;
}

export interface DiffSet {
  added: string[];
  removed: string[];
  /** Present in both, described differently: "node1/web: running → exited". */
  changed: string[];
}

/** A lab file as bytes (labs.export / labs.import): an SQLite lab file, or a lab.yaml. */
export interface LabFileData {
  format: 'flotilla' | 'yaml';
  /** File name to offer for saving ("My lab.flotilla"). */
  name: string;
  dataBase64: string;
}

export interface Lab extends LabSummary {
  document: LabDocument;
}

export interface SnapshotSummary {
  id: string;
  labId: string;
  name: string;
  createdAt: string;
}

export interface Settings {
  theme: ThemePreference;
}

// ------------------------------------------------------------------------------------------ the running lab

/** The virtual clock of a running lab. Times are integer nanoseconds of virtual time since the lab started. */
export interface LabClockState {
  /** Virtual time now, in nanoseconds. */
  time: number;
  /** True while virtual time follows the wall clock; false when paused. */
  running: boolean;
  /** Virtual seconds per wall second (1 = real time). */
  speed: number;
}

/** A LAN of the underlay (the host-only network of docker-machine, or a LAN that `flotilla node add --ip` made). */
export interface RuntimeLan {
  name: string;
  /** "192.168.99.0/24". */
  cidr: string;
}

/** The user's machine beside the lab: one interface on each LAN. */
export interface RuntimeWorkstation {
  name: string;
  interfaces: { lan: string; iface: string; ip: string }[];
}

export interface RuntimeNetwork {
  id: string;
  name: string;
  /** bridge, host, null, overlay, macvlan, ... */
  driver: string;
  /** local, global, swarm. */
  scope: string;
  /** The first IPv4 subnet ("172.18.0.0/16"), or null (host, none). */
  subnet: string | null;
  gateway: string | null;
  /** The Linux bridge device (docker0, br-<id12>), or null. */
  bridge: string | null;
  internal: boolean;
  /** An overlay's VXLAN ID (its first subnet's), or null. */
  vni: number | null;
  /** The swarm's ingress network (the routing mesh). */
  ingress: boolean;
  /** What `docker network create` was given, so the window can create it again exactly (undo of a removal);
   * absent for the daemon's own networks (bridge, host, none, ingress). */
  create?: RuntimeNetworkCreate;
}

/** The settings of a user-created network, as the flags of `docker network create` carry them. */
export interface RuntimeNetworkCreate {
  attachable: boolean;
  /** --ipv6. */
  ipv6: boolean;
  /** The user's -o options (not those the daemon adds, such as an overlay's vxlanid_list). */
  options: Record<string, string>;
  labels: Record<string, string>;
  /** One entry per --subnet with its --ip-range, --gateway and --aux-address; empty when the daemon chose the pool. */
  ipam: { subnet: string; ipRange?: string; gateway?: string; auxAddresses?: Record<string, string> }[];
}

export type RuntimeContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'exited' | 'dead' | 'removing';

export interface RuntimeEndpoint {
  networkId: string;
  network: string;
  /** eth0, eth1 ... (null on host / none). */
  iface: string | null;
  /** "172.18.0.2/16", or null. */
  ip: string | null;
  mac: string | null;
  aliases: string[];
  /** Frames through the container's interface (received + sent) since it joined: the canvas turns two samples into
   * frames per second. */
  frames: number;
}

export interface RuntimePort {
  containerPort: number;
  proto: string;
  hostIp: string;
  hostPort: number;
}

export interface RuntimeContainer {
  id: string;
  name: string;
  image: string;
  state: RuntimeContainerState;
  exitCode: number;
  /** The network mode (default, bridge, host, none, container:x, or a network name). */
  networkMode: string;
  /** While it runs: one per network it is attached to, in join order. */
  networks: RuntimeEndpoint[];
  ports: RuntimePort[];
  /** What it was run with, so the canvas can copy it: -e variables, the arguments after the image, -t and -i. */
  env?: string[];
  cmd?: string[];
  tty?: boolean;
  interactive?: boolean;
}

export interface RuntimeNode {
  name: string;
  /** Its address on the underlay LAN. */
  address: string;
  lan: string;
  engine: string;
  /** Swarm role, or null when the node is in no swarm. */
  swarmRole: 'manager' | 'worker' | null;
  /** Its standing in the swarm as `docker node ls` shows it, or null when in no swarm. */
  swarm: RuntimeSwarmNode | null;
  daemon: 'running' | 'stopped';
  /** Frames through eth0, its link to the LAN (received + sent). */
  frames: number;
  networks: RuntimeNetwork[];
  containers: RuntimeContainer[];
}

/** A view of a running lab: what Docker and the underlay hold now. */
export interface LabRuntimeState {
  labId: string;
  clock: LabClockState;
  lans: RuntimeLan[];
  workstation: RuntimeWorkstation;
  nodes: RuntimeNode[];
  /** Swarm services (of every swarm in the lab), with their tasks. */
  services: RuntimeService[];
}

export interface RuntimeSwarmNode {
  /** The swarm node ID. */
  id: string;
  role: 'manager' | 'worker';
  /** The manager that leads (MANAGER STATUS "Leader"). */
  leader: boolean;
  /** ready, down, unknown, disconnected. */
  state: string;
  availability: 'active' | 'pause' | 'drain';
}

export interface RuntimeServicePort {
  protocol: string;
  target: number;
  published: number;
  mode: 'ingress' | 'host';
}

export interface RuntimeTask {
  id: string;
  /** Replicated: 1..N; global: 0. */
  slot: number;
  /** The lab node it was scheduled on (its hostname), or null while unassigned. */
  node: string | null;
  /** The ID of the container running it, or '' before it has one. */
  containerId: string;
  /** swarmkit's task state: running, pending, failed, shutdown ... */
  state: string;
}

export interface RuntimeService {
  id: string;
  name: string;
  image: string;
  mode: 'replicated' | 'global';
  /** Tasks wanted (replicated: the replica count; global: one per eligible node that has one). */
  desired: number;
  /** Tasks running now. */
  running: number;
  ports: RuntimeServicePort[];
  /** The service's virtual IP on each of its networks (by network name). */
  vips: { network: string; addr: string }[];
  /** Tasks meant to run (desired state running). */
  tasks: RuntimeTask[];
}

/** Where a console's shell runs. */
export type ConsoleTarget =
  | { kind: 'workstation' }
  | { kind: 'node'; node: string }
  | { kind: 'container'; node: string; container: string };

export interface ConsoleInfo {
  consoleId: string;
  labId: string;
  /** For the tab: "workstation", "node1", "node1 › web". */
  title: string;
  /** The prompt to print before the next line, such as "docker@node1:~$ ". */
  prompt: string;
  target: ConsoleTarget;
}

/** What lab.exec answers: the line's exit status (130 when it was interrupted) and all it printed. */
export interface LabExecResult {
  exit: number;
  output: string;
  /** Only what it printed on stderr (Docker's error when the lab refuses). */
  stderr: string;
}

export interface ConsoleRunResult {
  exit: number;
  /** The prompt after the command (the directory may have changed). */
  prompt: string;
  /** The shell ended (`exit`): the console is closed. */
  closed: boolean;
}

export interface Completions {
  /** The range of `line` that a candidate replaces (the word at the cursor). */
  start: number;
  end: number;
  /** Whole words that may stand in that range, sorted (directories end with "/"). */
  candidates: string[];
}

export interface ConsoleOutput {
  consoleId: string;
  data: string;
  stream: 'stdout' | 'stderr';
}

export interface ConsoleExit {
  consoleId: string;
  /** Why the console's session ended. */
  reason: string;
}
