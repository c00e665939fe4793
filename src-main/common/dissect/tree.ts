// The protocol tree, and the three ways dissectors fill it (Wireshark's "tree may be NULL" idea):
//   'full'   builds nodes with labels and byte ranges (the detail pane, one selected frame),
//   'fields' records only field values (the display filter over every frame; no labels are formatted),
//   'none'   records nothing (the packet list's summary columns).
// Dissectors write the same code for all three; `item.full` tells them whether a costly label is wanted.

import { formatLabel, type FieldDef, type FieldValue } from './field.ts';

export interface TreeNode {
  /** The text of the detail pane ("Time to Live: 64"). */
  label: string;
  /** Byte range [start, end) in the data source (the frame unless `source` says otherwise). */
  start: number;
  end: number;
  /** Index into Tree.sources when the bytes are not the frame's (a reassembled datagram). */
  source?: number;
  /** The field's short name and value when this item is a field. */
  abbrev?: string;
  value?: FieldValue;
  /** A hidden field (eth.addr, ip.addr, tcp.port): filterable, not shown. */
  hidden?: boolean;
  /** A value Wireshark computes rather than reads ([Stream index: 0]); labels carry the brackets. */
  generated?: boolean;
  /** An "[Malformed Packet: …]" node. */
  malformed?: boolean;
  children: TreeNode[];
}

export interface DataSource {
  readonly name: string;
  readonly bytes: Uint8Array;
}

export interface Tree {
  /** Frame, Ethernet II, Internet Protocol Version 4, … in order. */
  readonly roots: TreeNode[];
  /** sources[0] is the frame; reassembled data follows. */
  readonly sources: DataSource[];
}

/** Field values of one frame, by short name, in tree order (a field may occur several times: ip.addr, inner and outer). */
export type FieldValues = Map<string, FieldValue[]>;

export type Label = string | (() => string);

export interface AddOptions {
  /** The word a bit field lives in, for the bit picture ("0100 .... = Version: 4"). */
  raw?: number;
  hidden?: boolean;
  generated?: boolean;
}

/** A place in the tree to add items under. */
export interface Item {
  /** True when labels are wanted (building the detail tree). */
  readonly full: boolean;
  /** Adds a field item; without a label, the field's default label is used. Returns the new item (to add children). */
  add(f: FieldDef, start: number, end: number, value: FieldValue, label?: Label, opts?: AddOptions): Item;
  /** Adds a text item (no field). */
  text(label: Label, start: number, end: number, opts?: { generated?: boolean; malformed?: boolean }): Item;
  /** Replaces this item's label (a header line known only after its fields are read). */
  setLabel(label: Label): void;
  /** Changes this item's end (a header whose length is known later). */
  setEnd(end: number): void;
}

/** What the builders share: the mode, the current data source and the collected values. */
export class TreeBuilder {
  readonly roots: TreeNode[] = [];
  readonly sources: DataSource[];
  readonly values: FieldValues = new Map();
  /** Index of the data source new items point into. */
  source = 0;
  readonly root: Item;

  constructor(
    readonly mode: 'full' | 'fields' | 'none',
    frame: Uint8Array,
  ) {
    this.sources = [{ name: 'Frame', bytes: frame }];
    this.root = mode === 'full' ? new RootItem(this) : mode === 'fields' ? new FieldItem(this) : NULL_ITEM;
  }

  record(abbrev: string, v: FieldValue): void {
    const list = this.values.get(abbrev);
    if (list) list.push(v);
    else this.values.set(abbrev, [v]);
  }

  tree(): Tree {
    return { roots: this.roots, sources: this.sources };
  }
}

function text(l: Label): string {
  return typeof l === 'string' ? l : l();
}

class NullItem implements Item {
  readonly full = false;
  add(): Item {
    return this;
  }
  text(): Item {
    return this;
  }
  setLabel(): void {}
  setEnd(): void {}
}

export const NULL_ITEM: Item = new NullItem();

class FieldItem implements Item {
  readonly full = false;
  constructor(private readonly b: TreeBuilder) {}
  add(f: FieldDef, _start: number, _end: number, value: FieldValue): Item {
    this.b.record(f.abbrev, value);
    return this;
  }
  text(): Item {
    return this;
  }
  setLabel(): void {}
  setEnd(): void {}
}

class NodeItem implements Item {
  readonly full = true;
  constructor(
    protected readonly b: TreeBuilder,
    readonly node: TreeNode,
  ) {}
  protected push(n: TreeNode): void {
    this.node.children.push(n);
  }
  add(f: FieldDef, start: number, end: number, value: FieldValue, label?: Label, opts?: AddOptions): Item {
    this.b.record(f.abbrev, value);
    const n: TreeNode = { label: label === undefined ? formatLabel(f, value, opts?.raw) : text(label), start, end, abbrev: f.abbrev, value, children: [] };
    if (this.b.source !== 0) n.source = this.b.source;
    if (opts?.hidden) n.hidden = true;
    if (opts?.generated) n.generated = true;
    this.push(n);
    return new NodeItem(this.b, n);
  }
  text(label: Label, start: number, end: number, opts?: { generated?: boolean; malformed?: boolean }): Item {
    const n: TreeNode = { label: text(label), start, end, children: [] };
    if (this.b.source !== 0) n.source = this.b.source;
    if (opts?.generated) n.generated = true;
    if (opts?.malformed) n.malformed = true;
    this.push(n);
    return new NodeItem(this.b, n);
  }
  setLabel(label: Label): void {
    this.node.label = text(label);
  }
  setEnd(end: number): void {
    this.node.end = end;
  }
}

class RootItem extends NodeItem {
  constructor(b: TreeBuilder) {
    super(b, { label: '', start: 0, end: 0, children: [] });
  }
  protected override push(n: TreeNode): void {
    this.b.roots.push(n);
  }
}

/** Every field value in the tree, by short name, in tree order (hidden fields included). */
export function fieldsOf(tree: Tree): FieldValues {
  const out: FieldValues = new Map();
  const walk = (nodes: TreeNode[]): void => {
    for (const n of nodes) {
      if (n.abbrev !== undefined && n.value !== undefined) {
        const list = out.get(n.abbrev);
        if (list) list.push(n.value);
        else out.set(n.abbrev, [n.value]);
      }
      walk(n.children);
    }
  };
  walk(tree.roots);
  return out;
}

/** The deepest node whose range holds `offset` in `source` (what the hex pane selects on a click). */
export function nodeAt(tree: Tree, offset: number, source = 0): TreeNode[] {
  let path: TreeNode[] = [];
  const walk = (nodes: TreeNode[], trail: TreeNode[]): void => {
    for (const n of nodes) {
      if (n.hidden) continue;
      if ((n.source ?? 0) === source && offset >= n.start && offset < n.end) {
        const t = [...trail, n];
        if (t.length > path.length) path = t;
        walk(n.children, t);
      } else {
        walk(n.children, trail);
      }
    }
  };
  walk(tree.roots, []);
  return path;
}
