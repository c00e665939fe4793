import assert from 'node:assert/strict';
import test from 'node:test';
import { parseEngineVersion } from '../../docker/version.ts';
import { formatVersion, minApiVersionOf } from './version-command.ts';

const at = (v: string) => parseEngineVersion(v);

test('the minimum API version follows the engine: none before 1.13, 1.12 to 24.x, 1.24 from 25.0, 1.44 from 29.0', () => {
  assert.equal(minApiVersionOf(at('1.12.6')), undefined);
  assert.equal(minApiVersionOf(at('1.13.0')), '1.12');
  assert.equal(minApiVersionOf(at('24.0.7')), '1.12');
  assert.equal(minApiVersionOf(at('25.0.0')), '1.24');
  assert.equal(minApiVersionOf(at('28.5.2')), '1.24');
  assert.equal(minApiVersionOf(at('29.0.4')), '1.44');
});

// The lines each era printed (the build lines real engines add are left out, see version-command.ts).
test('docker version is laid out as each era of the CLI printed it', () => {
  assert.equal(
    formatVersion('1.12.6', at('1.12.6'), '1.24'),
    'Client:\n Version:      1.12.6\n API version:  1.24\n OS/Arch:      linux/amd64\n\nServer:\n Version:      1.12.6\n API version:  1.24\n OS/Arch:      linux/amd64\n',
  );
  assert.match(formatVersion('17.09.1-ce', at('17.09.1'), '1.32'), /\nServer:\n Version: {6}17\.09\.1-ce\n API version: {2}1\.32 \(minimum version 1\.12\)\n/);
  assert.match(formatVersion('17.12.1-ce', at('17.12.1'), '1.35'), /^Client:\n Version: {7}17\.12\.1-ce\n[^]*\nServer:\n Engine:\n {2}Version: {6}17\.12\.1-ce\n {2}API version: {2}1\.35 \(minimum version 1\.12\)\n/);
  assert.match(formatVersion('18.03.1-ce', at('18.03.1'), '1.37'), /^Client:\n Version: {6}18\.03\.1-ce\n/);
  assert.match(formatVersion('18.09.9', at('18.09.9'), '1.39'), /^Client:\n Version: {11}18\.09\.9\n API version: {7}1\.39\n[^]*\n Engine:\n {2}Version: {10}18\.09\.9\n {2}API version: {6}1\.39 \(minimum version 1\.12\)\n/);
  assert.match(formatVersion('29.0.4', at('29.0.4'), '1.52'), /\n {2}API version: {6}1\.52 \(minimum version 1\.44\)\n/);
});
