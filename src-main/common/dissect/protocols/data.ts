// The fallback for bytes no dissector claims: "Data (N bytes)", as Wireshark's data dissector.
import { fields } from '../registry.ts';
import { registerNamed, type Packet } from '../table.ts';
import type { Item } from '../tree.ts';

const F = fields.data;

export function dissectData(data: Uint8Array, start: number, end: number, pkt: Packet, tree: Item): void {
  if (end <= start) return;
  pkt.layers.push('data');
  const bytes = data.subarray(start, end);
  const t = tree.add(F.proto, start, end, bytes, `Data (${end - start} bytes)`);
  t.add(F.data, start, end, bytes);
  t.add(F.len, start, end, end - start, `[Length: ${end - start}]`, { generated: true });
}

registerNamed('data', dissectData);
