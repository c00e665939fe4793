import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { libraryDir, libraryFile } from './paths.ts';

test('FLOTILLA_HOME wins on every platform', () => {
  for (const platform of ['linux', 'darwin', 'win32'] as const) {
    assert.equal(libraryDir({ FLOTILLA_HOME: '/srv/flotilla', XDG_CONFIG_HOME: '/x', APPDATA: 'C:\\A' }, platform, '/home/u'), '/srv/flotilla');
  }
});

test('an empty FLOTILLA_HOME counts as unset', () => {
  assert.equal(libraryDir({ FLOTILLA_HOME: '' }, 'linux', '/home/u'), '/home/u/.config/Flotilla');
});

test('Linux: XDG_CONFIG_HOME, else ~/.config; a relative XDG_CONFIG_HOME is ignored', () => {
  assert.equal(libraryDir({ XDG_CONFIG_HOME: '/home/u/cfg' }, 'linux', '/home/u'), '/home/u/cfg/Flotilla');
  assert.equal(libraryDir({}, 'linux', '/home/u'), '/home/u/.config/Flotilla');
  assert.equal(libraryDir({ XDG_CONFIG_HOME: 'cfg' }, 'linux', '/home/u'), '/home/u/.config/Flotilla');
  assert.equal(libraryDir({}, 'freebsd', '/home/u'), '/home/u/.config/Flotilla');
});

test('macOS: ~/Library/Application Support', () => {
  assert.equal(libraryDir({ XDG_CONFIG_HOME: '/x' }, 'darwin', '/Users/u'), '/Users/u/Library/Application Support/Flotilla');
});

test('Windows: %APPDATA%, else ~\\AppData\\Roaming, with backslashes', () => {
  assert.equal(libraryDir({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32', 'C:\\Users\\u'), 'C:\\Users\\u\\AppData\\Roaming\\Flotilla');
  assert.equal(libraryDir({}, 'win32', 'C:\\Users\\u'), 'C:\\Users\\u\\AppData\\Roaming\\Flotilla');
});

test('the defaults come from the running process', () => {
  const saved = process.env['FLOTILLA_HOME'];
  process.env['FLOTILLA_HOME'] = '/tmp/flotilla-from-env';
  try {
    assert.equal(libraryDir(), '/tmp/flotilla-from-env');
  } finally {
    if (saved === undefined) delete process.env['FLOTILLA_HOME'];
    else process.env['FLOTILLA_HOME'] = saved;
  }
});

test('libraryFile is library.sqlite in the folder', () => {
  assert.equal(libraryFile('/srv/flotilla'), path.join('/srv/flotilla', 'library.sqlite'));
});
