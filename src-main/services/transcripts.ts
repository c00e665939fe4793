// Transcripts for the entry points (the CLI's `flotilla test` and `flotilla run`): read, replay in a fresh lab,
// format. The lab is a DockerLab: the workstation, and the nodes docker-machine / flotilla node add create, in one
// virtual time, built by lab-world.ts exactly as the window's live labs are.
import type { DockerLab } from '../shell/lab-host.ts';
import { createDockerLab } from './lab-world.ts';
import { TranscriptLab } from './transcript-lab.ts';
import { binaryFiles } from '../shell/nettools/index.ts';
import { runTranscript } from '../shell/session.ts';
import type { LabHost, TranscriptRun } from '../shell/session.ts';
import { formatSession, parseTranscript, TranscriptError } from '../shell/transcript.ts';
import type { Transcript } from '../shell/transcript.ts';

export type { Failure, LabHost, TranscriptRun } from '../shell/session.ts';
export type { Step, StepResult, Transcript } from '../shell/transcript.ts';
export { formatSession, parseTranscript, TranscriptError };

export { labPlugins } from './lab-world.ts';
export { TranscriptLab };

/** A fresh, empty lab to replay a transcript in. */
export function freshLab(seed = 1): DockerLab {
  return createDockerLab(seed);
}

/**
 * Replays a transcript in a fresh lab (pass one to keep it: savedCaptures reads what tcpdump -w wrote there). The
 * default, a TranscriptLab, journals the prompts so `flotilla snapshot save|restore|ls` work in memory.
 */
export function replay(transcript: Transcript, lab: LabHost = new TranscriptLab()): Promise<TranscriptRun> {
  return runTranscript(transcript, lab);
}

/** A file a `tcpdump -w` wrote during a session: the machine's name, its path there, and the pcap's bytes. */
export interface SavedCapture {
  /** "workstation", a node ("node1"), or a container ("node1/web"). */
  readonly machine: string;
  readonly path: string;
  readonly bytes: Uint8Array;
}

/**
 * Every capture file still in a machine of the lab after a replay: the workstation's, each node's and each
 * container's the daemons know (running or stopped; a removed container's files went with it).
 */
export function savedCaptures(lab: DockerLab): SavedCapture[] {
  const out: SavedCapture[] = [];
  const add = (machine: string, fs: Parameters<typeof binaryFiles>[0]): void => {
    for (const [path, bytes] of binaryFiles(fs)) out.push({ machine, path, bytes });
  };
  add('workstation', lab.world.workstation.fs);
  for (const node of lab.world.nodeList()) {
    add(node.name, node.machine.fs);
    for (const c of node.daemon.containers.values()) add(`${node.name}/${c.name}`, c.machine.fs);
  }
  return out;
}

/** The file name a saved capture gets in the output directory: "node1_tmp_x.pcap", "node1_web_tmp_dns.pcap". */
export function captureFileName(c: SavedCapture): string {
  const base = `${c.machine}${c.path}`.replace(/[^A-Za-z0-9._-]+/g, '_');
  return /\.(pcap|cap|pcapng)$/.test(base) ? base : `${base}.pcap`;
}
