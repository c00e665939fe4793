// Capture files bigger than one message: captures.upload in parts, then captures.import of the upload. The parts
// must come in order and add up to the declared size; the import uses the upload up; a third upload drops the
// oldest; errors say which field and why.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { CAPTURE_UPLOAD_CHUNK_BYTES } from '../../src-main/common/api/capture-contract.ts';
import { FlotillaError } from '../../src-main/common/api/errors.ts';
import { readCapture, writePcap } from '../../src-main/common/pcap/index.ts';
import type { Core } from '../../src-main/services/core.ts';
import { MAX_OPEN } from '../../src-main/services/capture-uploads.ts';
import { sharedPath } from '../shared-path.ts';
import { tempCore } from './helpers.ts';

let core: Core;
let dispose: () => void;
before(() => ({ core, dispose } = tempCore()));
after(() => dispose());

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const reference = (name: string) => new Uint8Array(readFileSync(sharedPath('reference', 'linux', name)));

async function rejectsWith(p: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof FlotillaError && e.code === code && message.test(e.message));
}

/** Uploads `bytes` in parts of `part` bytes; returns the upload id. */
async function upload(bytes: Uint8Array, part: number): Promise<string> {
  let id: string | undefined;
  for (let at = 0; at < bytes.length; at += part) {
    const r = await core.api.captures.upload({ ...(id ? { uploadId: id } : {}), size: bytes.length, offset: at, dataBase64: b64(bytes.subarray(at, at + part)) });
    id = r.uploadId;
    assert.equal(r.received, Math.min(bytes.length, at + part));
    assert.equal(r.size, bytes.length);
  }
  return id!;
}

test('a file bigger than one upload message, in parts: the same capture as sent whole', async () => {
  // Frames of the HTTP reference repeated past one part's size, so the parts cut records apart.
  const frames = readCapture(reference('04-overlay-http-c1eth0.pcap')).packets;
  const t0 = 1_700_000_000_000_000_000n;
  let n = 0;
  for (let size = 24; size < CAPTURE_UPLOAD_CHUNK_BYTES * 2.5; n++) size += 16 + frames[n % frames.length]!.data.length;
  const bytes = writePcap((function* () {
    for (let i = 0; i < n; i++) yield { tsNs: t0 + BigInt(i) * 1000n, data: frames[i % frames.length]!.data };
  })());
  assert.ok(bytes.length > 2 * CAPTURE_UPLOAD_CHUNK_BYTES);
  const id = await upload(bytes, CAPTURE_UPLOAD_CHUNK_BYTES);
  const big = await core.api.captures.import({ name: 'big.pcap', uploadId: id });
  assert.equal(big.packetCount, n);
  assert.equal(big.byteSize, bytes.length);
  const exported = await core.api.captures.export({ id: big.id, format: 'pcap' });
  assert.equal(Buffer.from(exported.data, 'base64').equals(Buffer.from(bytes)), true, 'the stored file is the uploaded one');
  // Used up: a second import of the same upload is refused.
  await rejectsWith(core.api.captures.import({ name: 'again', uploadId: id }), 'not-found', /^uploadId: no upload/);
});

test('small parts give the rows of the file sent whole', async () => {
  const bytes = reference('03-overlay-dns-c1eth0.pcap');
  const whole = await core.api.captures.import({ name: 'whole', dataBase64: b64(bytes) });
  const parted = await core.api.captures.import({ name: 'parts', uploadId: await upload(bytes, 100) });
  const rows = async (id: string) => (await core.api.captures.frames({ id, offset: 0, limit: 100 })).rows;
  assert.deepEqual(await rows(parted.id), await rows(whole.id));
});

test('parts out of order, past the end, or of another size are refused; an unfinished upload can still be finished', async () => {
  const bytes = reference('02-bridge-docker0-arp-icmp.pcap');
  const first = await core.api.captures.upload({ size: bytes.length, offset: 0, dataBase64: b64(bytes.subarray(0, 600)) });
  const uploadId = first.uploadId;
  await rejectsWith(core.api.captures.upload({ uploadId, size: bytes.length, offset: 900, dataBase64: b64(bytes.subarray(900, 1200)) }), 'invalid-argument', /^offset: the next part starts at 600 .*not 900$/);
  await rejectsWith(core.api.captures.upload({ uploadId, size: bytes.length + 1, offset: 600, dataBase64: b64(bytes.subarray(600)) }), 'invalid-argument', /^size: the upload is of \d+ bytes/);
  await rejectsWith(core.api.captures.upload({ uploadId, size: bytes.length, offset: 600, dataBase64: b64(new Uint8Array(bytes.length)) }), 'invalid-argument', /^dataBase64: the part ends at byte \d+, past the upload's \d+$/);
  await rejectsWith(core.api.captures.upload({ size: bytes.length, offset: 3, dataBase64: 'AAAA' }), 'invalid-argument', /^offset: a new upload starts at 0/);
  await rejectsWith(core.api.captures.import({ name: 'early', uploadId }), 'invalid-argument', /^uploadId: the upload has 600 of its \d+ bytes/);
  const done = await core.api.captures.upload({ uploadId, size: bytes.length, offset: 600, dataBase64: b64(bytes.subarray(600)) });
  assert.equal(done.received, bytes.length);
  const c = await core.api.captures.import({ name: 'late', uploadId });
  assert.equal(c.packetCount, 19);
});

test('a damaged upload is refused as a damaged file is, and used up; cancel and the oldest dropped', async () => {
  const bytes = reference('02-bridge-docker0-arp-icmp.pcap').slice(0, 500);
  const id = await upload(bytes, 200);
  await rejectsWith(core.api.captures.import({ name: 'cut', uploadId: id }), 'invalid-argument', /Not a capture Flotilla can read: .*read \d+ packets? before it/);
  await rejectsWith(core.api.captures.import({ name: 'cut', uploadId: id }), 'not-found', /^uploadId: no upload/);

  const ids: string[] = [];
  for (let i = 0; i <= MAX_OPEN; i++) ids.push((await core.api.captures.upload({ size: 8, offset: 0, dataBase64: 'AAAA' })).uploadId);
  await rejectsWith(core.api.captures.upload({ uploadId: ids[0]!, size: 8, offset: 3, dataBase64: 'AAAA' }), 'not-found', /dropped for newer ones: at most 2 are kept/);
  await core.api.captures.uploadCancel({ uploadId: ids[1]! });
  await rejectsWith(core.api.captures.upload({ uploadId: ids[1]!, size: 8, offset: 3, dataBase64: 'AAAA' }), 'not-found', /^uploadId: no upload/);
  const last = await core.api.captures.upload({ uploadId: ids[MAX_OPEN]!, size: 8, offset: 3, dataBase64: 'AAAAAA==' });
  assert.equal(last.received, 7);
});
