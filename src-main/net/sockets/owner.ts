// Which processes hold a socket open, as Linux lets `ss -p` and `netstat -p` find out: a socket is a file, and a
// process holds it through a descriptor in /proc/PID/fd (a link "socket:[inode]"); /proc/PID/stat gives the name
// ss prints (comm, at most 15 characters) and /proc/PID/cmdline the one busybox netstat prints (argv[0]'s base).
//
// - A descriptor is the lowest number the process has free, as socket(), accept() and dup() return (POSIX).
// - fork() copies the descriptor table: a listening socket opened by nginx's master is held by its worker too, at
//   the same number (`users:(("nginx",pid=29,fd=6),("nginx",pid=1,fd=6))`).
// - close() drops the descriptor; the socket may live on without a process (FIN_WAIT, TIME_WAIT), and kernel
//   sockets (a VXLAN device's UDP socket) and connections waiting in an accept queue never had one.
// - PIDs are counted in a PID namespace: a tool sees a holder only from the same namespace, so a container lists its
//   own processes and none of the host's (the embedded DNS server's dockerd, docker-proxy), and the host's tools
//   look into no container's network namespace.

/** A process as /proc shows it: the descriptors it holds are numbered here. */
export class SocketProcess {
  /** /proc/PID/stat's name. */
  comm: string;
  private readonly open = new Set<number>();

  /**
   * @param pidNamespace the PID namespace the pid counts in: any object the caller uses to tell namespaces apart
   *   (the lab uses the Machine the process runs on); compared by identity.
   * @param pid the PID in that namespace.
   * @param comm /proc/PID/stat's name (the executable's base name; the kernel keeps 15 characters).
   * @param cmdline0 /proc/PID/cmdline's first string: argv[0], or the title a process writes over it (nginx).
   * @param fds descriptors already open (stdin, stdout and stderr by default).
   */
  constructor(
    readonly pidNamespace: object,
    readonly pid: number,
    comm: string,
    public cmdline0: string,
    fds: Iterable<number> = [0, 1, 2],
  ) {
    this.comm = comm.slice(0, 15);
    for (const fd of fds) this.open.add(fd);
  }

  /** execve(): a new program image keeps the descriptors (those not close-on-exec) and changes the names. */
  exec(comm: string, cmdline0: string): void {
    this.comm = comm.slice(0, 15);
    this.cmdline0 = cmdline0;
  }

  /** The lowest free descriptor, now in use; `fd` takes that number instead (dup2, or a table the caller knows). */
  allocate(fd?: number): number {
    if (fd !== undefined) {
      this.open.add(fd);
      return fd;
    }
    let n = 0;
    while (this.open.has(n)) n++;
    this.open.add(n);
    return n;
  }

  /** Marks descriptors as open without a socket behind them (log files, an epoll instance, a pipe). */
  reserve(...fds: number[]): void {
    for (const fd of fds) this.open.add(fd);
  }

  release(fd: number): void {
    this.open.delete(fd);
  }
}

/** One holder of a socket: the process and its descriptor number. */
export interface SocketOwner {
  readonly process: SocketProcess;
  readonly fd: number;
}

/** The holders of one socket (a field of TCP listeners and sockets and of UDP sockets). */
export class SocketHolders {
  private list: SocketOwner[] = [];

  /** In the order they came to hold it. */
  get owners(): readonly SocketOwner[] {
    return this.list;
  }

  /** socket()/accept(): `process` holds the socket at its lowest free descriptor (or at `fd`). */
  open(process: SocketProcess, fd?: number): number {
    const n = process.allocate(fd);
    this.list.push({ process, fd: n });
    return n;
  }

  /** fork(): `child` holds the socket at the same descriptor as `parent` does. */
  inherit(parent: SocketProcess, child: SocketProcess): void {
    const o = this.list.find((x) => x.process === parent);
    if (o === undefined) return;
    child.allocate(o.fd);
    this.list.push({ process: child, fd: o.fd });
  }

  /** close() in every holder: the descriptors are free again, the socket has no process any more. */
  release(): void {
    for (const o of this.list) o.process.release(o.fd);
    this.list = [];
  }
}
