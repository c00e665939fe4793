// Transcripts for the entry points (the CLI's `flotilla test` and `flotilla run`): read, replay in a fresh lab,
// format. The lab is a DockerLab: the workstation, and the nodes docker-machine / flotilla node add create, in one
// virtual time, built by lab-world.ts exactly as the window's live labs are.
import type { DockerLab } from '../shell/lab-host.ts';
import { createDockerLab } from './lab-world.ts';
import { runTranscript } from '../shell/session.ts';
import type { LabHost, TranscriptRun } from '../shell/session.ts';
import { formatSession, parseTranscript, TranscriptError } from '../shell/transcript.ts';
import type { Transcript } from '../shell/transcript.ts';

export type { Failure, LabHost, TranscriptRun } from '../shell/session.ts';
export type { Step, StepResult, Transcript } from '../shell/transcript.ts';
export { formatSession, parseTranscript, TranscriptError };

export { labPlugins } from './lab-world.ts';

/** A fresh, empty lab to replay a transcript in. */
export function freshLab(seed = 1): DockerLab {
  return createDockerLab(seed);
}

/** Replays a transcript in a fresh lab. */
export function replay(transcript: Transcript, lab: LabHost = freshLab()): Promise<TranscriptRun> {
  return runTranscript(transcript, lab);
}
