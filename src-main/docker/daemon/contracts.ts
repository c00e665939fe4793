// The contracts between the Docker daemon and what runs inside its containers, in one file:
//
//   ImageCatalog / ImageDefinition  image name → userland, default command, exposed ports, the program it runs
//                                   (written in docker/images/, handed to the world by the composition root);
//   ContainerProgram / ProgramContext  a container's main process when the image models a service (nginx, redis,
//                                   elasticsearch, trainingwheels, whoami ...): started by the daemon on the
//                                   container's Machine;
//   CommandRunner                   a container's main process when it is a command line (`alpine ping -c 3 es`,
//                                   `sleep 3600`), and `docker exec`: runs argv in the machine's shell. The shell
//                                   layer implements it and injects it into the world (docker cannot import shell);
//   DnsRecords / EmbeddedDnsFactory  the embedded DNS server at 127.0.0.11 (written in docker/dns/): the daemon
//                                   starts one per container on a user-defined network and answers its lookups.
//
// Everything here runs in the lab's virtual time (VirtualClock); programs never read a wall clock.

import type { Ipv4Address } from '../../common/wire/ipv4-address.ts';
import type { NetNamespace } from '../../net/namespace.ts';
import type { SocketProcess } from '../../net/sockets/owner.ts';
import type { Time } from '../../sim/time.ts';
import type { Machine, Userland } from '../machine.ts';

/** The lab's virtual time as programs see it (a SchedulerClock in a lab, a ManualClock in unit tests). */
export interface VirtualClock {
  now(): Time;
  /** Resolves once `ns` of virtual time has passed. */
  sleep(ns: Time): Promise<void>;
}

/** Set when the container is stopped or killed: long-running code checks it, or registers a callback. */
export interface StopSignal {
  readonly stopped: boolean;
  onStop(fn: () => void): void;
}

/** SIGINT for a process that handles it (ping prints its statistics): the console's Ctrl-C, which the docker CLI
 * hands on (`docker run`'s sig-proxy, the raw terminal of `-it`). Shaped like the shell's InterruptSignal (and
 * the DOM's AbortSignal), which docker cannot import; it fires at most once. */
export interface ProcessInterrupt {
  readonly aborted: boolean;
  /** The signal that fired it, when not SIGINT (a process that dies of it, such as nc, exits 128 + signo). */
  readonly signo?: number;
  addEventListener(type: 'abort', fn: () => void, opts?: { once?: boolean }): void;
  removeEventListener(type: 'abort', fn: () => void): void;
}

/** Output and input of a process. */
export interface ProcessIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Standard input (all of it), if any. */
  readonly stdin?: string;
}

// ------------------------------------------------------------------------------------------------- programs

/** Facts about the container a program runs in. */
export interface ContainerInfo {
  /** 64 hex. */
  readonly id: string;
  /** Without the leading "/". */
  readonly name: string;
  /** The image reference as given to `docker run` ("elasticsearch:2"). */
  readonly image: string;
  /** The node (Docker host) name. */
  readonly node: string;
}

export interface ProgramContext {
  /** The container's machine: its namespace (sockets: machine.ns.tcp.listen(80), machine.ns.udp.open()), files,
   * hostname, random stream. */
  readonly machine: Machine;
  readonly container: ContainerInfo;
  /** The process environment: image ENV, then `-e`, plus HOSTNAME, PATH, and legacy link variables. */
  readonly env: ReadonlyMap<string, string>;
  /** argv of the main process (entrypoint + cmd), argv[0] included. */
  readonly args: readonly string[];
  /**
   * The main process as the container's own /proc shows it: PID 1, named after argv[0] until the program says
   * what its entrypoint exec'd (`process.exec('nginx', ...)`). Sockets the program opens name it as their owner
   * (`listen(80, { owner: ctx.process })`), so `ss -p` and `netstat -p` inside the container show it.
   */
  readonly process: SocketProcess;
  readonly clock: VirtualClock;
  readonly signal: StopSignal;
  /** A line for `docker logs` (stdout); attached `docker run` prints it too. No trailing newline needed. */
  log(line: string): void;
  /** A line on stderr (also in `docker logs`). */
  logError(line: string): void;
  /** The main process ends with this status: the container goes to Exited (code). */
  exit(code: number): void;
  /** Runs a command line in this container's shell (entrypoint scripts, `sh -c`); resolves with its status. */
  run(argv: readonly string[], io: ProcessIo): Promise<number>;
}

/** A container's main process, when the image models a service. */
export interface ContainerProgram {
  /** Opens listeners and starts timers. It may resolve at once (a daemon) or when the service ends. Throwing makes
   * the container exit with status 1 and the message in its logs. */
  start(ctx: ProgramContext): void | Promise<void>;
  /** Close listeners, cancel timers: the process is gone (it exited on a signal, or SIGKILL). */
  stop?(): void;
  /**
   * A signal to the program (its number): the status it exits with (after logging what it logs), or undefined when
   * it goes on. Without this hook SIGTERM, SIGINT and SIGQUIT end it with 0 and others are ignored (signals.ts).
   */
  signal?(sig: number): number | undefined;
}

/** Runs argv in a machine's shell (implemented by the shell layer: a Shell with the image's userland and tools). */
export interface CommandRunner {
  run(machine: Machine, argv: readonly string[], io: ProcessIo, opts: { readonly env: ReadonlyMap<string, string>; readonly signal?: StopSignal; readonly interrupt?: ProcessInterrupt; readonly cwd?: string }): Promise<number>;
}

// --------------------------------------------------------------------------------------------------- images

export interface ImageDefinition {
  /** Repository as users type it: "alpine", "nginx", "jpetazzo/trainingwheels", "traefik/whoami". */
  readonly name: string;
  /** Tags this definition stands for; undefined = every tag. "elasticsearch" might list ["2", "2.4"]. */
  readonly tags?: readonly string[];
  readonly userland: Userland;
  /** ENTRYPOINT (often empty). */
  readonly entrypoint?: readonly string[];
  /** CMD. */
  readonly cmd: readonly string[];
  /** EXPOSE, as "80/tcp"; -P publishes these in this order. */
  readonly exposedPorts: readonly string[];
  /** ENV of the image. */
  readonly env?: Readonly<Record<string, string>>;
  readonly workdir?: string;
  /** Files the image's file system holds beyond the base layout (/etc/os-release, /usr/share/nginx/html/...). */
  readonly files?: Readonly<Record<string, string>>;
  /**
   * The program for a main process with this argv (entrypoint + cmd), or undefined to run argv in the container's
   * shell. An image whose service is the default command typically answers when argv equals its entrypoint+cmd.
   */
  program?(argv: readonly string[]): ContainerProgram | undefined;
  /** True for images the lab does not model (a plain container with a shell). */
  readonly unmodelled?: boolean;
  /** STOPSIGNAL ("SIGQUIT" for nginx): what `docker stop` sends first; SIGTERM without it. */
  readonly stopSignal?: string;
}

/** Image name → definition. A reference may carry a registry, "library/" and a tag ("docker.io/library/nginx:1.25"). */
export interface ImageCatalog {
  /** The definition for a reference, or undefined if the catalog does not know it. */
  lookup(ref: string): ImageDefinition | undefined;
  list(): readonly ImageDefinition[];
}

// ------------------------------------------------------------------------------------------------------ DNS

/** Where the embedded DNS server forwards names it does not know (§5.4). */
export interface DnsUpstream {
  readonly address: Ipv4Address;
  readonly port: number;
  /** The namespace the query is sent from: the host's (nameservers of the host's resolv.conf) or the container's
   * (--dns servers). */
  readonly ns: NetNamespace;
}

/**
 * What the embedded DNS server of one container knows, from that container's point of view (§5.2, §5.3). The daemon
 * implements it over its live state, so connect/disconnect/rm are seen at once.
 */
export interface DnsRecords {
  /**
   * A (family 4) or AAAA (6) lookup of `name` (any case, trailing dot allowed): the addresses, in record order
   * (the server shuffles them per answer), when the name is known on one of the container's networks (first network
   * that knows it wins, `name.network` restricts); `[]` when the name is known but has no address of that family;
   * undefined when the name is not known here (forward it).
   */
  lookup(name: string, family: 4 | 6): readonly string[] | undefined;
  /** PTR for an address ("172.18.0.2"): "<first DNS name>.<network>" without the final dot, or undefined (forward). */
  reverse(address: string): string | undefined;
  /** The servers to forward to, in order (at most 3); empty when the container has no external access. */
  upstreams(): readonly DnsUpstream[];
  /** True when the user set ndots (--dns-opt ndots:N): single-label names not found locally get an empty answer. */
  readonly userNdots: boolean;
}

export interface EmbeddedDnsContext {
  /** The container the server serves (its namespace: bind 127.0.0.11 there). */
  readonly machine: Machine;
  readonly records: DnsRecords;
  /** 127.0.0.11. */
  readonly address: Ipv4Address;
  /** The random high ports the daemon DNATs :53 to (UDP and TCP), as Docker's resolver does. */
  readonly udpPort: number;
  readonly tcpPort: number;
  readonly clock: VirtualClock;
}

export interface EmbeddedDnsServer {
  stop(): void;
}

/** Starts the embedded DNS server of one container (docker/dns/ provides it). */
export type EmbeddedDnsFactory = (ctx: EmbeddedDnsContext) => EmbeddedDnsServer;

/** The resolver IP inside containers. */
export const EMBEDDED_DNS_ADDRESS = '127.0.0.11';
