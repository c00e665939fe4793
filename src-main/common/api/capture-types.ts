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
}
