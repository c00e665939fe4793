// The packet list and the display filter against tshark itself, over every kernel reference capture:
// Source, Destination, Protocol, Length and Info columns for every frame, a set of fields' values, and the frame
// numbers a dozen filters select. Skipped where tshark is not installed.
//
// Deliberate differences, none of which shows in these captures: MAC addresses are shown as they are (no OUI
// vendor names; only ff:ff:ff:ff:ff:ff is "Broadcast"); TCP analysis flags ([TCP Retransmission], [TCP Dup ACK],
// [TCP Window Update]) are not added to Info; a request's "(reply in N)" needs tshark's second pass (-2) and is
// not shown, as tshark's single pass does not.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { collectFields, dissect } from './dissect.ts';
import { lookupField } from './registry.ts';
import { valueToFieldText } from './field.ts';
import { compileFilter } from './filter/index.ts';
import { loadReference, referenceNames, type RefFile } from './testing.ts';
import { CaptureContext } from './dissect.ts';
import { comparableFields, compareEveryField } from '../../../test/tshark-fields.ts';

const HAVE_TSHARK = spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;

function tshark(args: string[]): string[][] {
  const out = execFileSync('tshark', args, { stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 }).toString();
  return out
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\t'));
}

const execFileP = promisify(execFile);

/** tshark -Y over one file: the frame numbers it selects (run concurrently: hundreds of runs). */
async function selected(path: string, filter: string): Promise<string[]> {
  const { stdout } = await execFileP('tshark', ['-r', path, '-Y', filter, '-T', 'fields', '-e', 'frame.number'], { maxBuffer: 16 << 20 });
  return stdout.split('\n').filter((l) => l !== '');
}

const files: RefFile[] = HAVE_TSHARK ? referenceNames().map(loadReference) : [];

describe('summary columns equal tshark’s', { skip: !HAVE_TSHARK && 'tshark is not installed' }, () => {
  for (const ref of files) {
    it(ref.name, () => {
      const rows = tshark(['-r', ref.path, '-T', 'fields', '-E', 'separator=\t', '-e', '_ws.col.Source', '-e', '_ws.col.Destination', '-e', '_ws.col.Protocol', '-e', 'frame.len', '-e', '_ws.col.Info']);
      assert.equal(ref.summaries.length, rows.length);
      ref.summaries.forEach((s, i) => {
        assert.deepEqual([s.source, s.destination, s.protocol, String(s.length), s.info], rows[i], `${ref.name} frame ${i + 1}`);
      });
    });
  }
});

const FIELDS = ['ip.src', 'ip.dst', 'ip.ttl', 'ip.id', 'ip.frag_offset', 'udp.srcport', 'vxlan.vni', 'tcp.stream', 'tcp.seq', 'tcp.ack', 'tcp.len', 'tcp.window_size', 'tcp.options.mss_val', 'tcp.flags.syn', 'icmp.seq', 'dns.qry.name', 'dns.qry.type', 'dns.a', 'dns.flags.rcode', 'arp.opcode', 'eth.src', 'frame.protocols', 'http.request.method'];

describe('field values equal tshark -T fields', { skip: !HAVE_TSHARK && 'tshark is not installed' }, () => {
  for (const ref of files) {
    it(ref.name, () => {
      const rows = tshark(['-r', ref.path, '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=a', '-E', 'aggregator=,', ...FIELDS.flatMap((f) => ['-e', f])]);
      ref.frames.forEach((f, i) => {
        const values = collectFields(f.data, f.meta, ref.ctx).values;
        const mine = FIELDS.map((name) => (values.get(name) ?? []).map((v) => valueToFieldText(lookupField(name)!, v)).join(','));
        // tshark prints ip.id in hex and bools as 1/0, as valueToFieldText does; only frame.protocols' first item differs
        assert.deepEqual(mine, rows[i], `${ref.name} frame ${i + 1}`);
      });
    });
  }
});

// The brief's filters, as the issue and the brief write them; for tshark 4.x, whose sets need commas, spaces
// become ", ". Each is compared frame by frame (one tshark run per file and filter).
const FILTERS = [
  'ip.addr == 10.0.1.5',
  'tcp.port in {80 8080}',
  'dns && !icmp',
  'vxlan.vni == 4097',
  'arp.opcode == 1',
  'tcp.flags.syn == 1 and tcp.flags.ack == 0',
  'frame.len > 100',
  'ip.ttl < 64',
  'udp contains 65:73',
  'dns.qry.name contains "es"',
  'not arp',
  'ip.src == 10.0.1.0/24',
];

// More filters, compared by how many frames of each file they select (tshark's io,stat evaluates them all in one
// run per file; they must hold no commas). Each of these was also checked frame by frame when written.
const MORE_FILTERS = [
  'ip.addr != 10.0.1.5',
  'ip.addr ~= 10.0.1.5',
  'tcp.port in {1..9000}',
  'udp contains 10:11:12',
  'eth contains 10:11:12',
  'frame.protocols contains "vxlan"',
  'tcp.seq == 1 || tcp.ack == 1',
  'tcp.window_size > 64800 && !(tcp.flags.syn == 1)',
  'eth.addr == 02:42:0a:00:01:05 and not icmp',
  'ip.flags.df == True',
  'dns.flags.response == 1 && dns.a == 10.0.1.5',
  'dns.qry.name matches "^w.b$"',
  'http || igmp',
  'ip.id == 0x8229',
  'tcp.stream == 2 and tcp.len > 0',
  'ip.frag_offset > 0',
  'eth.dst == ff:ff:ff:ff:ff:ff',
  'data',
];

describe('display filters select the frames tshark -Y selects', { skip: !HAVE_TSHARK && 'tshark is not installed' }, () => {
  const values = files.map((ref) => ref.frames.map((f) => collectFields(f.data, f.meta, ref.ctx).values));
  for (const text of FILTERS) {
    it(text, async () => {
      const r = compileFilter(text);
      assert.ok(r.ok, `compiles: ${r.ok ? '' : r.error.message}`);
      const forTshark = text.replace(/\{([^}]*)\}/g, (_m, inner: string) => `{${inner.trim().split(/\s+/).join(', ')}}`);
      const theirs = await Promise.all(files.map((ref) => selected(ref.path, forTshark)));
      files.forEach((ref, k) => {
        const mine = values[k]!.flatMap((v, i) => (r.filter.test(v) ? [String(i + 1)] : []));
        assert.deepEqual(mine, theirs[k], `${text} on ${ref.name}`);
      });
    });
  }

  it(`${MORE_FILTERS.length} more filters select as many frames per file as tshark's io,stat counts`, async () => {
    const compiled = MORE_FILTERS.map((t) => {
      const r = compileFilter(t);
      assert.ok(r.ok, `${t} compiles`);
      return r.filter;
    });
    const stats = await Promise.all(files.map((ref) => execFileP('tshark', ['-r', ref.path, '-q', '-z', `io,stat,0,${MORE_FILTERS.join(',')}`], { maxBuffer: 16 << 20 })));
    let total = 0;
    files.forEach((ref, k) => {
      const row = stats[k]!.stdout.split('\n').find((l) => /^\| *[0-9.]+ <> /.test(l));
      // each filter has a "Frames | Bytes" pair: take every other cell
      const frames = row
        ? row
            .split('|')
            .slice(2, -1)
            .filter((_c, i) => i % 2 === 0)
            .map((c) => Number(c.trim()))
        : MORE_FILTERS.map(() => 0);
      const mine = compiled.map((f) => values[k]!.filter((v) => f.test(v)).length);
      assert.deepEqual(mine, frames, `${ref.name}: ${MORE_FILTERS.join(' | ')}`);
      total += frames.reduce((a, b) => a + b, 0);
    });
    assert.ok(total > 500, `io,stat rows were read (${total} selections)`);
  });
});

describe('every field we dissect equals tshark -T fields, in every frame', { skip: !HAVE_TSHARK && 'tshark is not installed' }, () => {
  it('compares well over a hundred fields', () => {
    assert.ok(comparableFields().length > 150, `${comparableFields().length} fields tshark knows by our names`);
  });
  for (const ref of files) {
    it(ref.name, () => {
      // A fresh context: the comparison reads the file once in order, as tshark does.
      const r = compareEveryField(ref.path, ref.frames, new CaptureContext());
      assert.equal(r.frames, ref.frames.length, 'tshark read as many frames');
      assert.deepEqual(r.mismatches, [], `${ref.name}: ${r.mismatches.length} of ${r.compared} values differ`);
    });
  }
});

describe('a text body is shown line by line as tshark -V shows it', { skip: !HAVE_TSHARK && 'tshark is not installed' }, () => {
  it('every "Line-based text data" item and its lines, in every reference capture', () => {
    let bodies = 0;
    for (const ref of files) {
      const verbose = execFileSync('tshark', ['-r', ref.path, '-V'], { stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 }).toString();
      // tshark's subtree: the item at the root, its lines one level in (4 spaces).
      const theirs: string[] = [];
      const lines = verbose.split('\n');
      lines.forEach((l, i) => {
        if (!l.startsWith('Line-based text data')) return;
        theirs.push(l);
        for (let j = i + 1; j < lines.length && lines[j]!.startsWith('    '); j++) theirs.push(lines[j]!.slice(4));
      });
      const mine: string[] = [];
      for (const f of ref.frames) {
        for (const root of dissect(f.data, f.meta, ref.ctx).roots) {
          if (!root.label.startsWith('Line-based text data')) continue;
          mine.push(root.label, ...root.children.map((c) => c.label));
        }
      }
      assert.deepEqual(mine, theirs, ref.name);
      bodies += theirs.filter((l) => l.startsWith('Line-based')).length;
    }
    assert.ok(bodies > 0, 'the references hold text bodies');
  });
});
