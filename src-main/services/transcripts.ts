// Transcripts for the entry points (the CLI's `flotilla test` and `flotilla run`): read, replay in a fresh lab,
// format. The lab is the workstation alone until the emulator's nodes exist.
import { runTranscript, WorkstationLab } from '../shell/session.ts';
import type { LabHost, TranscriptRun } from '../shell/session.ts';
import { formatSession, parseTranscript, TranscriptError } from '../shell/transcript.ts';
import type { Transcript } from '../shell/transcript.ts';

export type { Failure, LabHost, TranscriptRun } from '../shell/session.ts';
export type { Step, StepResult, Transcript } from '../shell/transcript.ts';
export { formatSession, parseTranscript, TranscriptError };

/** A fresh, empty lab to replay a transcript in. */
export function freshLab(): LabHost {
  return new WorkstationLab();
}

/** Replays a transcript in a fresh lab. */
export function replay(transcript: Transcript, lab: LabHost = freshLab()): Promise<TranscriptRun> {
  return runTranscript(transcript, lab);
}
