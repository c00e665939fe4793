// Docker Engine versions and the observable behaviours that change with them (docker-networking.md §0, §11).
// A lab node runs one engine version; everything version-dependent asks an EngineBehaviour, so the switches stay in
// one table instead of being scattered as version comparisons.

export interface EngineVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

/** The reference build of docker-networking.md (moby v28.5.2, API 1.51): the version a new node runs. */
export const CURRENT_ENGINE_VERSION = '28.5.2';

/** "28.5.2", "v20.10.24", "27.0" (patch 0), "28" (minor and patch 0). Throws RangeError otherwise. */
export function parseEngineVersion(text: string): EngineVersion {
  const m = /^v?(\d{1,3})(?:\.(\d{1,3}))?(?:\.(\d{1,3}))?(?:[-+].*)?$/.exec(text.trim());
  if (!m) throw new RangeError(`not a Docker Engine version: ${JSON.stringify(text)}`);
  return { major: Number(m[1]), minor: Number(m[2] ?? 0), patch: Number(m[3] ?? 0) };
}

/**
 * As the engine prints itself: year.month releases (17.03 to 20.10) keep a two-digit month, and Docker CE 17.03 to
 * 18.09 carried a `-ce` suffix ("17.06.2-ce", "19.03.12", "1.12.6", "28.5.2").
 */
export function formatEngineVersion(v: EngineVersion): string {
  if (v.major >= 17 && v.major <= 20) {
    const month = String(v.minor).padStart(2, '0');
    return `${v.major}.${month}.${v.patch}${v.major <= 18 ? '-ce' : ''}`;
  }
  return `${v.major}.${v.minor}.${v.patch}`;
}

export function compareVersions(a: EngineVersion, b: EngineVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/** True when `v` is at least major.minor.patch. */
export function atLeast(v: EngineVersion, major: number, minor = 0, patch = 0): boolean {
  return compareVersions(v, { major, minor, patch }) >= 0;
}

/** The Engine API version a daemon of this version speaks by default (doc §0, from api/common.go per tag). */
export function apiVersionOf(v: EngineVersion): string {
  const table: [number, number, string][] = [
    [28, 3, '1.51'],
    [28, 2, '1.50'],
    [28, 1, '1.49'],
    [28, 0, '1.48'],
    [27, 2, '1.47'],
    [27, 0, '1.46'],
    [26, 0, '1.45'],
    [25, 0, '1.44'],
    [24, 0, '1.43'],
    [23, 0, '1.42'],
    [20, 10, '1.41'],
    [19, 3, '1.40'],
    [18, 9, '1.39'],
    [18, 6, '1.38'],
    [18, 3, '1.37'],
    [18, 2, '1.36'],
    [17, 12, '1.35'],
    [17, 11, '1.34'],
    [17, 10, '1.33'],
    [17, 9, '1.32'],
    [17, 7, '1.31'],
    [17, 6, '1.30'],
    [17, 5, '1.29'],
    [17, 4, '1.28'],
    [17, 3, '1.26'],
    [1, 13, '1.25'],
    [1, 12, '1.24'],
  ];
  if (v.major >= 29) return '1.52';
  // Two patch releases raised the API: 1.13.1 (1.26, as 17.03.0) and 17.03.1 (1.27).
  if (v.major === 1 && v.minor === 13 && v.patch >= 1) return '1.26';
  if (v.major === 17 && v.minor === 3 && v.patch >= 1) return '1.27';
  for (const [ma, mi, api] of table) if (atLeast(v, ma, mi)) return api;
  // Older than 1.12: API 1.23 and before, which the emulator does not model further.
  return '1.23';
}

/** Which subnet allocator picks a network's pool when none is given (doc §2.2). */
export type SubnetAllocator = 'round-robin' | 'lowest-free';

/** Every version switch the docker layer needs, decided once per node. */
export interface EngineBehaviour {
  readonly version: EngineVersion;
  readonly apiVersion: string;
  /** ≤26 round-robin over the predefined list; ≥27 linear lowest-free (doc §0, §2.2). */
  readonly subnetAllocator: SubnetAllocator;
  /** ≥28: bridge and macvlan endpoints get random locally administered MACs; before, 02:42 + IPv4 (doc §3). */
  readonly randomEndpointMac: boolean;
  /** ≥25: IPAM error strings lower-cased ("no available addresses on this pool", "requested address is out of range"). */
  readonly lowercaseIpamErrors: boolean;
  /** ≥27: "invalid pool request: " before "Pool overlaps with other one on this address space" (doc §10.1). */
  readonly poolRequestPrefix: boolean;
  /** ≥27: exhaustion reads "all predefined address pools have been fully subnetted" (doc §2.2, §10.1). */
  readonly noMoreSubnetsMessage: boolean;
  /** ≥27: a host-unique ULA /48 split in /64s is appended to the local pools when none is IPv6 (doc §2.1). */
  readonly ulaDefaultPool: boolean;
  /** ≥25: the daemon validates IPAMConfig ("invalid network config:\n…") and endpoint settings (doc §0, §10). */
  readonly validatesIpamConfig: boolean;
  /** ≥25: a duplicate network name is always refused (409); ≤24 only when CheckDuplicate is set (403). */
  readonly duplicateNameConflict: boolean;
  /** ≥25: `--ip` outside the subnet reads "no configured subnet or ip-range contain the IP address %s". */
  readonly newStaticIpErrors: boolean;
  /** ≥25: `DNSNames` in EndpointSettings. */
  readonly dnsNamesField: boolean;
  /** ≥26: Aliases no longer echo the short container ID; new resolv.conf generator. */
  readonly resolvConfV2: boolean;
  /** ≥28 (API 1.48): `EnableIPv4` in network inspect, `GwPriority`. */
  readonly enableIPv4Field: boolean;
  /** ≥28: interface names fill gaps (eth0 reused); before, a per-sandbox counter (doc §1). */
  readonly interfaceGapFill: boolean;
  /** ≥28: errors at container start are wrapped "failed to set up container networking: ". */
  readonly startErrorPrefix: boolean;
  /** ≥28.1: "has active endpoints (name:"c1" id:"…", …)" instead of "network %s id %s has active endpoints". */
  readonly activeEndpointsList: boolean;
  /** ≥27: several macvlan networks per parent (except passthru). */
  readonly macvlanSharedParent: boolean;
  /** <23: the key-value store overlay (cluster-store/cluster-advertise) exists (doc §6.8). */
  readonly clusterStore: boolean;
  /**
   * Where a task's own service VIP sits in its sandbox, as a /32 (libnetwork sandbox.go, vendored per moby tag):
   * 1.12–17.07 on the task's interface on that network ('iface', IPAliases), 17.09–18.05 on `lo` ('lo',
   * AddLoopbackAliasIP); 18.06+ nowhere ('none': the VIPs moved to the per-node lb-<net> endpoint, NAT mode).
   */
  readonly taskVipAddress: 'iface' | 'lo' | 'none';
  /**
   * 1.13–18.05: every sandbox with a service's IPVS entry also gets `nat OUTPUT -p icmp --icmp-type echo-request
   * -d <VIP> -j DNAT --to 127.0.0.1` (libnetwork e978186, service_linux.go fwMarker), so a ping to the VIP is
   * answered by the pinging container itself.
   */
  readonly vipPingDnat: boolean;
  /**
   * ≥18.06: east-west load balancing moves out of the client containers into a per-node, per-overlay sandbox
   * `lb-<net>` (endpoint `<net>-endpoint` with the node's LB IP, every VIP of the network as a /32 on it, IPVS in
   * NAT mode SNATing to the LB IP); before, each container balances in its own IPVS (libnetwork c47239d1, moby
   * daemon/network.go NetworkOptionLBEndpoint from v18.06.0-ce; docker-networking.md §6.5, §7.3).
   */
  readonly lbSandbox: boolean;
  /**
   * ≥28: dockerd binds and listens on a published port itself and hands the socket to docker-proxy as fd 4
   * (`-use-listen-fd`, libnetwork portmapper bindTCPOrUDP); before, docker-proxy opened its own listener. It decides
   * the descriptor `ss -p` shows for docker-proxy's listener (cmd/docker-proxy main_linux.go).
   */
  readonly proxyListenFd: boolean;
}

export function engineBehaviour(version: EngineVersion | string = CURRENT_ENGINE_VERSION): EngineBehaviour {
  const v = typeof version === 'string' ? parseEngineVersion(version) : version;
  return {
    version: v,
    apiVersion: apiVersionOf(v),
    subnetAllocator: atLeast(v, 27) ? 'lowest-free' : 'round-robin',
    randomEndpointMac: atLeast(v, 28),
    lowercaseIpamErrors: atLeast(v, 25),
    poolRequestPrefix: atLeast(v, 27),
    noMoreSubnetsMessage: atLeast(v, 27),
    ulaDefaultPool: atLeast(v, 27),
    validatesIpamConfig: atLeast(v, 25),
    duplicateNameConflict: atLeast(v, 25),
    newStaticIpErrors: atLeast(v, 25),
    dnsNamesField: atLeast(v, 25),
    resolvConfV2: atLeast(v, 26),
    enableIPv4Field: atLeast(v, 28),
    interfaceGapFill: atLeast(v, 28),
    startErrorPrefix: atLeast(v, 28),
    activeEndpointsList: atLeast(v, 28, 1),
    macvlanSharedParent: atLeast(v, 27),
    clusterStore: !atLeast(v, 23),
    taskVipAddress: atLeast(v, 18, 6) ? 'none' : atLeast(v, 17, 9) ? 'lo' : 'iface',
    vipPingDnat: atLeast(v, 1, 13) && !atLeast(v, 18, 6),
    lbSandbox: atLeast(v, 18, 6),
    proxyListenFd: atLeast(v, 28),
  };
}
