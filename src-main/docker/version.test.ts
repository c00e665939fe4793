import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiVersionOf, engineBehaviour, formatEngineVersion, parseEngineVersion } from './version.ts';

test('§0 version landmarks', () => {
  assert.deepEqual(parseEngineVersion('v20.10.24'), { major: 20, minor: 10, patch: 24 });
  assert.deepEqual(parseEngineVersion('27.0'), { major: 27, minor: 0, patch: 0 });
  assert.throws(() => parseEngineVersion('latest'));
  assert.equal(apiVersionOf(parseEngineVersion('28.5.2')), '1.51');
  assert.equal(apiVersionOf(parseEngineVersion('27.3.1')), '1.47');
  assert.equal(apiVersionOf(parseEngineVersion('20.10.24')), '1.41');
  assert.equal(engineBehaviour('26.1.4').subnetAllocator, 'round-robin');
  assert.equal(engineBehaviour('27.0.1').subnetAllocator, 'lowest-free');
  assert.equal(engineBehaviour('27.5.1').randomEndpointMac, false);
  assert.equal(engineBehaviour('28.0.0').randomEndpointMac, true);
  assert.equal(engineBehaviour('28.0.4').activeEndpointsList, false);
  assert.equal(engineBehaviour('28.1.0').activeEndpointsList, true);
  assert.equal(engineBehaviour('22.06.0').clusterStore, true);
  assert.equal(engineBehaviour('23.0.0').clusterStore, false);
  assert.equal(engineBehaviour().version.major, 28);
});

test('engines older than 20.10 speak the API of their release (API version matrix)', () => {
  const api = (text: string) => apiVersionOf(parseEngineVersion(text));
  const expected: [string, string][] = [
    ['1.12.6', '1.24'],
    ['1.13.0', '1.25'],
    ['1.13.1', '1.26'],
    ['17.03.0', '1.26'],
    ['17.03.2', '1.27'],
    ['17.04.0', '1.28'],
    ['17.05.0', '1.29'],
    ['17.06.2', '1.30'],
    ['17.07.0', '1.31'],
    ['17.09.1', '1.32'],
    ['17.10.0', '1.33'],
    ['17.11.0', '1.34'],
    ['17.12.1', '1.35'],
    ['18.02.0', '1.36'],
    ['18.03.1', '1.37'],
    ['18.05.0', '1.37'],
    ['18.06.3', '1.38'],
    ['18.09.9', '1.39'],
    ['19.03.15', '1.40'],
    ['20.10.0', '1.41'],
    ['23.0.6', '1.42'],
  ];
  for (const [engine, want] of expected) assert.equal(api(engine), want, engine);
  assert.equal(engineBehaviour('17.06.2').apiVersion, '1.30');
});

test('versions print as the engine prints them: two-digit months, -ce on CE 17.03 to 18.09', () => {
  const f = (text: string) => formatEngineVersion(parseEngineVersion(text));
  assert.equal(f('17.06.2'), '17.06.2-ce');
  assert.equal(f('17.6.2'), '17.06.2-ce');
  assert.equal(f('18.09.7'), '18.09.7-ce');
  assert.equal(f('19.03.12'), '19.03.12');
  assert.equal(f('20.10.24'), '20.10.24');
  assert.equal(f('1.12.6'), '1.12.6');
  assert.equal(f('28.5.2'), '28.5.2');
  assert.equal(f('17.06.2-ce'), '17.06.2-ce', 'a printed version reads back as itself');
});
