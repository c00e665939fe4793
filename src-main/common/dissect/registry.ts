// The field tables, one per protocol, with Wireshark's exact short names: the display filter resolves names here
// and the dissectors add items by these definitions. A protocol is itself a field of type 'protocol' (its abbrev
// is the protocol's filter name: `dns`, `tcp`), whose value is its bytes from where it starts to the end of the
// data it was handed (what `udp contains 65:73` searches, as in Wireshark).

import type { FieldDef } from './field.ts';

const ETHERTYPES: Record<number, string> = { 0x0800: 'IPv4', 0x0806: 'ARP', 0x8100: '802.1Q Virtual LAN', 0x86dd: 'IPv6' };
export const IP_PROTOCOLS: Record<number, string> = { 0: 'IPv6 Hop-by-Hop Option', 1: 'ICMP', 2: 'IGMP', 4: 'IPIP', 6: 'TCP', 17: 'UDP', 41: 'IPv6', 43: 'IPv6 Routing', 44: 'IPv6 Fragment', 50: 'ESP', 51: 'AH', 58: 'ICMPv6', 59: 'IPv6 No Next Header', 60: 'IPv6 Destination Options' };
export const ICMP_TYPES: Record<number, string> = { 0: 'Echo (ping) reply', 3: 'Destination unreachable', 4: 'Source quench (flow control)', 5: 'Redirect', 8: 'Echo (ping) request', 11: 'Time-to-live exceeded', 12: 'Parameter problem', 13: 'Timestamp request', 14: 'Timestamp reply' };
export const ICMP_UNREACH_CODES: Record<number, string> = {
  0: 'Network unreachable',
  1: 'Host unreachable',
  2: 'Protocol unreachable',
  3: 'Port unreachable',
  4: 'Fragmentation needed',
  5: 'Source route failed',
  6: 'Destination network unknown',
  7: 'Destination host unknown',
  9: 'Network administratively prohibited',
  10: 'Host administratively prohibited',
  13: 'Communication administratively filtered',
};
export const ICMP_TIME_EXCEEDED_CODES: Record<number, string> = { 0: 'Time to live exceeded in transit', 1: 'Fragment reassembly time exceeded' };
export const ICMPV6_TYPES: Record<number, string> = {
  1: 'Destination Unreachable',
  2: 'Packet Too Big',
  3: 'Time Exceeded',
  4: 'Parameter Problem',
  128: 'Echo (ping) request',
  129: 'Echo (ping) reply',
  130: 'Multicast Listener Query',
  131: 'Multicast Listener Report',
  132: 'Multicast Listener Done',
  133: 'Router Solicitation',
  134: 'Router Advertisement',
  135: 'Neighbor Solicitation',
  136: 'Neighbor Advertisement',
  137: 'Redirect',
  143: 'Multicast Listener Report Message v2',
};
export const ARP_OPCODES: Record<number, string> = { 1: 'request', 2: 'reply', 3: 'reverse request', 4: 'reverse reply' };
export const DNS_TYPES: Record<number, string> = { 1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 12: 'PTR', 15: 'MX', 16: 'TXT', 28: 'AAAA', 33: 'SRV', 41: 'OPT', 255: 'ANY' };
export const DNS_TYPE_LONG: Record<number, string> = {
  1: 'A (Host Address)',
  2: 'NS (authoritative Name Server)',
  5: 'CNAME (Canonical NAME for an alias)',
  6: 'SOA (Start Of a zone of Authority)',
  12: 'PTR (domain name PoinTeR)',
  15: 'MX (Mail eXchange)',
  16: 'TXT (Text strings)',
  28: 'AAAA (IPv6 Address)',
  33: 'SRV (Server Selection)',
  41: 'OPT',
  255: '* (A request for all records the server/cache has available)',
};
export const DNS_RCODES: Record<number, string> = { 0: 'No error', 1: 'Format error', 2: 'Server failure', 3: 'No such name', 4: 'Not implemented', 5: 'Refused' };
export const DNS_OPCODES: Record<number, string> = { 0: 'Standard query', 1: 'Inverse query', 2: 'Server status request', 4: 'Zone change notification', 5: 'Dynamic update' };
const DSCP_NAMES: Record<number, string> = { 0: 'Default', 8: 'Class Selector 1', 10: 'Assured Forwarding 11', 16: 'Class Selector 2', 24: 'Class Selector 3', 32: 'Class Selector 4', 40: 'Class Selector 5', 46: 'Expedited Forwarding', 48: 'Class Selector 6', 56: 'Class Selector 7' };
const ECN_NAMES: Record<number, string> = { 0: 'Not ECN-Capable Transport', 1: 'ECN-Capable Transport codepoint \'10\'', 2: 'ECN-Capable Transport codepoint \'01\'', 3: 'Congestion Experienced' };
const IGMP_TYPES: Record<number, string> = { 0x11: 'Membership Query', 0x12: 'Membership Report', 0x16: 'Membership Report', 0x17: 'Leave Group', 0x22: 'Membership Report' };
const IGMP_RECORD_TYPES: Record<number, string> = { 1: 'Mode Is Include', 2: 'Mode Is Exclude', 3: 'Change To Include Mode', 4: 'Change To Exclude Mode', 5: 'Allow New Sources', 6: 'Block Old Sources' };
const TCP_OPTION_KINDS: Record<number, string> = { 0: 'End of Option List (EOL)', 1: 'No-Operation (NOP)', 2: 'Maximum Segment Size', 3: 'Window Scale', 4: 'SACK Permitted', 5: 'SACK', 8: 'Time Stamp Option' };

// Linux's PACKET_* and the ARPHRD_* types Wireshark names (packet-sll.c, arphrd.h).
const SLL_PKTTYPES: Record<number, string> = { 0: 'Unicast to us', 1: 'Broadcast', 2: 'Multicast', 3: 'Unicast to another host', 4: 'Sent by us' };
const SLL_HATYPES: Record<number, string> = { 1: 'Ethernet', 772: 'Loopback', 776: 'IPv6-in-IPv4', 778: 'GRE over IP', 65534: 'zero header length' };

const SET: readonly [string, string] = ['Set', 'Not set'];

function u(abbrev: string, name: string, extra: Partial<FieldDef> = {}): FieldDef {
  return { abbrev, name, type: 'uint', ...extra };
}
function b(abbrev: string, name: string, mask: number, bitWidth: number, trueFalse: readonly [string, string] = SET): FieldDef {
  return { abbrev, name, type: 'bool', mask, bitWidth, trueFalse };
}
function t(abbrev: string, name: string, type: FieldDef['type']): FieldDef {
  return { abbrev, name, type };
}
function proto(abbrev: string, name: string): FieldDef {
  return { abbrev, name, type: 'protocol' };
}

export const fields = {
  frame: {
    proto: proto('frame', 'Frame'),
    interface_name: t('frame.interface_name', 'Interface name', 'string'),
    time_relative: { abbrev: 'frame.time_relative', name: 'Time since reference or first frame', type: 'float', unit: 'seconds' } as FieldDef,
    number: u('frame.number', 'Frame Number'),
    len: u('frame.len', 'Frame Length', { unit: 'bytes' }),
    cap_len: u('frame.cap_len', 'Capture Length', { unit: 'bytes' }),
    protocols: t('frame.protocols', 'Protocols in frame', 'string'),
  },
  eth: {
    proto: proto('eth', 'Ethernet II'),
    dst: t('eth.dst', 'Destination', 'mac'),
    src: t('eth.src', 'Source', 'mac'),
    addr: t('eth.addr', 'Address', 'mac'),
    lg: b('eth.lg', 'LG bit', 0x20000, 24, ['Locally administered address (this is NOT the factory default)', 'Globally unique address (factory default)']),
    ig: b('eth.ig', 'IG bit', 0x10000, 24, ['Group address (multicast/broadcast)', 'Individual address (unicast)']),
    type: u('eth.type', 'Type', { base: 'hex', hexDigits: 4, names: ETHERTYPES, max: 0xffff }),
    padding: t('eth.padding', 'Padding', 'bytes'),
  },
  vlan: {
    proto: proto('vlan', '802.1Q Virtual LAN'),
    priority: u('vlan.priority', 'Priority', { mask: 0xe000, bitWidth: 16, max: 7 }),
    dei: b('vlan.dei', 'DEI', 0x1000, 16, ['Eligible', 'Ineligible']),
    id: u('vlan.id', 'ID', { mask: 0x0fff, bitWidth: 16, max: 4095 }),
    etype: u('vlan.etype', 'Type', { base: 'hex', hexDigits: 4, names: ETHERTYPES, max: 0xffff }),
  },
  arp: {
    proto: proto('arp', 'Address Resolution Protocol'),
    hw_type: u('arp.hw.type', 'Hardware type', { names: { 1: 'Ethernet' }, max: 0xffff }),
    proto_type: u('arp.proto.type', 'Protocol type', { base: 'hex', hexDigits: 4, names: ETHERTYPES, max: 0xffff }),
    hw_size: u('arp.hw.size', 'Hardware size', { max: 0xff }),
    proto_size: u('arp.proto.size', 'Protocol size', { max: 0xff }),
    opcode: u('arp.opcode', 'Opcode', { names: ARP_OPCODES, max: 0xffff }),
    src_hw_mac: t('arp.src.hw_mac', 'Sender MAC address', 'mac'),
    src_proto_ipv4: t('arp.src.proto_ipv4', 'Sender IP address', 'ipv4'),
    dst_hw_mac: t('arp.dst.hw_mac', 'Target MAC address', 'mac'),
    dst_proto_ipv4: t('arp.dst.proto_ipv4', 'Target IP address', 'ipv4'),
  },
  ip: {
    proto: proto('ip', 'Internet Protocol Version 4'),
    version: u('ip.version', 'Version', { mask: 0xf0, bitWidth: 8, max: 15 }),
    hdr_len: u('ip.hdr_len', 'Header Length', { mask: 0x0f, bitWidth: 8, max: 60 }),
    dsfield: u('ip.dsfield', 'Differentiated Services Field', { base: 'hex', hexDigits: 2, max: 0xff }),
    dscp: u('ip.dsfield.dscp', 'Differentiated Services Codepoint', { mask: 0xfc, bitWidth: 8, names: DSCP_NAMES, max: 63 }),
    ecn: u('ip.dsfield.ecn', 'Explicit Congestion Notification', { mask: 0x03, bitWidth: 8, names: ECN_NAMES, max: 3 }),
    len: u('ip.len', 'Total Length', { max: 0xffff }),
    id: u('ip.id', 'Identification', { base: 'hex_dec', hexDigits: 4, max: 0xffff }),
    flags: u('ip.flags', 'Flags', { base: 'hex', hexDigits: 1, mask: 0xe0, bitWidth: 8, max: 0xff }),
    flags_rb: b('ip.flags.rb', 'Reserved bit', 0x80, 8),
    flags_df: b('ip.flags.df', "Don't fragment", 0x40, 8),
    flags_mf: b('ip.flags.mf', 'More fragments', 0x20, 8),
    frag_offset: u('ip.frag_offset', 'Fragment Offset', { mask: 0x1fff, bitWidth: 16, max: 0x1fff, blurb: 'In units of 8 bytes, as tshark prints it; the tree shows bytes.' }),
    ttl: u('ip.ttl', 'Time to Live', { max: 0xff }),
    proto_field: u('ip.proto', 'Protocol', { names: IP_PROTOCOLS, max: 0xff }),
    checksum: u('ip.checksum', 'Header Checksum', { base: 'hex', hexDigits: 4, max: 0xffff }),
    src: t('ip.src', 'Source Address', 'ipv4'),
    dst: t('ip.dst', 'Destination Address', 'ipv4'),
    addr: t('ip.addr', 'Source or Destination Address', 'ipv4'),
    reassembled_in: u('ip.reassembled_in', 'Reassembled IPv4 in frame'),
  },
  ipv6: {
    proto: proto('ipv6', 'Internet Protocol Version 6'),
    version: u('ipv6.version', 'Version', { mask: 0xf0000000, bitWidth: 32, max: 15 }),
    tclass: u('ipv6.tclass', 'Traffic Class', { base: 'hex', hexDigits: 2, mask: 0x0ff00000, bitWidth: 32, max: 0xff }),
    flow: u('ipv6.flow', 'Flow Label', { base: 'hex', hexDigits: 5, mask: 0x000fffff, bitWidth: 32, max: 0xfffff }),
    plen: u('ipv6.plen', 'Payload Length', { max: 0xffff }),
    nxt: u('ipv6.nxt', 'Next Header', { names: IP_PROTOCOLS, max: 0xff }),
    hlim: u('ipv6.hlim', 'Hop Limit', { max: 0xff }),
    src: t('ipv6.src', 'Source Address', 'ipv6'),
    dst: t('ipv6.dst', 'Destination Address', 'ipv6'),
    addr: t('ipv6.addr', 'Source or Destination Address', 'ipv6'),
  },
  icmp: {
    proto: proto('icmp', 'Internet Control Message Protocol'),
    type: u('icmp.type', 'Type', { names: ICMP_TYPES, namesFirst: false, max: 0xff }),
    code: u('icmp.code', 'Code', { max: 0xff }),
    checksum: u('icmp.checksum', 'Checksum', { base: 'hex', hexDigits: 4, max: 0xffff }),
    ident: u('icmp.ident', 'Identifier (BE)', { base: 'dec_hex', hexDigits: 4, max: 0xffff }),
    ident_le: u('icmp.ident_le', 'Identifier (LE)', { base: 'dec_hex', hexDigits: 4, max: 0xffff }),
    seq: u('icmp.seq', 'Sequence Number (BE)', { base: 'dec_hex', hexDigits: 4, max: 0xffff }),
    seq_le: u('icmp.seq_le', 'Sequence Number (LE)', { base: 'dec_hex', hexDigits: 4, max: 0xffff }),
    mtu: u('icmp.mtu', 'MTU of next hop', { max: 0xffff }),
    resp_to: u('icmp.resp_to', 'Request frame'),
    // An absolute time, kept as the text tshark prints (UTC).
    data_time: t('icmp.data_time', 'Timestamp from icmp data', 'string'),
    data_time_relative: { abbrev: 'icmp.data_time_relative', name: 'Timestamp from icmp data (relative)', type: 'float', unit: 'seconds' } as FieldDef,
  },
  icmpv6: {
    proto: proto('icmpv6', 'Internet Control Message Protocol v6'),
    type: u('icmpv6.type', 'Type', { names: ICMPV6_TYPES, namesFirst: false, max: 0xff }),
    code: u('icmpv6.code', 'Code', { max: 0xff }),
    checksum: u('icmpv6.checksum', 'Checksum', { base: 'hex', hexDigits: 4, max: 0xffff }),
    echo_id: u('icmpv6.echo.identifier', 'Identifier', { base: 'hex', hexDigits: 4, max: 0xffff }),
    echo_seq: u('icmpv6.echo.sequence_number', 'Sequence', { max: 0xffff }),
    mtu: u('icmpv6.mtu', 'MTU', { max: 0xffffffff }),
    nd_target: t('icmpv6.nd.ns.target_address', 'Target Address', 'ipv6'),
  },
  igmp: {
    proto: proto('igmp', 'Internet Group Management Protocol'),
    version: u('igmp.version', 'IGMP Version'),
    type: u('igmp.type', 'Type', { base: 'hex', hexDigits: 2, names: IGMP_TYPES, max: 0xff }),
    checksum: u('igmp.checksum', 'Checksum', { base: 'hex', hexDigits: 4, max: 0xffff }),
    num_grp_recs: u('igmp.num_grp_recs', 'Num Group Records', { max: 0xffff }),
    record_type: u('igmp.record_type', 'Record Type', { names: IGMP_RECORD_TYPES, max: 0xff }),
    maddr: t('igmp.maddr', 'Multicast Address', 'ipv4'),
  },
  udp: {
    proto: proto('udp', 'User Datagram Protocol'),
    srcport: u('udp.srcport', 'Source Port', { max: 0xffff }),
    dstport: u('udp.dstport', 'Destination Port', { max: 0xffff }),
    port: u('udp.port', 'Source or Destination Port', { max: 0xffff }),
    length: u('udp.length', 'Length', { max: 0xffff }),
    stream: u('udp.stream', 'Stream index'),
    checksum: u('udp.checksum', 'Checksum', { base: 'hex', hexDigits: 4, max: 0xffff }),
    payload: t('udp.payload', 'UDP payload', 'bytes'),
  },
  tcp: {
    proto: proto('tcp', 'Transmission Control Protocol'),
    srcport: u('tcp.srcport', 'Source Port', { max: 0xffff }),
    dstport: u('tcp.dstport', 'Destination Port', { max: 0xffff }),
    port: u('tcp.port', 'Source or Destination Port', { max: 0xffff }),
    stream: u('tcp.stream', 'Stream index'),
    len: u('tcp.len', 'TCP Segment Len'),
    seq: u('tcp.seq', 'Sequence Number'),
    seq_raw: u('tcp.seq_raw', 'Sequence Number (raw)'),
    nxtseq: u('tcp.nxtseq', 'Next Sequence Number'),
    ack: u('tcp.ack', 'Acknowledgment Number'),
    ack_raw: u('tcp.ack_raw', 'Acknowledgment number (raw)'),
    hdr_len: u('tcp.hdr_len', 'Header Length', { mask: 0xf0, bitWidth: 8, max: 60 }),
    flags: u('tcp.flags', 'Flags', { base: 'hex', hexDigits: 3, mask: 0x0fff, bitWidth: 12, max: 0xfff }),
    flags_res: b('tcp.flags.res', 'Reserved', 0xe00, 12),
    flags_ae: b('tcp.flags.ae', 'Accurate ECN', 0x100, 12),
    flags_cwr: b('tcp.flags.cwr', 'Congestion Window Reduced', 0x80, 12),
    flags_ece: b('tcp.flags.ece', 'ECN-Echo', 0x40, 12),
    flags_urg: b('tcp.flags.urg', 'Urgent', 0x20, 12),
    flags_ack: b('tcp.flags.ack', 'Acknowledgment', 0x10, 12),
    flags_push: b('tcp.flags.push', 'Push', 0x08, 12),
    flags_reset: b('tcp.flags.reset', 'Reset', 0x04, 12),
    flags_syn: b('tcp.flags.syn', 'Syn', 0x02, 12),
    flags_fin: b('tcp.flags.fin', 'Fin', 0x01, 12),
    flags_str: t('tcp.flags.str', 'TCP Flags', 'string'),
    window_size_value: u('tcp.window_size_value', 'Window', { max: 0xffff }),
    window_size: u('tcp.window_size', 'Calculated window size'),
    window_size_scalefactor: u('tcp.window_size_scalefactor', 'Window size scaling factor'),
    checksum: u('tcp.checksum', 'Checksum', { base: 'hex', hexDigits: 4, max: 0xffff }),
    urgent_pointer: u('tcp.urgent_pointer', 'Urgent Pointer', { max: 0xffff }),
    options: t('tcp.options', 'TCP Options', 'bytes'),
    option_kind: u('tcp.option_kind', 'Kind', { names: TCP_OPTION_KINDS, max: 0xff }),
    option_len: u('tcp.option_len', 'Length', { max: 0xff }),
    mss_val: u('tcp.options.mss_val', 'MSS Value', { max: 0xffff }),
    wscale_shift: u('tcp.options.wscale.shift', 'Shift count', { max: 0xff }),
    wscale_multiplier: u('tcp.options.wscale.multiplier', 'Multiplier', { max: 0xffff }),
    sack_perm: t('tcp.options.sack_perm', 'TCP Option - SACK permitted', 'none'),
    sack_le: u('tcp.options.sack_le', 'left edge'),
    sack_re: u('tcp.options.sack_re', 'right edge'),
    tsval: u('tcp.options.timestamp.tsval', 'Timestamp value'),
    tsecr: u('tcp.options.timestamp.tsecr', 'Timestamp echo reply'),
    payload: t('tcp.payload', 'TCP payload', 'bytes'),
  },
  vxlan: {
    proto: proto('vxlan', 'Virtual eXtensible Local Area Network'),
    flags: u('vxlan.flags', 'Flags', { base: 'hex', hexDigits: 4, max: 0xffff }),
    flag_g: b('vxlan.flag_g', 'GBP Extension', 0x8000, 16, ['Defined', 'Not defined']),
    flag_i: b('vxlan.flag_i', 'VXLAN Network ID (VNI)', 0x0800, 16, ['True', 'False']),
    flag_d: b('vxlan.flag_d', "Don't Learn", 0x0040, 16, ['True', 'False']),
    flag_a: b('vxlan.flag_a', 'Policy Applied', 0x0008, 16, ['True', 'False']),
    flags_reserved: u('vxlan.flags_reserved', 'Reserved(R)', { base: 'hex', hexDigits: 4, mask: 0x77b7, bitWidth: 16, max: 0xffff }),
    gbp: u('vxlan.gbp', 'Group Policy ID', { max: 0xffff }),
    vni: u('vxlan.vni', 'VXLAN Network Identifier (VNI)', { max: 0xffffff }),
    reserved8: u('vxlan.reserved8', 'Reserved', { max: 0xff }),
  },
  esp: {
    proto: proto('esp', 'Encapsulating Security Payload'),
    spi: u('esp.spi', 'ESP SPI', { base: 'hex_dec', hexDigits: 8 }),
    sequence: u('esp.sequence', 'ESP Sequence'),
  },
  dns: {
    proto: proto('dns', 'Domain Name System'),
    id: u('dns.id', 'Transaction ID', { base: 'hex', hexDigits: 4, max: 0xffff }),
    flags: u('dns.flags', 'Flags', { base: 'hex', hexDigits: 4, max: 0xffff }),
    flags_response: b('dns.flags.response', 'Response', 0x8000, 16, ['Message is a response', 'Message is a query']),
    flags_opcode: u('dns.flags.opcode', 'Opcode', { mask: 0x7800, bitWidth: 16, names: DNS_OPCODES, max: 15 }),
    flags_authoritative: b('dns.flags.authoritative', 'Authoritative', 0x0400, 16, ['Server is an authority for domain', 'Server is not an authority for domain']),
    flags_truncated: b('dns.flags.truncated', 'Truncated', 0x0200, 16, ['Message is truncated', 'Message is not truncated']),
    flags_recdesired: b('dns.flags.recdesired', 'Recursion desired', 0x0100, 16, ['Do query recursively', "Don't do query recursively"]),
    flags_recavail: b('dns.flags.recavail', 'Recursion available', 0x0080, 16, ['Server can do recursive queries', "Server can't do recursive queries"]),
    flags_z: b('dns.flags.z', 'Z', 0x0040, 16, ['reserved (1)', 'reserved (0)']),
    flags_authenticated: b('dns.flags.authenticated', 'Answer authenticated', 0x0020, 16, ['Answer/authority portion was authenticated by the server', 'Answer/authority portion was not authenticated by the server']),
    flags_checkdisable: b('dns.flags.checkdisable', 'Non-authenticated data', 0x0010, 16, ['Acceptable', 'Unacceptable']),
    flags_rcode: u('dns.flags.rcode', 'Reply code', { mask: 0x000f, bitWidth: 16, names: DNS_RCODES, max: 15 }),
    count_queries: u('dns.count.queries', 'Questions', { max: 0xffff }),
    count_answers: u('dns.count.answers', 'Answer RRs', { max: 0xffff }),
    count_auth_rr: u('dns.count.auth_rr', 'Authority RRs', { max: 0xffff }),
    count_add_rr: u('dns.count.add_rr', 'Additional RRs', { max: 0xffff }),
    qry_name: t('dns.qry.name', 'Name', 'string'),
    qry_name_len: u('dns.qry.name.len', 'Name Length'),
    count_labels: u('dns.count.labels', 'Label Count'),
    qry_type: u('dns.qry.type', 'Type', { names: DNS_TYPE_LONG, max: 0xffff }),
    qry_class: u('dns.qry.class', 'Class', { base: 'hex', hexDigits: 4, names: { 1: 'IN' }, max: 0xffff }),
    resp_name: t('dns.resp.name', 'Name', 'string'),
    resp_type: u('dns.resp.type', 'Type', { names: DNS_TYPE_LONG, max: 0xffff }),
    resp_class: u('dns.resp.class', 'Class', { base: 'hex', hexDigits: 4, names: { 1: 'IN' }, max: 0xffff }),
    resp_ttl: u('dns.resp.ttl', 'Time to live'),
    resp_len: u('dns.resp.len', 'Data length', { max: 0xffff }),
    a: t('dns.a', 'Address', 'ipv4'),
    aaaa: t('dns.aaaa', 'AAAA Address', 'ipv6'),
    cname: t('dns.cname', 'CNAME', 'string'),
    ns: t('dns.ns', 'Name Server', 'string'),
    ptr: t('dns.ptr.domain_name', 'Domain Name', 'string'),
    mx: t('dns.mx.mail_exchange', 'Mail Exchange', 'string'),
    srv_target: t('dns.srv.target', 'Target', 'string'),
    srv_port: u('dns.srv.port', 'Port', { max: 0xffff }),
    soa_mname: t('dns.soa.mname', 'Primary name server', 'string'),
    txt: t('dns.txt', 'TXT', 'string'),
    response_to: u('dns.response_to', 'Request In'),
  },
  http: {
    proto: proto('http', 'Hypertext Transfer Protocol'),
    request: t('http.request', 'Request', 'bool'),
    response: t('http.response', 'Response', 'bool'),
    method: t('http.request.method', 'Request Method', 'string'),
    uri: t('http.request.uri', 'Request URI', 'string'),
    request_version: t('http.request.version', 'Request Version', 'string'),
    response_version: t('http.response.version', 'Response Version', 'string'),
    code: u('http.response.code', 'Status Code', { max: 999 }),
    phrase: t('http.response.phrase', 'Response Phrase', 'string'),
    host: t('http.host', 'Host', 'string'),
    content_type: t('http.content_type', 'Content-Type', 'string'),
    content_length: u('http.content_length', 'Content length'),
    content_encoding: t('http.content_encoding', 'Content-Encoding', 'string'),
    file_data: t('http.file_data', 'File Data', 'bytes'),
  },
  sll: {
    proto: proto('sll', 'Linux cooked-mode capture'),
    pkttype: u('sll.pkttype', 'Packet type', { names: SLL_PKTTYPES, max: 0xffff }),
    hatype: u('sll.hatype', 'Link-layer address type', { names: SLL_HATYPES, max: 0xffff }),
    halen: u('sll.halen', 'Link-layer address length', { max: 0xffff }),
    src_eth: t('sll.src.eth', 'Source', 'mac'),
    src_ipv4: t('sll.src.ipv4', 'Source', 'ipv4'),
    src_other: t('sll.src.other', 'Source', 'bytes'),
    unused: t('sll.unused', 'Unused', 'bytes'),
    ltype: u('sll.ltype', 'Protocol', { base: 'hex', hexDigits: 4, max: 0xffff }),
    gretype: u('sll.gretype', 'Protocol', { base: 'hex', hexDigits: 4, max: 0xffff }),
    etype: u('sll.etype', 'Protocol', { base: 'hex', hexDigits: 4, names: ETHERTYPES, max: 0xffff }),
    ifindex: u('sll.ifindex', 'Interface index'),
  },
  raw: {
    proto: proto('raw', 'Raw packet data'),
  },
  data: {
    proto: proto('data', 'Data'),
    data: t('data.data', 'Data', 'bytes'),
    len: u('data.len', 'Length'),
  },
} as const satisfies Record<string, Record<string, FieldDef>>;

const byAbbrev = new Map<string, FieldDef>();
for (const table of Object.values(fields)) for (const f of Object.values(table) as FieldDef[]) byAbbrev.set(f.abbrev, f);

/** The field (or protocol) with this display-filter name. */
export function lookupField(abbrev: string): FieldDef | undefined {
  return byAbbrev.get(abbrev);
}

/** Every declared field, for a field browser and autocompletion. */
export function allFields(): FieldDef[] {
  return [...byAbbrev.values()];
}
