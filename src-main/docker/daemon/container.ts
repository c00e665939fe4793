// A container as the daemon keeps it: its configuration (what `docker create` was given), its state (Created,
// Running, Exited ...), its sandbox and endpoints while it runs, its logs. The daemon changes it; the CLI reads it.

import type { Time } from '../../sim/time.ts';
import type { Endpoint } from '../model.ts';
import type { Veth } from '../../net/veth.ts';
import type { ImageDefinition } from './contracts.ts';
import type { PortBinding, Proto } from './ports.ts';
import type { SimMachine } from './sim-machine.ts';

/** Per-network settings of a container (EndpointSettings of the API). */
export interface EndpointConfig {
  readonly aliases: readonly string[];
  readonly ipv4?: string;
  readonly ipv6?: string;
  readonly mac?: string;
  /** --link on a user network: container-scoped DNS aliases ("name:alias"). */
  readonly links?: readonly string[];
  readonly gwPriority?: number;
}

export type RestartPolicyName = 'no' | 'always' | 'unless-stopped' | 'on-failure';

export interface ContainerConfig {
  /** User name or undefined (generated). */
  readonly name?: string;
  readonly image: string;
  /** Arguments after the image (replace CMD). */
  readonly cmd?: readonly string[];
  /** --entrypoint (one word; "" clears it). */
  readonly entrypoint?: string;
  readonly env?: readonly string[];
  readonly hostname?: string;
  readonly domainname?: string;
  /** "default" (none given), "bridge", "host", "none", "container:x", or a user network name/ID (the first --network). */
  readonly networkMode?: string;
  /** Networks beyond the first (API ≥1.44 allows several at create), in order, with their settings; the first
   * --network's settings are under its name too. */
  readonly networks?: ReadonlyMap<string, EndpointConfig>;
  readonly publish?: readonly PortBinding[];
  readonly publishAll?: boolean;
  /** --expose. */
  readonly expose?: readonly string[];
  /** --link name[:alias] on the default bridge. */
  readonly links?: readonly string[];
  readonly dns?: readonly string[];
  readonly dnsSearch?: readonly string[];
  readonly dnsOptions?: readonly string[];
  /** --add-host host:ip. */
  readonly extraHosts?: readonly string[];
  readonly restart?: { readonly name: RestartPolicyName; readonly maxRetries: number };
  readonly autoRemove?: boolean;
  readonly tty?: boolean;
  readonly interactive?: boolean;
  readonly labels?: Readonly<Record<string, string>>;
  readonly workdir?: string;
  readonly macAddress?: string;
  /** --stop-timeout (seconds). */
  readonly stopTimeout?: number;
  /** --stop-signal: what `docker stop` sends first (else the image's STOPSIGNAL, else SIGTERM). */
  readonly stopSignal?: string;
  /** --init: docker-init is PID 1 and hands signals to the command, which is not PID 1 (signals.ts). */
  readonly init?: boolean;
}

export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export interface PortMapping {
  readonly containerPort: number;
  readonly proto: Proto;
  /** "0.0.0.0" or the given address. */
  readonly hostIp: string;
  readonly hostPort: number;
  /** IPv6 twin shown by `docker port` ("::"). */
  readonly ipv6: boolean;
}

/** A container's connection to one network while it runs. */
export interface Attachment {
  readonly networkId: string;
  readonly endpoint: Endpoint;
  readonly config: EndpointConfig;
  /** eth0, eth1 ... (undefined for host/none). */
  readonly ifname: string | undefined;
  /** The host side of the veth pair (bridge driver). */
  readonly hostVeth?: Veth;
  readonly hostVethName?: string;
}

export interface LogChunk {
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
  readonly at: Time;
}

export class Container {
  status: ContainerStatus = 'created';
  exitCode = 0;
  error = '';
  /** Process id of the main process while it runs (for inspect). */
  pid = 0;
  startedAt: Time | undefined;
  finishedAt: Time | undefined;
  restartCount = 0;
  /** `docker stop` was asked: no restart by policy (unless-stopped remembers it). */
  manuallyStopped = false;
  /** The sandbox ID of the current (or last) run. */
  sandboxId = '';
  /** Networks the container is configured for, in connect order: network ID → settings (persist across stops). */
  readonly networks = new Map<string, EndpointConfig>();
  /** Live attachments (running only), in join order. */
  readonly attachments: Attachment[] = [];
  readonly ports: PortMapping[] = [];
  readonly logs: LogChunk[] = [];
  /** Listeners of attached clients (docker run in the foreground, docker attach). */
  readonly outputListeners = new Set<(c: LogChunk) => void>();
  readonly exitListeners = new Set<(code: number) => void>();
  /** Counter of interface names ≤27 (never reused). */
  nextIfIndex = 0;

  constructor(
    readonly id: string,
    public name: string,
    readonly config: ContainerConfig,
    readonly image: ImageDefinition,
    readonly created: Time,
    readonly machine: SimMachine,
    /** The node it lives on. */
    readonly node: string,
    /** The entrypoint + cmd of the main process. */
    readonly argv: readonly string[],
  ) {}

  get running(): boolean {
    return this.status === 'running' || this.status === 'paused' || this.status === 'restarting';
  }

  get networkMode(): string {
    return this.config.networkMode ?? 'default';
  }

  /** The container whose namespace this one joins (container:<name|id>), if any. */
  get joinsContainer(): string | undefined {
    const m = this.networkMode;
    return m.startsWith('container:') ? m.slice('container:'.length) : undefined;
  }

  emit(stream: 'stdout' | 'stderr', text: string, at: Time): void {
    if (text === '') return;
    const c: LogChunk = { stream, text, at };
    this.logs.push(c);
    for (const l of this.outputListeners) l(c);
  }

  /** Resolves with the exit code when the container next stops (at once if it is not running). */
  wait(): Promise<number> {
    if (!this.running && this.status !== 'created') return Promise.resolve(this.exitCode);
    return new Promise((resolve) => {
      const l = (code: number): void => {
        this.exitListeners.delete(l);
        resolve(code);
      };
      this.exitListeners.add(l);
    });
  }
}
