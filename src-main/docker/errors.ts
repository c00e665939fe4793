// Errors as Docker reports them. The daemon's errors carry an HTTP status (from the errdefs class, as
// api/server/httpstatus maps it) and a message; the docker CLI prints them as "Error response from daemon: <msg>".
// Checks the CLI makes itself (before any request) print their message alone.

/** errdefs classes and the HTTP status each maps to [M28:api/server/httpstatus/status.go]. */
export const STATUS = {
  invalidParameter: 400,
  forbidden: 403,
  notFound: 404,
  conflict: 409,
  internal: 500,
  notImplemented: 501,
  unavailable: 503,
} as const;

export type ErrorClass = keyof typeof STATUS;

export class DockerError extends Error {
  /** The HTTP status the API would answer with. */
  readonly status: number;
  constructor(
    message: string,
    readonly errorClass: ErrorClass = 'internal',
    /** 'daemon' for errors that come back from the engine, 'cli' for checks the docker CLI makes itself. */
    readonly source: 'daemon' | 'cli' = 'daemon',
  ) {
    super(message);
    this.name = 'DockerError';
    this.status = STATUS[errorClass];
  }

  /** The line the docker CLI prints on stderr. */
  cliText(): string {
    return this.source === 'daemon' ? `Error response from daemon: ${this.message}` : this.message;
  }
}

export const invalidParameter = (msg: string): DockerError => new DockerError(msg, 'invalidParameter');
export const forbidden = (msg: string): DockerError => new DockerError(msg, 'forbidden');
export const notFound = (msg: string): DockerError => new DockerError(msg, 'notFound');
export const conflict = (msg: string): DockerError => new DockerError(msg, 'conflict');
export const internal = (msg: string): DockerError => new DockerError(msg, 'internal');
export const cliError = (msg: string): DockerError => new DockerError(msg, 'invalidParameter', 'cli');
