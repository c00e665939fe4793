// Typed driver options: the `-o key=value` bag of `docker network create` parsed once per driver, with the driver's
// defaults and error messages [M28:libnetwork/drivers/*], so the rest of the code never reads option strings.

import { invalidParameter, notFound } from './errors.ts';

export const BRIDGE_NAME = 'com.docker.network.bridge.name';
export const BRIDGE_ENABLE_ICC = 'com.docker.network.bridge.enable_icc';
export const BRIDGE_ENABLE_IP_MASQUERADE = 'com.docker.network.bridge.enable_ip_masquerade';
export const BRIDGE_HOST_BINDING_IPV4 = 'com.docker.network.bridge.host_binding_ipv4';
export const BRIDGE_DEFAULT_BRIDGE = 'com.docker.network.bridge.default_bridge';
export const BRIDGE_GATEWAY_MODE_IPV4 = 'com.docker.network.bridge.gateway_mode_ipv4';
export const BRIDGE_GATEWAY_MODE_IPV6 = 'com.docker.network.bridge.gateway_mode_ipv6';
export const BRIDGE_INHIBIT_IPV4 = 'com.docker.network.bridge.inhibit_ipv4';
export const BRIDGE_TRUSTED_HOST_INTERFACES = 'com.docker.network.bridge.trusted_host_interfaces';
export const DRIVER_MTU = 'com.docker.network.driver.mtu';
export const CONTAINER_IFACE_PREFIX = 'com.docker.network.container_iface_prefix';
export const OVERLAY_VXLANID_LIST = 'com.docker.network.driver.overlay.vxlanid_list';
export const OVERLAY_ENCRYPTED = 'encrypted';

export type GatewayMode = 'nat' | 'nat-unprotected' | 'routed' | 'isolated';

export interface BridgeOptions {
  readonly kind: 'bridge';
  /** com.docker.network.bridge.name; undefined → docker0 for the default bridge, br-<id12> otherwise. */
  readonly bridgeName?: string;
  readonly enableIcc: boolean;
  readonly enableIpMasquerade: boolean;
  /** Default host address for published ports (default 0.0.0.0). */
  readonly hostBindingIpv4?: string;
  readonly mtu?: number;
  readonly defaultBridge: boolean;
  readonly gatewayModeIpv4: GatewayMode;
  readonly gatewayModeIpv6: GatewayMode;
  readonly inhibitIpv4: boolean;
  readonly containerIfacePrefix?: string;
  readonly trustedHostInterfaces: readonly string[];
}

export type MacvlanMode = 'bridge' | 'private' | 'vepa' | 'passthru';

export interface MacvlanOptions {
  readonly kind: 'macvlan';
  /** The parent interface (e.g. eth0 or eth0.10); undefined → a dummy dm-<id12>. */
  readonly parent?: string;
  readonly mode: MacvlanMode;
}

export interface IpvlanOptions {
  readonly kind: 'ipvlan';
  readonly parent?: string;
  readonly mode: 'l2' | 'l3' | 'l3s';
  readonly flag: 'bridge' | 'private' | 'vepa';
}

export interface OverlayOptions {
  readonly kind: 'overlay';
  readonly encrypted: boolean;
  /** VNIs asked for with vxlanid_list (one per subnet), or those allocated. */
  readonly vxlanIds?: readonly number[];
  readonly mtu?: number;
}

export interface HostOptions {
  readonly kind: 'host';
}
export interface NullOptions {
  readonly kind: 'null';
}

export type DriverOptions = BridgeOptions | MacvlanOptions | IpvlanOptions | OverlayOptions | HostOptions | NullOptions;
export type DriverName = DriverOptions['kind'];

export const DRIVERS: readonly DriverName[] = ['bridge', 'host', 'null', 'macvlan', 'ipvlan', 'overlay'];

/** Driver scope: overlay is multi-host (swarm when created through swarm, global for the KV-store overlay). */
export function driverScope(d: DriverName): 'local' | 'global' {
  return d === 'overlay' ? 'global' : 'local';
}

function parseErr(label: string, value: string, err: string): Error {
  return invalidParameter(`failed to parse ${label} value: ${value} (${err})`);
}

/** Go's strconv.ParseBool. */
export function parseGoBool(label: string, value: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  throw parseErr(label, value, `strconv.ParseBool: parsing ${JSON.stringify(value)}: invalid syntax`);
}

function parseGoInt(label: string, value: string): number {
  if (!/^[+-]?[0-9]+$/.test(value)) throw parseErr(label, value, `strconv.Atoi: parsing ${JSON.stringify(value)}: invalid syntax`);
  return Number(value);
}

function gatewayMode(label: string, value: string): GatewayMode {
  if (value === 'nat' || value === 'nat-unprotected' || value === 'routed' || value === 'isolated') return value;
  throw parseErr(label, value, `unknown gateway mode ${value}`);
}

/** The bridge driver's options (fromLabels + Validate). */
export function parseBridgeOptions(o: Readonly<Record<string, string>>, internal: boolean): BridgeOptions {
  let mtu: number | undefined;
  if (o[DRIVER_MTU] !== undefined) {
    mtu = parseGoInt(DRIVER_MTU, o[DRIVER_MTU]);
    if (mtu < 0) throw invalidParameter(`invalid MTU number: ${mtu}`);
  }
  const hb = o[BRIDGE_HOST_BINDING_IPV4];
  if (hb !== undefined && !/^[0-9.]+$|:/.test(hb)) throw parseErr(BRIDGE_HOST_BINDING_IPV4, hb, 'nil ip');
  const gw4 = o[BRIDGE_GATEWAY_MODE_IPV4] !== undefined ? gatewayMode(BRIDGE_GATEWAY_MODE_IPV4, o[BRIDGE_GATEWAY_MODE_IPV4]) : 'nat';
  const gw6 = o[BRIDGE_GATEWAY_MODE_IPV6] !== undefined ? gatewayMode(BRIDGE_GATEWAY_MODE_IPV6, o[BRIDGE_GATEWAY_MODE_IPV6]) : 'nat';
  if ((gw4 === 'isolated' || gw6 === 'isolated') && !internal) throw invalidParameter("gateway mode 'isolated' can only be used for an internal network");
  return {
    kind: 'bridge',
    ...(o[BRIDGE_NAME] !== undefined ? { bridgeName: o[BRIDGE_NAME] } : {}),
    enableIcc: o[BRIDGE_ENABLE_ICC] !== undefined ? parseGoBool(BRIDGE_ENABLE_ICC, o[BRIDGE_ENABLE_ICC]) : true,
    enableIpMasquerade: o[BRIDGE_ENABLE_IP_MASQUERADE] !== undefined ? parseGoBool(BRIDGE_ENABLE_IP_MASQUERADE, o[BRIDGE_ENABLE_IP_MASQUERADE]) : true,
    ...(hb !== undefined ? { hostBindingIpv4: hb } : {}),
    ...(mtu !== undefined ? { mtu } : {}),
    defaultBridge: o[BRIDGE_DEFAULT_BRIDGE] !== undefined ? parseGoBool(BRIDGE_DEFAULT_BRIDGE, o[BRIDGE_DEFAULT_BRIDGE]) : false,
    gatewayModeIpv4: gw4,
    gatewayModeIpv6: gw6,
    inhibitIpv4: o[BRIDGE_INHIBIT_IPV4] !== undefined ? parseGoBool(BRIDGE_INHIBIT_IPV4, o[BRIDGE_INHIBIT_IPV4]) : false,
    ...(o[CONTAINER_IFACE_PREFIX] !== undefined ? { containerIfacePrefix: o[CONTAINER_IFACE_PREFIX] } : {}),
    trustedHostInterfaces: (o[BRIDGE_TRUSTED_HOST_INTERFACES] ?? '').split(':').filter((s) => s !== ''),
  };
}

export function parseMacvlanOptions(o: Readonly<Record<string, string>>): MacvlanOptions {
  const mode = o['macvlan_mode'] ?? 'bridge';
  if (mode !== 'bridge' && mode !== 'private' && mode !== 'vepa' && mode !== 'passthru') {
    throw invalidParameter(`requested macvlan mode '${mode}' is not valid, 'bridge' mode is the macvlan driver default`);
  }
  const parent = o['parent'];
  if (parent === 'lo') throw invalidParameter('loopback interface is not a valid macvlan parent link');
  checkVlanParent(parent);
  return { kind: 'macvlan', ...(parent ? { parent } : {}), mode };
}

export function parseIpvlanOptions(o: Readonly<Record<string, string>>): IpvlanOptions {
  const mode = o['ipvlan_mode'] ?? 'l2';
  if (mode !== 'l2' && mode !== 'l3' && mode !== 'l3s') throw invalidParameter(`requested ipvlan mode '${mode}' is not valid, 'l2' mode is the ipvlan driver default`);
  const flag = o['ipvlan_flag'] ?? 'bridge';
  if (flag !== 'bridge' && flag !== 'private' && flag !== 'vepa') throw invalidParameter(`requested ipvlan flag '${flag}' is not valid, 'bridge' is the ipvlan driver default`);
  const parent = o['parent'];
  if (parent === 'lo') throw invalidParameter('loopback interface is not a valid ipvlan parent link');
  checkVlanParent(parent);
  return { kind: 'ipvlan', ...(parent ? { parent } : {}), mode, flag };
}

/** "eth0.10" style parents: the VLAN ID must be 1-4094 (the rest of parseVlan needs the host: daemon/macvlan.ts). */
function checkVlanParent(parent: string | undefined): void {
  if (!parent || !parent.includes('.')) return;
  const parts = parent.split('.');
  if (parts.length !== 2 || !/^[+-]?[0-9]+$/.test(parts[1]!)) return;
  const n = Number(parts[1]);
  if (!(n >= 1 && n <= 4094)) throw invalidParameter(`vlan id must be between 1-4094, received: ${n}`);
}

export function parseOverlayOptions(o: Readonly<Record<string, string>>): OverlayOptions {
  let vxlanIds: number[] | undefined;
  const list = o[OVERLAY_VXLANID_LIST];
  if (list !== undefined) {
    vxlanIds = list.split(',').map((s) => {
      if (!/^[0-9]+$/.test(s.trim())) throw invalidParameter(`invalid vxlan id value ${JSON.stringify(s)} passed`);
      return Number(s.trim());
    });
  }
  let mtu: number | undefined;
  if (o[DRIVER_MTU] !== undefined) mtu = parseGoInt(DRIVER_MTU, o[DRIVER_MTU]);
  return { kind: 'overlay', encrypted: o[OVERLAY_ENCRYPTED] !== undefined, ...(vxlanIds ? { vxlanIds } : {}), ...(mtu !== undefined ? { mtu } : {}) };
}

/** Parses `-o` options for `driver`; unknown drivers answer as the plugin lookup does. */
export function parseDriverOptions(driver: string, o: Readonly<Record<string, string>>, internal: boolean): DriverOptions {
  switch (driver) {
    case 'bridge':
      return parseBridgeOptions(o, internal);
    case 'macvlan':
      return parseMacvlanOptions(o);
    case 'ipvlan':
      return parseIpvlanOptions(o);
    case 'overlay':
      return parseOverlayOptions(o);
    case 'host':
      return { kind: 'host' };
    case 'null':
      return { kind: 'null' };
    default:
      throw notFound(`plugin "${driver}" not found`);
  }
}

/** The container-side MTU: bridge option or 1500; overlay 1500-50 (1450), encrypted a further 26 rounded down to 4 (1424) (§6.3). */
export function endpointMtu(opts: DriverOptions): number {
  switch (opts.kind) {
    case 'bridge':
      return opts.mtu ?? 1500;
    case 'overlay': {
      const base = (opts.mtu ?? 1500) - 50;
      return opts.encrypted ? Math.floor((base - 26) / 4) * 4 : base;
    }
    default:
      return 1500;
  }
}
