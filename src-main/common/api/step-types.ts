// Data types of step mode (Packet Tracer's simulation mode on a running lab): the packet events it records, its
// state, a page of its event list and one event's explanation. Plain JSON-safe records (bytes travel as base64).
import type { DetailNode } from './capture-types.ts';

/** The protocols the event list's checkboxes filter by (display-filter names; a frame matches on any layer). */
export const STEP_PROTOCOLS = ['arp', 'icmp', 'dns', 'tcp', 'udp', 'http', 'vxlan', 'esp', 'igmp'] as const;
export type StepProtocol = (typeof STEP_PROTOCOLS)[number];

/** One packet event: a frame leaving or entering an interface somewhere in the lab. */
export interface StepEvent {
  /** 1, 2, 3, ... since step mode was turned on; the same event keeps its number when it is replayed. */
  seq: number;
  /** Virtual nanoseconds of the lab's clock. */
  timeNs: number;
  /** The namespace and the device, as in JourneyHop (the canvas highlights them). */
  netns: string;
  interface: string;
  /** The node, or node/container, for people. */
  where: string;
  direction: 'in' | 'out';
  protocol: string;
  source: string;
  destination: string;
  length: number;
  info: string;
  /** The frame's layers, `eth:ethertype:ip:icmp`. */
  layers: string;
  /** The packet's journey id (the same packet on its next hop has the same). */
  journey: number;
}

/** How the last step back went: how long the rebuild took, and whether it met the same events again. */
export interface StepRewind {
  /** Wall milliseconds the rebuild (replay of the journal) took; 0 when no rebuild was needed. */
  ms: number;
  /** Virtual time rebuilt to. */
  timeNs: number;
  /** Events (and their bytes) that came out differently when stepping forward again after the rewind. */
  divergences: string[];
}

export interface StepState {
  on: boolean;
  /** The ring's size: beyond it the oldest events are dropped. */
  limit: number;
  /** Events held, and how many were dropped from the ring. */
  total: number;
  dropped: number;
  /** The event the lab stands at (null before the first step). */
  current: StepEvent | null;
  /** Events that happened at the same instant as `current`, after it, not yet stepped to. */
  ahead: number;
  timeNs: number;
  /** The clock plays (step mode records as it runs). */
  running: boolean;
  canStepBack: boolean;
  lastRewind: StepRewind | null;
}

export interface StepEventsPage {
  /** Events held. */
  total: number;
  /** Events that pass the filter and the protocol choice. */
  matched: number;
  offset: number;
  events: StepEvent[];
  filterError?: { message: string; start: number; end: number };
}

export interface StepExplainedLayer {
  protocol: string;
  title: string;
  text: string;
}

export interface StepEventDetail {
  event: StepEvent;
  explanation: StepExplainedLayer[];
  tree: DetailNode[];
  /** The frame, base64. */
  bytes: string;
}
