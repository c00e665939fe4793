// The single gate every carrier goes through: the method name must be in the contract and the parameters must
// pass its schema before any handler runs. Errors come back as data (CallResult), never as thrown values, so
// IPC and WebSocket carry them unchanged.
import { isMethodName, methods, type Handlers, type MethodName } from '../common/api/contract.ts';
import { FlotillaError, type CallResult } from '../common/api/errors.ts';

export async function dispatch(handlers: Handlers, method: unknown, params: unknown): Promise<CallResult> {
  try {
    if (!isMethodName(method)) {
      throw new FlotillaError('unknown-method', `Unknown method ${JSON.stringify(method)}.`, 'method');
    }
    const valid = methods[method].params.parse(params, '');
    const handler = handlers[method] as (p: unknown) => unknown;
    const value = await handler(valid);
    return { ok: true, value: value ?? null };
  } catch (err) {
    if (!(err instanceof FlotillaError)) console.error(`flotilla: ${String(method)} failed:`, err);
    return { ok: false, error: FlotillaError.toData(err) };
  }
}

export type { MethodName };
