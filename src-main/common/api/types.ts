// Data types that cross the contract. Plain JSON-safe records: the renderer, the CLI and the tests all see these.

export type ThemePreference = 'system' | 'light' | 'dark';
export type ShellKind = 'electron' | 'browser' | 'cli';

export interface AppInfo {
  name: 'Flotilla';
  version: string;
  /** Which shell carries the contract to this client. */
  shell: ShellKind;
  /** The SQLite file of the Flotilla library. */
  libraryPath: string;
  /** PRAGMA user_version of the library. */
  schemaVersion: number;
}

export interface LabSummary {
  id: string;
  name: string;
  /** ISO 8601, UTC. */
  createdAt: string;
  updatedAt: string;
  nodeCount: number;
  snapshotCount: number;
}

/** The lab document (its schema and migrations live in src-main/lab). Version 1 is the empty skeleton. */
export interface LabDocument {
  version: 1;
  nodes: LabNodeSpec[];
}

export interface LabNodeSpec {
  name: string;
}

export interface Lab extends LabSummary {
  document: LabDocument;
}

export interface SnapshotSummary {
  id: string;
  labId: string;
  name: string;
  createdAt: string;
}

export interface Settings {
  theme: ThemePreference;
}
