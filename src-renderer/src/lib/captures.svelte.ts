// The captures the window shows: those of the open lab and the library's own, which one is open (a PacketView),
// whether the main area shows the lab or the captures, and import (file picker or a file dropped on the window)
// and export (a download). Lists are only ever replaced by what the services send (captures.list, events).

import { createContext, untrack } from 'svelte';
import { CAPTURE_UPLOAD_CHUNK_BYTES, CAPTURE_UPLOAD_MAX_BYTES, type Api, type CaptureInterfaceChoice, type CaptureSummary, type CaptureTarget, type ReplayResult, type ReplaySpeed } from '../../../src-main/common/api/index.ts';
import { fromBase64, formatSize, toBase64 } from './capture-view.ts';
import { describeError } from './errors.ts';
import { PacketView } from './packet-view.svelte.ts';
import { wireHighlight } from './wire-highlight.svelte.ts';

export type MainView = 'lab' | 'captures';

export class CapturesState {
  /** What the main area shows. */
  view = $state<MainView>('lab');
  /** The lab whose captures are listed beside the library's (the open lab), or null. */
  labId = $state<string | null>(null);
  list = $state.raw<CaptureSummary[]>([]);
  listError = $state<string | null>(null);
  open = $state.raw<PacketView | null>(null);
  busy = $state(false);
  /** How much of a file being imported in parts has gone to the main process (0..1; null: none in parts). */
  importProgress = $state<number | null>(null);
  /** The last import's or export's problem, shown over the view until dismissed. */
  error = $state<string | null>(null);
  /** What the last Ethernet-only export converted and left out, shown until dismissed. */
  notice = $state<string | null>(null);
  dragging = $state(false);
  /** The running lab's devices one can capture on or replay into (captures.interfaces), and why not. */
  choices = $state.raw<CaptureInterfaceChoice[]>([]);
  choicesError = $state<string | null>(null);

  /** The open capture as the list last described it (recording ends with captures.stop). */
  readonly openSummary: CaptureSummary | null = $derived(this.open ? (this.list.find((c) => c.id === this.open?.capture.id) ?? this.open.capture) : null);

  readonly labCaptures: CaptureSummary[] = $derived(this.labId === null ? [] : this.list.filter((c) => c.labId === this.labId));
  readonly libraryCaptures: CaptureSummary[] = $derived(this.list.filter((c) => c.labId === null));

  readonly #api: Api;

  constructor(api: Api) {
    this.#api = api;
  }

  follow(): () => void {
    const off = this.#api.onCapturesChanged(() => void this.load());
    // A live capture's packet list grows as its frames are written.
    const offFrames = this.#api.onCaptureFrames(({ id, total }) => {
      if (this.open?.capture.id === id) this.open.refresh();
      // The sidebar's count follows a recording without asking for the whole list again.
      if (this.list.some((c) => c.id === id && c.packetCount !== total)) this.list = this.list.map((c) => (c.id === id ? { ...c, packetCount: total } : c));
    });
    return () => {
      off();
      offFrames();
    };
  }

  /** Starts a live capture in the running lab and opens it (its list grows as frames arrive). */
  async startLive(labId: string, target: CaptureTarget): Promise<void> {
    try {
      const c = await this.#api.captures.start({ labId, target });
      await this.load();
      this.view = 'captures';
      this.select(c);
    } catch (err) {
      this.error = describeError(err);
    }
  }

  async stopLive(id: string): Promise<void> {
    try {
      await this.#api.captures.stop({ id });
      await this.load();
      if (this.open?.capture.id === id) this.open.refresh();
    } catch (err) {
      this.error = describeError(err);
    }
  }

  /** Asks the open lab which devices it offers (the lab must be running). */
  async loadChoices(): Promise<void> {
    const labId = this.labId;
    if (labId === null) {
      this.choices = [];
      this.choicesError = 'Open a lab and start it to capture or replay.';
      return;
    }
    try {
      this.choices = await this.#api.captures.interfaces({ labId });
      this.choicesError = null;
    } catch (err) {
      this.choices = [];
      this.choicesError = describeError(err);
    }
  }

  /** Replays a capture into the open lab's device (tcpreplay's loop, tcprewrite's options); the counts, or null (the error is shown). */
  async replay(id: string, target: CaptureTarget, speed: ReplaySpeed, options: ReplayOptions = {}): Promise<ReplayResult | null> {
    if (this.labId === null) return null;
    try {
      return await this.#api.captures.replay({ id, labId: this.labId, target, speed, ...options });
    } catch (err) {
      this.error = describeError(err);
      return null;
    }
  }

  async load(): Promise<void> {
    try {
      const all = await this.#api.captures.list({});
      this.list = all;
      this.listError = null;
      if (this.open && !all.some((c) => c.id === this.open?.capture.id)) this.open = null;
    } catch (err) {
      this.listError = describeError(err);
    }
  }

  setLab(labId: string | null): void {
    // A journey lit on the canvas belongs to the lab it was captured in.
    if (labId !== untrack(() => this.labId)) wireHighlight.clear();
    this.labId = labId;
  }

  show(view: MainView): void {
    this.view = view;
  }

  select(capture: CaptureSummary): void {
    if (this.open?.capture.id === capture.id) return;
    const v = new PacketView(this.#api, capture);
    this.open = v;
    v.apply();
  }

  /**
   * Imports a file into the open lab (or the library without one) and opens it. A file bigger than one message goes
   * in parts (captures.upload, importProgress), read from the file a part at a time so no copy of the whole is
   * held here.
   */
  async importFile(file: File): Promise<void> {
    this.error = null;
    if (file.size > CAPTURE_UPLOAD_MAX_BYTES) {
      this.error = `${file.name} is ${formatSize(file.size)}; an import takes at most ${formatSize(CAPTURE_UPLOAD_MAX_BYTES)}.`;
      return;
    }
    this.busy = true;
    let uploadId: string | undefined;
    try {
      const name = file.name.slice(0, 200) || 'capture';
      const labId = this.labId ? { labId: this.labId } : {};
      let c: CaptureSummary;
      if (file.size <= CAPTURE_UPLOAD_CHUNK_BYTES) c = await this.#api.captures.import({ name, dataBase64: toBase64(new Uint8Array(await file.arrayBuffer())), ...labId });
      else {
        this.importProgress = 0;
        for (let at = 0; at < file.size; at += CAPTURE_UPLOAD_CHUNK_BYTES) {
          const part = new Uint8Array(await file.slice(at, at + CAPTURE_UPLOAD_CHUNK_BYTES).arrayBuffer());
          const r = await this.#api.captures.upload({ ...(uploadId ? { uploadId } : {}), size: file.size, offset: at, dataBase64: toBase64(part) });
          uploadId = r.uploadId;
          this.importProgress = r.received / r.size;
        }
        const id = uploadId!;
        uploadId = undefined; // the import uses it up, whatever it says
        c = await this.#api.captures.import({ name, uploadId: id, ...labId });
      }
      await this.load();
      this.view = 'captures';
      this.select(c);
    } catch (err) {
      this.error = `${file.name}: ${describeError(err)}`;
      if (uploadId) void this.#api.captures.uploadCancel({ uploadId }).catch(() => undefined);
    } finally {
      this.busy = false;
      this.importProgress = null;
    }
  }

  /** Downloads the open capture; Ethernet-only (for tcpreplay) says how many frames were converted or left out. */
  async exportOpen(format: 'pcap' | 'pcapng', ethernetOnly = false): Promise<void> {
    const v = this.open;
    if (!v) return;
    this.error = null;
    this.notice = null;
    try {
      const out = await this.#api.captures.export({ id: v.capture.id, format, ...(ethernetOnly ? { ethernetOnly } : {}) });
      download(out.fileName, out.data);
      if (ethernetOnly) this.notice = `${out.fileName}: ${out.converted ?? 0} frames given an Ethernet header, ${out.dropped ?? 0} left out (no Ethernet form).`;
    } catch (err) {
      this.error = describeError(err);
    }
  }

  /** Downloads the journey of the open capture's frame `number` as a pcapng (its hops share one packet id). */
  async exportJourney(number: number): Promise<void> {
    const v = this.open;
    if (!v) return;
    this.error = null;
    try {
      const out = await this.#api.captures.exportJourney({ id: v.capture.id, number });
      download(out.fileName, out.data);
    } catch (err) {
      this.error = describeError(err);
    }
  }

  async remove(capture: CaptureSummary): Promise<void> {
    try {
      await this.#api.captures.delete({ id: capture.id });
      if (this.open?.capture.id === capture.id) this.open = null;
      await this.load();
    } catch (err) {
      this.error = describeError(err);
    }
  }
}

/** captures.replay's loop count and tcprewrite options. */
export type ReplayOptions = { loop?: number; rewrite?: { addressMap?: [string, string][]; macToLab?: boolean; fixChecksums?: boolean } };

function download(fileName: string, base64: string): void {
  const bytes = fromBase64(base64);
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/vnd.tcpdump.pcap' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export const [getCaptures, setCaptures] = createContext<CapturesState>();
