// The preload: exposes `window.flotilla`, one function per contract method (nested by namespace, returning the
// CallResult) and one `onXxx(listener)` per event. Nothing else of Electron or Node reaches the page.
import { contextBridge, ipcRenderer } from 'electron';
import { eventNames, methodNames, type EventName } from '../common/api/contract.ts';
import { CALL_CHANNEL, EVENT_CHANNEL } from './channels.ts';

const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
ipcRenderer.on(EVENT_CHANNEL, (_event, name: EventName, payload: unknown) => {
  for (const listener of listeners.get(name) ?? []) listener(payload);
});

const bridge: Record<string, unknown> = {};
for (const name of methodNames) {
  const [ns, method] = name.split('.') as [string, string];
  const group = (bridge[ns] ??= {}) as Record<string, unknown>;
  group[method] = (params: unknown) => ipcRenderer.invoke(CALL_CHANNEL, name, params);
}
for (const name of eventNames) {
  bridge[name] = (listener: (payload: unknown) => void) => {
    if (typeof listener !== 'function') throw new TypeError(`${name} needs a function`);
    const set = listeners.get(name) ?? new Set();
    listeners.set(name, set);
    set.add(listener);
    return () => set.delete(listener);
  };
}

contextBridge.exposeInMainWorld('flotilla', bridge);
