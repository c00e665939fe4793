// A typed event hub for the contract's onXxx events. Carriers subscribe once and forward every event.
import type { EventName, PayloadOf } from '../common/api/contract.ts';

export type AnyEventListener = (event: EventName, payload: unknown) => void;

export class EventHub {
  #listeners = new Set<AnyEventListener>();

  emit<E extends EventName>(event: E, payload: PayloadOf<E>): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(event, payload);
      } catch (err) {
        // One broken carrier (a closed socket, a destroyed window) must not stop the others.
        console.error(`flotilla: listener for ${event} failed:`, err);
      }
    }
  }

  /** Returns the unsubscribe function. */
  subscribe(listener: AnyEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get size(): number {
    return this.#listeners.size;
  }
}
