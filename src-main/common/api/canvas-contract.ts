// The lab document's `canvas` section — how the window lays the lab out and what notes it drew on it — and the
// contract method that saves it (spread into contract.ts's `methods`). The window owns this section: the emulator
// never reads it, so a lab replays the same whatever it holds. src-main/lab/document.ts checks it with the same
// schema, and resources/lab.schema.json describes it for editors.

import { method } from './contract-parts.ts';
import { FlotillaError } from './errors.ts';
import { array, boolean, literal, number, object, optional, string, type Schema } from './schema.ts';

/** Most notes one canvas holds, most nodes with a saved offset, longest note text. */
export const CANVAS_NOTES_MAX = 1000;
export const CANVAS_OFFSETS_MAX = 10_000;
export const NOTE_TEXT_MAX = 4000;
/** Canvas coordinates stay within ± this many units (a lab drawn farther out is a bug, not a layout). */
export const CANVAS_COORD_MAX = 1_000_000;

/** A note drawn on the canvas: free text, or a box (a rectangle with a title) framing part of the lab. */
export interface CanvasNote {
  /** Unique within the canvas: "n1", "n2", ... */
  id: string;
  kind: 'text' | 'box';
  /** Top-left corner and size, canvas units. */
  x: number;
  y: number;
  w: number;
  h: number;
  /** The text (a box's title). */
  text: string;
}

export interface CanvasOffset {
  dx: number;
  dy: number;
}

export interface LabCanvas {
  /** The layout the nodes were last arranged by: the tidy grid, or the force layout. */
  layout?: 'tidy' | 'force';
  /** Moves snap to the canvas's grid. */
  snap?: boolean;
  /** Where each node was moved to, from where the tidy layout puts it (node name → offset). */
  offsets?: Record<string, CanvasOffset>;
  notes?: CanvasNote[];
}

const NODE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const NOTE_ID = /^[a-zA-Z0-9_-]{1,40}$/;
const coord = () => number({ min: -CANVAS_COORD_MAX, max: CANVAS_COORD_MAX });
const size = () => number({ min: 1, max: CANVAS_COORD_MAX });

const offsetSchema = object({ dx: coord(), dy: coord() });

/** Node name → offset; the keys are Docker names (as node names are). */
const offsetsSchema: Schema<Record<string, CanvasOffset>> = {
  describe: '{ [node]: { dx: number, dy: number } }',
  parse(value, path = 'offsets') {
    const bad = (at: string, m: string) => new FlotillaError('invalid-argument', `${at}: ${m}`, at);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad(path, 'expected an object of node name → { dx, dy }');
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) throw bad(path, 'expected a plain object');
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length > CANVAS_OFFSETS_MAX) throw bad(path, `must hold at most ${CANVAS_OFFSETS_MAX} nodes`);
    const out: Record<string, CanvasOffset> = {};
    for (const [name, v] of entries) {
      if (name.length > 128 || !NODE_NAME.test(name)) throw bad(`${path}.${name}`, 'is not a node name');
      out[name] = offsetSchema.parse(v, `${path}.${name}`);
    }
    return out;
  },
};

const noteSchema = object({
  id: string({ min: 1, max: 40, pattern: NOTE_ID, patternName: 'a note id (letters, digits, _ and -)' }),
  kind: literal('text', 'box'),
  x: coord(),
  y: coord(),
  w: size(),
  h: size(),
  text: string({ max: NOTE_TEXT_MAX }),
});

const notesSchema: Schema<CanvasNote[]> = {
  describe: 'note[]',
  parse(value, path = 'notes') {
    const notes = array(noteSchema, { max: CANVAS_NOTES_MAX }).parse(value, path);
    const seen = new Set<string>();
    notes.forEach((n, i) => {
      if (seen.has(n.id)) throw new FlotillaError('invalid-argument', `${path}[${i}].id: "${n.id}" is the id of an earlier note`, `${path}[${i}].id`);
      seen.add(n.id);
    });
    return notes;
  },
};

/** The canvas section as the window sends it: only the fields above. */
export const canvasSchema: Schema<LabCanvas> = object({
  layout: optional(literal('tidy', 'force')),
  snap: optional(boolean()),
  offsets: optional(offsetsSchema),
  notes: optional(notesSchema),
});

export const CANVAS_FIELDS = ['layout', 'snap', 'offsets', 'notes'] as const;

export const canvasMethods = {
  /** Replaces the fields it carries in the lab's `canvas` section (a running lab's document is written at once). */
  'labs.saveCanvas': method<null>()(
    object({ labId: string({ pattern: /^[0-9a-f]{32}$/, patternName: 'a lab id (32 hex digits)' }), canvas: canvasSchema }),
  ),
} as const;
