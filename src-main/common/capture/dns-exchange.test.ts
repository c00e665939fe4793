// DNS in words: each query paired with its response by transaction id, and records read out as sentences.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { encode, type DnsMessage } from '../wire/dns.ts';
import { parseIpv4 } from '../wire/ipv4-address.ts';
import { dnsExchanges } from './dns-exchange.ts';

const query = (id: number, name: string, type: number): DnsMessage => ({ id, flags: 0x0100, questions: [{ name, type, class: 1 }], answers: [], authorities: [], additionals: [] });

describe('DNS exchanges in words', () => {
  it('pairs by id and reads CNAME, A, AAAA and MX records', () => {
    const v6 = new Uint8Array(16);
    v6[0] = 0xfd;
    v6[15] = 1;
    const answer: DnsMessage = {
      ...query(7, 'www.example', 1),
      flags: 0x8180,
      answers: [
        { name: 'www.example', type: 5, class: 1, ttl: 60, data: { kind: 'name', name: 'web.example' } },
        { name: 'web.example', type: 1, class: 1, ttl: 60, data: { kind: 'a', address: parseIpv4('10.0.1.7') } },
      ],
    };
    const six: DnsMessage = { ...query(8, 'web.example', 28), flags: 0x8180, answers: [{ name: 'web.example', type: 28, class: 1, ttl: 60, data: { kind: 'aaaa', address: v6 } }] };
    const mx: DnsMessage = { ...query(9, 'example', 15), flags: 0x8180, answers: [{ name: 'example', type: 15, class: 1, ttl: 60, data: { kind: 'mx', preference: 10, exchange: 'mail.example' } }] };
    const empty: DnsMessage = { ...query(10, 'example', 16), flags: 0x8180 };
    const x = dnsExchanges([
      { frame: 1, time: 0, payload: encode(query(7, 'www.example', 1)) },
      { frame: 2, time: 0.001, payload: encode(query(8, 'web.example', 28)) },
      { frame: 3, time: 0.003, payload: encode(six) },
      { frame: 4, time: 0.004, payload: encode(answer) },
      { frame: 5, time: 0.005, payload: encode(query(9, 'example', 15)) },
      { frame: 6, time: 0.006, payload: encode(mx) },
      { frame: 7, time: 0.007, payload: encode(query(10, 'example', 16)) },
      { frame: 8, time: 0.008, payload: encode(empty) },
      { frame: 9, time: 0.009, payload: new Uint8Array([1, 2, 3]) },
    ]);
    assert.deepEqual(
      x.map((e) => [e.queryFrame, e.responseFrame, e.question, e.answers, e.elapsedMs]),
      [
        [1, 4, 'Which IPv4 address (A) has www.example?', ['www.example is an alias of web.example', 'web.example is at 10.0.1.7'], 4],
        [2, 3, 'Which IPv6 address (AAAA) has web.example?', ['web.example is at fd00::1'], 2],
        [5, 6, 'Which mail servers (MX) take mail for example?', ['mail for example goes to mail.example (preference 10)'], 1],
        [7, 8, 'Which texts (TXT) does example hold?', ['example exists but has no record of that type'], 1],
      ],
    );
  });

  it('keeps a response without its query, and a query without a response', () => {
    const lone: DnsMessage = { ...query(3, 'gone', 1), flags: 0x8182 };
    const x = dnsExchanges([
      { frame: 1, time: 0, payload: encode(lone) },
      { frame: 2, time: 1, payload: encode(query(4, 'late', 1)) },
    ]);
    assert.deepEqual(
      x.map((e) => [e.queryFrame, e.responseFrame, e.answers]),
      [
        [null, 1, ['The server answered Server failure']],
        [2, null, []],
      ],
    );
  });
});
