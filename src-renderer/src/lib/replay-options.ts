// The replay dialog's address map as typed: one "from → to" per line (also "from -> to", "from to", "from,to"), each
// side an IPv4 address, as tcprewrite's --pnat takes them. An error names the line and what is wrong with it.

export type AddressMap = { ok: true; pairs: [string, string][] } | { ok: false; error: string };

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
/** The contract's bound on an address map. */
const MAX_PAIRS = 256;

export function parseAddressMap(text: string): AddressMap {
  const pairs: [string, string][] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const parts = line.split(/\s*(?:→|->|,|=>|\s)\s*/).filter((p) => p !== '');
    if (parts.length !== 2) return { ok: false, error: `Line ${i + 1}: write "from → to" (two addresses), not "${line}".` };
    const bad = parts.find((p) => !IPV4.test(p));
    if (bad !== undefined) return { ok: false, error: `Line ${i + 1}: ${bad} is not an IPv4 address.` };
    pairs.push([parts[0]!, parts[1]!]);
  }
  if (pairs.length > MAX_PAIRS) return { ok: false, error: `At most ${MAX_PAIRS} address pairs (there are ${pairs.length}).` };
  return { ok: true, pairs };
}
