// The window's root state: the carrier and its connection, what app.info says, and the theme and labs states.
// Components reach it through getApp(); App.svelte creates it once.

import { createContext } from 'svelte';
import type { AppInfo } from '../../../src-main/common/api/index.ts';
import { Clock } from './clock.svelte.ts';
import { describeError } from './errors.ts';
import { LabsState } from './labs.svelte.ts';
import type { LiveLab } from './live-lab.svelte.ts';
import { ThemeState } from './theme.svelte.ts';
import type { Carrier, ConnectionStatus } from './transport.ts';

export class AppState {
  readonly carrier: Carrier;
  readonly theme: ThemeState;
  readonly labs: LabsState;
  readonly clock = new Clock();
  connection = $state.raw<ConnectionStatus>({ state: 'connecting' });
  info = $state.raw<AppInfo | null>(null);
  infoError = $state<string | null>(null);
  /** The open lab's running emulation (set by LabView while it is shown). */
  live = $state.raw<LiveLab | null>(null);
  /** Asks the sidebar to show and focus the new-lab field (the welcome page's button). */
  newLabRequests = $state(0);

  readonly #cleanup: (() => void)[] = [];

  constructor(carrier: Carrier) {
    this.carrier = carrier;
    this.theme = new ThemeState(carrier.api);
    this.labs = new LabsState(carrier.api);
    this.connection = carrier.status();
    this.#cleanup.push(
      carrier.onStatus((status) => {
        const wasDown = this.connection.state === 'reconnecting';
        this.connection = status;
        // Events sent while the socket was down are lost: read everything again.
        if (status.state === 'open' && wasDown) void this.refresh();
      }),
      this.labs.follow(),
      this.theme.follow(),
    );
  }

  async start(): Promise<void> {
    await this.refresh();
  }

  async refresh(): Promise<void> {
    await Promise.all([this.#loadInfo(), this.theme.load().catch(() => {}), this.labs.load(), this.live?.refresh()]);
  }

  requestNewLab(): void {
    this.labs.startCreate();
    this.newLabRequests += 1;
  }

  dispose(): void {
    for (const f of this.#cleanup.splice(0)) f();
    this.theme.dispose();
    this.clock.dispose();
    this.carrier.dispose();
  }

  async #loadInfo() {
    try {
      this.info = await this.carrier.api.app.info();
      this.infoError = null;
    } catch (err) {
      this.infoError = describeError(err);
    }
  }
}

export const [getApp, setApp] = createContext<AppState>();
