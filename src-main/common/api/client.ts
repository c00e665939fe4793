// Builds the typed Api over any carrier. The renderer, the tests and the CLI's remote mode use this; the carrier
// only moves a method name, one argument object and a CallResult.

import { eventNames, methodNames, type Api, type EventName, type MethodName } from './contract.ts';
import { FlotillaError, isErrorData, type CallResult } from './errors.ts';

export interface Transport {
  call(method: MethodName, params: unknown): Promise<CallResult>;
  subscribe(event: EventName, listener: (payload: unknown) => void): () => void;
}

export function createClient(transport: Transport): Api {
  const api: Record<string, unknown> = {};
  for (const name of methodNames) {
    const [ns, m] = name.split('.') as [string, string];
    const group = (api[ns] ??= {}) as Record<string, unknown>;
    group[m] = async (params?: unknown) => {
      const result = await transport.call(name, params ?? {});
      if (result.ok) return result.value;
      throw isErrorData(result.error)
        ? FlotillaError.fromData(result.error)
        : new FlotillaError('internal', 'malformed reply from the carrier');
    };
  }
  for (const name of eventNames) {
    api[name] = (listener: (payload: unknown) => void) => transport.subscribe(name, listener);
  }
  return api as Api;
}
