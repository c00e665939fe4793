// An Ethernet-only copy of a capture, for tcpreplay (which sends frames as they are, so they must be Ethernet):
// Linux cooked (SLL, SLL2) and raw IP frames get an Ethernet header the way a replay into the lab gives them one
// (replay-inject.ts: the cooked header's source MAC, or 00:00:00:00:00:00; the broadcast address as destination),
// frames of other link types are left out and counted. Every interface becomes LINKTYPE_ETHERNET.
import { LINKTYPE_ETHERNET } from '../common/pcap/index.ts';
import type { Capture, CapturePacket } from '../common/pcap/detect.ts';
import { toEthernet } from './replay-inject.ts';

export interface EthernetOnly {
  capture: Capture;
  /** Frames that were given an Ethernet header. */
  converted: number;
  /** Frames that have no Ethernet form. */
  dropped: number;
}

const NO_MAC = new Uint8Array(6);

export function ethernetOnly(capture: Capture): EthernetOnly {
  let converted = 0;
  let dropped = 0;
  const packets: CapturePacket[] = [];
  for (const p of capture.packets) {
    const lt = capture.interfaces[p.interface]?.linktype ?? LINKTYPE_ETHERNET;
    const data = toEthernet(lt, p.data, NO_MAC, false);
    if (data === undefined) {
      dropped++;
      continue;
    }
    if (lt !== LINKTYPE_ETHERNET) converted++;
    // The header grew (or shrank) by as much as the captured bytes did.
    packets.push({ ...p, data, origLen: p.origLen + (data.length - p.data.length) });
  }
  const interfaces = capture.interfaces.map((i) => ({ ...i, linktype: LINKTYPE_ETHERNET, snaplen: i.snaplen === 0 ? 0 : i.snaplen + 14 }));
  return { capture: { ...capture, interfaces, packets }, converted, dropped };
}
