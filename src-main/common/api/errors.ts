// Errors that cross the contract. They travel as plain data (Electron's IPC and JSON both drop class identity
// and custom properties of thrown errors), so every carrier wraps results as { ok, value } | { ok: false, error }.

export type ErrorCode =
  | 'invalid-argument' // an argument failed the contract's schema; `field` names it
  | 'unknown-method' // no such method in the contract
  | 'not-found' // the id or name refers to nothing
  | 'conflict' // the request clashes with existing state (a name already taken, ...)
  | 'unsupported' // the library or file was written by a newer Flotilla, or the feature is not built
  | 'internal'; // a bug: anything else thrown inside a service

export interface ErrorData {
  code: ErrorCode;
  message: string;
  /** For invalid-argument: the path of the offending field, such as `name` or `labId`. */
  field?: string;
}

export class FlotillaError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;

  constructor(code: ErrorCode, message: string, field?: string) {
    super(message);
    this.name = 'FlotillaError';
    this.code = code;
    this.field = field;
  }

  toData(): ErrorData {
    return this.field === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, field: this.field };
  }

  static fromData(data: ErrorData): FlotillaError {
    return new FlotillaError(data.code, data.message, data.field);
  }

  /** Anything thrown by a service, as data a carrier can send. Non-Flotilla errors become `internal`. */
  static toData(err: unknown): ErrorData {
    if (err instanceof FlotillaError) return err.toData();
    const message = err instanceof Error ? err.message : String(err);
    return { code: 'internal', message };
  }
}

export function isErrorData(x: unknown): x is ErrorData {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as { code?: unknown }).code === 'string' &&
    typeof (x as { message?: unknown }).message === 'string'
  );
}

/** What every carrier (IPC, WebSocket) sends back for one call. */
export type CallResult = { ok: true; value: unknown } | { ok: false; error: ErrorData };
