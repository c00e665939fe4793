// Data types of the capture views that cross the contract: a capture kept in the library, a page of the packet
// list, and one frame's detail tree. Plain JSON-safe records (bytes travel as base64).

export type CaptureSource = 'import' | 'lab';
export type CaptureFileFormat = 'pcap' | 'pcapng';

/** One interface of a capture, as the file describes it. */
export interface CaptureInterfaceInfo {
  linktype: number;
  snaplen: number;
  name?: string;
  description?: string;
}

/** Where an upload of a capture file stands (captures.upload). */
export interface CaptureUpload {
  readonly uploadId: string;
  /** Bytes received so far: the next part's offset. */
  readonly received: number;
  readonly size: number;
}

export interface CaptureSummary {
  id: string;
  /** The lab the capture is kept with, or null for the library's own captures. */
  labId: string | null;
  name: string;
  source: CaptureSource;
  /** The format of the file it came from. */
  format: CaptureFileFormat;
  /** LINKTYPE_* of the first interface. */
  linktype: number;
  interfaces: CaptureInterfaceInfo[];
  /** ISO 8601, UTC. */
  createdAt: string;
  packetCount: number;
  /** Size of the stored file in bytes. */
  byteSize: number;
  /** Seconds from the first frame to the last. */
  duration: number;
  /** A live capture of a running lab that is still recording (captures.stop ends it). */
  recording?: boolean;
}

/** A colouring rule's name (Wireshark's defaults, see common/capture/colouring.ts). */
export type ColourRuleName =
  | 'bad-tcp'
  | 'icmp-error'
  | 'arp'
  | 'vxlan'
  | 'icmp'
  | 'tcp-rst'
  | 'http'
  | 'tcp-synfin'
  | 'tcp'
  | 'dns'
  | 'udp'
  | 'broadcast';

/** One line of the packet list: the summary columns, computed once when the capture was stored. */
export interface FrameRow {
  number: number;
  /** Seconds since the first frame. */
  timeRelative: number;
  source: string;
  destination: string;
  protocol: string;
  length: number;
  info: string;
  /** The first colouring rule the frame matches, if any. */
  colour?: ColourRuleName;
}

/** Where a display filter is wrong: [start, end) in the filter text. */
export interface FilterProblem {
  message: string;
  start: number;
  end: number;
}

export interface FramesPage {
  /** Frames in the capture. */
  total: number;
  /** Frames that pass the filter (= total without a filter; 0 when the filter is wrong). */
  matched: number;
  /** Where `rows` starts among the matched frames. */
  offset: number;
  rows: FrameRow[];
  /** The filter did not compile: nothing was filtered. */
  filterError?: FilterProblem;
}

/** One item of the detail tree. */
export interface DetailNode {
  label: string;
  /** Byte range [start, end) in sources[source ?? 0]. */
  start: number;
  end: number;
  source?: number;
  /** The field's short name (`ip.src`), for "apply as filter". */
  abbrev?: string;
  /** The field's value as the filter would write it. */
  value?: string;
  generated?: boolean;
  malformed?: boolean;
  children: DetailNode[];
}

export interface FrameDetail {
  number: number;
  tree: DetailNode[];
  /** sources[0] is the frame; reassembled data follows. Bytes as base64. */
  sources: { name: string; bytes: string }[];
}

export interface CaptureExport {
  /** A file name to offer ("name.pcapng"). */
  fileName: string;
  /** The file, base64. */
  data: string;
  /** An Ethernet-only export: frames given an Ethernet header (cooked, raw IP), and frames left out (no Ethernet form). */
  converted?: number;
  dropped?: number;
}

/** Where a live capture listens in a running lab: a node's device, a container's, or every device of either ('any'). */
export interface CaptureTarget {
  node: string;
  container?: string;
  /** A device name, or 'any' for every device of the namespace (Linux cooked framing, as tcpdump -i any). */
  interface: string;
}

/** One device a running lab offers to capture on (the capture menu lists them). */
export interface CaptureInterfaceChoice {
  node: string;
  container?: string;
  interface: string;
  /** veth, bridge, vxlan, loopback, ... */
  kind: string;
  up: boolean;
}

/** How many frames a live capture keeps: the oldest are dropped beyond either bound (a ring). */
export interface CaptureLimit {
  packets?: number;
  bytes?: number;
}

/** One field a hop changed on the way (NAT, TTL, MAC rewrite, encapsulation added or removed). */
export interface JourneyChange {
  field: string;
  from: string | null;
  to: string | null;
}

/** The same packet (one journey id) on one interface it crossed. */
export interface JourneyHop {
  /** The namespace (node or container) and the device. */
  netns: string;
  interface: string;
  /**
   * Where the canvas draws the hop, by name: the node whose namespace (or one of whose sandboxes) it is, and the
   * container (its own interface, or the host end of its veth). Null when the lab is not running or the namespace
   * belongs to no node (the underlay LAN, the workstation).
   */
  node: string | null;
  container: string | null;
  direction: 'in' | 'out' | null;
  /** Virtual nanoseconds of the lab's clock. */
  timeNs: number;
  /** The frame in the capture asked about, when it is one of that capture's frames. */
  number: number | null;
  protocol: string;
  source: string;
  destination: string;
  info: string;
  length: number;
  /** What differs from the hop before (empty for the first hop). */
  changes: JourneyChange[];
}

export interface Journey {
  /** The journey id (pcapng epb_packetid). */
  packetId: number;
  hops: JourneyHop[];
}

/** captures.replay's timing, as tcpreplay offers it. */
export type ReplaySpeed = 'original' | 'topspeed' | { multiplier: number } | { pps: number };

export interface ReplayResult {
  /** Frames injected (over every loop). */
  sent: number;
  bytes: number;
  /** Frames refused (not Ethernet after conversion, longer than the interface takes). */
  skipped: number;
  /** Frames an address map or MAC rewrite changed. */
  rewritten: number;
  loops: number;
  /** Virtual nanoseconds from the first frame sent to the last. */
  durationNs: number;
}
