// ESP (ip.proto 50): SPI and sequence number; the rest is ciphertext, shown as data, as Wireshark does without keys.
import { readU32 } from '../../wire/bytes.ts';
import { requireBytes } from '../../wire/error.ts';
import { fields } from '../registry.ts';
import { registerDissector, type Packet } from '../table.ts';
import type { Item } from '../tree.ts';

const F = fields.esp;

function dissectEsp(data: Uint8Array, start: number, end: number, pkt: Packet, tree: Item): void {
  pkt.layers.push('esp');
  pkt.protocol = 'ESP';
  requireBytes('esp', 'header', 0, 8, end - start);
  const spi = readU32(data, start);
  const seq = readU32(data, start + 4);
  pkt.info = `ESP (SPI=0x${spi.toString(16).padStart(8, '0')})`;
  const t = tree.add(F.proto, start, end, data.subarray(start, end), 'Encapsulating Security Payload');
  t.add(F.spi, start, start + 4, spi);
  t.add(F.sequence, start + 4, start + 8, seq);
  if (end > start + 8) t.text(`ESP Encrypted Data (${end - start - 8} bytes)`, start + 8, end);
}

registerDissector('ip.proto', 50, dissectEsp);
