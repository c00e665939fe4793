// Every contract method rejects malformed arguments with a typed error naming the field, before any service
// runs. The table must list every method: a method added to the contract without cases here fails this test.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { methodNames, type MethodName } from '../../src-main/common/api/contract.ts';
import type { Core } from '../../src-main/services/core.ts';
import { tempCore } from './helpers.ts';

const ID = '0123456789abcdef0123456789abcdef';

/** [params, the field the error must name]. */
const malformed: Record<MethodName, [unknown, string][]> = {
  'app.info': [[null, 'argument'], [[], 'argument'], [{ extra: 1 }, 'extra']],
  'settings.get': [['x', 'argument'], [{ theme: 'dark' }, 'theme']],
  'settings.set': [[{}, 'theme'], [{ theme: 'blue' }, 'theme'], [{ theme: 1 }, 'theme'], [{ theme: 'dark', x: 1 }, 'x']],
  'labs.list': [[42, 'argument'], [{ all: true }, 'all']],
  'labs.create': [
    [{}, 'name'],
    [{ name: '' }, 'name'],
    [{ name: 5 }, 'name'],
    [{ name: ' padded ' }, 'name'],
    [{ name: 'a'.repeat(101) }, 'name'],
    [{ name: 'line\nbreak' }, 'name'],
    [{ name: 'ok', id: ID }, 'id'],
    [Object.assign(Object.create({ inherited: true }) as object, { name: 'x' }), 'argument'],
  ],
  'labs.rename': [[{ name: 'x' }, 'id'], [{ id: 'abc', name: 'x' }, 'id'], [{ id: ID }, 'name'], [{ id: ID.toUpperCase(), name: 'x' }, 'id']],
  'labs.open': [[{}, 'id'], [{ id: 12 }, 'id'], [{ id: `${ID}0` }, 'id']],
  'labs.delete': [[{}, 'id'], [{ id: null }, 'id'], [{ id: '../../etc' }, 'id']],
  'snapshots.list': [[{}, 'labId'], [{ labId: 'x' }, 'labId'], [{ id: ID }, 'id']],
  'snapshots.save': [[{}, 'labId'], [{ labId: ID, name: '' }, 'name'], [{ labId: ID, name: 3 }, 'name'], [{ labId: ID, name: 'a', at: 1 }, 'at']],
  'snapshots.delete': [[{}, 'id'], [{ id: true }, 'id']],
  'snapshots.restore': [[{}, 'id'], [{ id: 'snap' }, 'id'], [{ id: ID, labId: ID }, 'labId'], [[ID], 'argument']],
  'labs.importUrl': [
    [{}, 'url'],
    [{ url: 5 }, 'url'],
    [{ url: 'http://example.com/lab.flotilla' }, 'url'],
    [{ url: 'file:///etc/passwd' }, 'url'],
    [{ url: `https://example.com/${'a'.repeat(2100)}` }, 'url'],
    [{ url: 'https://example.com/a b' }, 'url'],
    [{ url: 'https://example.com/a', name: 'x' }, 'name'],
  ],
  'snapshots.restorePart': [
    [{ node: 'node1' }, 'id'],
    [{ id: ID }, 'node'],
    [{ id: ID, node: '' }, 'node'],
    [{ id: ID, node: '../x' }, 'node'],
    [{ id: ID, node: 'node1', container: 7 }, 'container'],
    [{ id: ID, node: 'node1', container: '-rf' }, 'container'],
    [{ id: ID, node: 'node1', network: 'dev' }, 'network'],
  ],
  'snapshots.diff': [[{ b: ID }, 'a'], [{ a: ID }, 'b'], [{ a: ID, b: 5 }, 'b'], [{ a: ID.toUpperCase(), b: ID }, 'a'], [{ a: ID, b: ID, c: ID }, 'c']],
  'labs.export': [
    [{ format: 'yaml' }, 'id'],
    [{ id: ID }, 'format'],
    [{ id: ID, format: 'zip' }, 'format'],
    [{ id: ID, format: 'flotilla', captureIds: ID }, 'captureIds'],
    [{ id: ID, format: 'flotilla', captureIds: ['x'] }, 'captureIds[0]'],
    [{ id: ID, format: 'flotilla', captureIds: Array.from({ length: 1001 }, () => ID) }, 'captureIds'],
    [{ id: ID, format: 'yaml', path: '/etc/passwd' }, 'path'],
  ],
  'labs.import': [
    [{ dataBase64: 'AAAA' }, 'name'],
    [{ name: 'lab.flotilla' }, 'dataBase64'],
    [{ name: ' x', dataBase64: 'AAAA' }, 'name'],
    [{ name: 'x', dataBase64: '' }, 'dataBase64'],
    [{ name: 'x', dataBase64: 'not base64!' }, 'dataBase64'],
    [{ name: 'x', dataBase64: 'AAA' }, 'dataBase64'],
    [{ name: 'x', dataBase64: ['AAAA'] }, 'dataBase64'],
    [{ name: 'x', dataBase64: 'AAAA', labId: ID }, 'labId'],
  ],
  'labs.importCompose': [
    [{ dataBase64: 'AAAA', mode: 'node' }, 'fileName'],
    [{ fileName: 'a.yml', mode: 'node' }, 'dataBase64'],
    [{ fileName: 'a.yml', dataBase64: 'AAAA' }, 'mode'],
    [{ fileName: 'a.yml', dataBase64: 'AAAA', mode: 'swarm' }, 'mode'],
    [{ fileName: ' a.yml', dataBase64: 'AAAA', mode: 'node' }, 'fileName'],
    [{ fileName: 'a.yml', dataBase64: '', mode: 'node' }, 'dataBase64'],
    [{ fileName: 'a.yml', dataBase64: 'not base64!', mode: 'node' }, 'dataBase64'],
    [{ fileName: 'a.yml', dataBase64: 'A'.repeat(2 * 1024 * 1024), mode: 'node' }, 'dataBase64'],
    [{ fileName: 'a.yml', dataBase64: 'AAAA', mode: 'stack', nodes: 0 }, 'nodes'],
    [{ fileName: 'a.yml', dataBase64: 'AAAA', mode: 'stack', nodes: 10 }, 'nodes'],
    [{ fileName: 'a.yml', dataBase64: 'AAAA', mode: 'stack', nodes: 1.5 }, 'nodes'],
    [{ fileName: 'a.yml', dataBase64: 'AAAA', mode: 'stack', stack: 'my stack' }, 'stack'],
    [{ fileName: 'a.yml', dataBase64: 'AAAA', mode: 'stack', stack: '_x' }, 'stack'],
    [{ fileName: 'a.yml', dataBase64: 'AAAA', mode: 'node', name: '' }, 'name'],
    [{ fileName: 'a.yml', dataBase64: 'AAAA', mode: 'node', labId: ID }, 'labId'],
  ],
  'lab.start': [[{}, 'labId'], [{ labId: 'lab' }, 'labId'], [{ labId: ID, seed: 1 }, 'seed'], [[ID], 'argument']],
  'lab.stop': [[{}, 'labId'], [{ labId: 7 }, 'labId'], [{ id: ID }, 'id']],
  'lab.state': [[{}, 'labId'], [{ labId: ID.slice(1) }, 'labId'], [{ labId: ID, full: true }, 'full']],
  'lab.clock': [
    [{ labId: ID }, 'action'],
    [{ labId: ID, action: 'rewind' }, 'action'],
    [{ labId: ID, action: 'play', speed: 0 }, 'speed'],
    [{ labId: ID, action: 'play', speed: -1 }, 'speed'],
    [{ labId: ID, action: 'play', speed: 1e6 }, 'speed'],
    [{ labId: ID, action: 'play', speed: '2' }, 'speed'],
    [{ labId: ID, action: 'play', speed: Number.NaN }, 'speed'],
    [{ action: 'pause' }, 'labId'],
  ],
  'console.open': [
    [{ labId: ID }, 'target'],
    [{ labId: ID, target: 'workstation' }, 'target'],
    [{ labId: ID, target: {} }, 'target.kind'],
    [{ labId: ID, target: { kind: 'vm' } }, 'target.kind'],
    [{ labId: ID, target: { kind: 'node' } }, 'target.node'],
    [{ labId: ID, target: { kind: 'node', node: '' } }, 'target.node'],
    [{ labId: ID, target: { kind: 'node', node: '../etc' } }, 'target.node'],
    [{ labId: ID, target: { kind: 'workstation', node: 'node1' } }, 'target.node'],
    [{ labId: ID, target: { kind: 'container', node: 'node1' } }, 'target.container'],
    [{ labId: ID, target: { kind: 'container', node: 'node1', container: 'a b' } }, 'target.container'],
    [{ target: { kind: 'workstation' } }, 'labId'],
  ],
  'console.run': [
    [{ line: 'ls' }, 'consoleId'],
    [{ consoleId: ID }, 'line'],
    [{ consoleId: ID, line: 42 }, 'line'],
    [{ consoleId: ID, line: 'x'.repeat(64 * 1024 + 1) }, 'line'],
    [{ consoleId: 'c1', line: 'ls' }, 'consoleId'],
    [{ consoleId: ID, line: 'ls', cwd: '/' }, 'cwd'],
  ],
  'console.interrupt': [[{}, 'consoleId'], [{ consoleId: null }, 'consoleId'], [{ consoleId: ID, signal: 9 }, 'signal']],
  'console.complete': [
    [{ consoleId: ID, line: 'doc' }, 'cursor'],
    [{ consoleId: ID, line: 'doc', cursor: -1 }, 'cursor'],
    [{ consoleId: ID, line: 'doc', cursor: 1.5 }, 'cursor'],
    [{ consoleId: ID, cursor: 0 }, 'line'],
    [{ line: 'doc', cursor: 3 }, 'consoleId'],
  ],
  'console.close': [[{}, 'consoleId'], [{ consoleId: ID.toUpperCase() }, 'consoleId']],
  'lab.exec': [
    [{ target: { kind: 'workstation' }, line: 'ls' }, 'labId'],
    [{ labId: 'lab', target: { kind: 'workstation' }, line: 'ls' }, 'labId'],
    [{ labId: ID, line: 'ls' }, 'target'],
    [{ labId: ID, target: { kind: 'node' }, line: 'ls' }, 'target.node'],
    [{ labId: ID, target: { kind: 'container', node: 'n1', container: 'a;b' }, line: 'ls' }, 'target.container'],
    [{ labId: ID, target: { kind: 'workstation' } }, 'line'],
    [{ labId: ID, target: { kind: 'workstation' }, line: '' }, 'line'],
    [{ labId: ID, target: { kind: 'workstation' }, line: 7 }, 'line'],
    [{ labId: ID, target: { kind: 'workstation' }, line: 'x'.repeat(64 * 1024 + 1) }, 'line'],
    [{ labId: ID, target: { kind: 'workstation' }, line: 'ls', consoleId: ID }, 'consoleId'],
  ],
  'labs.saveCanvas': [
    [{ canvas: {} }, 'labId'],
    [{ labId: 'x', canvas: {} }, 'labId'],
    [{ labId: ID }, 'canvas'],
    [{ labId: ID, canvas: [] }, 'canvas'],
    [{ labId: ID, canvas: { zoom: 2 } }, 'canvas.zoom'],
    [{ labId: ID, canvas: { layout: 'circle' } }, 'canvas.layout'],
    [{ labId: ID, canvas: { snap: 'yes' } }, 'canvas.snap'],
    [{ labId: ID, canvas: { offsets: { node1: { dx: 1 } } } }, 'canvas.offsets.node1.dy'],
    [{ labId: ID, canvas: { offsets: { node1: { dx: 1, dy: Number.NaN } } } }, 'canvas.offsets.node1.dy'],
    [{ labId: ID, canvas: { offsets: { '../x': { dx: 1, dy: 1 } } } }, 'canvas.offsets.../x'],
    [{ labId: ID, canvas: { offsets: [] } }, 'canvas.offsets'],
    [{ labId: ID, canvas: { notes: {} } }, 'canvas.notes'],
    [{ labId: ID, canvas: { notes: [{ id: 'n1', kind: 'circle', x: 0, y: 0, w: 10, h: 10, text: '' }] } }, 'canvas.notes[0].kind'],
    [{ labId: ID, canvas: { notes: [{ id: 'n1', kind: 'box', x: 0, y: 0, w: 0, h: 10, text: '' }] } }, 'canvas.notes[0].w'],
    [{ labId: ID, canvas: { notes: [{ id: 'n 1', kind: 'box', x: 0, y: 0, w: 9, h: 10, text: '' }] } }, 'canvas.notes[0].id'],
    [{ labId: ID, canvas: { notes: [{ id: 'n1', kind: 'text', x: 0, y: 0, w: 9, h: 10, text: 'x'.repeat(4001) }] } }, 'canvas.notes[0].text'],
    [{ labId: ID, canvas: { notes: [{ id: 'n1', kind: 'text', x: 0, y: 0, w: 9, h: 10, text: 'a' }, { id: 'n1', kind: 'text', x: 0, y: 0, w: 9, h: 10, text: 'b' }] } }, 'canvas.notes[1].id'],
    [{ labId: ID, canvas: {}, flush: true }, 'flush'],
  ],
  'captures.import': [
    [{ dataBase64: 'AAAA' }, 'name'],
    [{ name: 'x.pcap' }, 'dataBase64'],
    [{ name: '', dataBase64: 'AAAA' }, 'name'],
    [{ name: 'a\u0000b', dataBase64: 'AAAA' }, 'name'],
    [{ name: 'x', dataBase64: 42 }, 'dataBase64'],
    [{ name: 'x', dataBase64: '' }, 'dataBase64'],
    [{ name: 'x', dataBase64: 'not base64!' }, 'dataBase64'],
    [{ name: 'x', dataBase64: 'AAA' }, 'dataBase64'],
    [{ name: 'x', dataBase64: 'A'.repeat(90 * 1024 * 1024) }, 'dataBase64'],
    [{ name: 'x', labId: 'lab', dataBase64: 'AAAA' }, 'labId'],
    [{ name: 'x', dataBase64: 'AAAA', format: 'pcap' }, 'format'],
    [{ name: 'x', dataBase64: 'AAAA', uploadId: 'a'.repeat(32) }, 'dataBase64'],
    [{ name: 'x', uploadId: 'upload' }, 'uploadId'],
  ],
  'captures.upload': [
    [{ size: 4, offset: 0 }, 'dataBase64'],
    [{ offset: 0, dataBase64: 'AAAA' }, 'size'],
    [{ size: 0, offset: 0, dataBase64: 'AAAA' }, 'size'],
    [{ size: 513 * 1024 * 1024, offset: 0, dataBase64: 'AAAA' }, 'size'],
    [{ size: 4, offset: -1, dataBase64: 'AAAA' }, 'offset'],
    [{ size: 4, offset: 0, dataBase64: '' }, 'dataBase64'],
    [{ size: 4, offset: 0, dataBase64: 'A'.repeat(12 * 1024 * 1024) }, 'dataBase64'],
    [{ uploadId: 'x', size: 4, offset: 0, dataBase64: 'AAAA' }, 'uploadId'],
  ],
  'captures.uploadCancel': [
    [{}, 'uploadId'],
    [{ uploadId: 7 }, 'uploadId'],
  ],
  'captures.list': [[{ labId: 3 }, 'labId'], [{ labId: 'x' }, 'labId'], [{ all: true }, 'all'], [[], 'argument']],
  'captures.delete': [[{}, 'id'], [{ id: 'c1' }, 'id'], [{ id: ID, force: true }, 'force']],
  'captures.frames': [
    [{ offset: 0, limit: 10 }, 'id'],
    [{ id: ID, limit: 10 }, 'offset'],
    [{ id: ID, offset: -1, limit: 10 }, 'offset'],
    [{ id: ID, offset: 0.5, limit: 10 }, 'offset'],
    [{ id: ID, offset: 0 }, 'limit'],
    [{ id: ID, offset: 0, limit: 0 }, 'limit'],
    [{ id: ID, offset: 0, limit: 1001 }, 'limit'],
    [{ id: ID, offset: '0', limit: 10 }, 'offset'],
    [{ id: ID, offset: 0, limit: 10, filter: 5 }, 'filter'],
    [{ id: ID, offset: 0, limit: 10, filter: 'x'.repeat(4097) }, 'filter'],
    [{ id: ID, offset: 0, limit: 10, sort: 'time' }, 'sort'],
  ],
  'captures.frame': [[{ id: ID }, 'number'], [{ id: ID, number: 0 }, 'number'], [{ id: ID, number: 1.5 }, 'number'], [{ number: 1 }, 'id']],
  'captures.export': [[{ id: ID }, 'format'], [{ id: ID, format: 'json' }, 'format'], [{ format: 'pcap' }, 'id'], [{ id: ID, format: 'pcap', x: 1 }, 'x'], [{ id: ID, format: 'pcap', ethernetOnly: 'yes' }, 'ethernetOnly']],
  'captures.exportJourney': [[{ id: ID }, 'number'], [{ id: ID, number: 0 }, 'number'], [{ number: 3 }, 'id'], [{ id: ID, number: 2.5 }, 'number'], [{ id: ID, number: 1, format: 'pcap' }, 'format']],
  'captures.interfaces': [[{}, 'labId'], [{ labId: 'lab' }, 'labId'], [{ labId: ID, node: 'n1' }, 'node']],
  'captures.start': [
    [{ target: { node: 'node1', interface: 'eth0' } }, 'labId'],
    [{ labId: ID }, 'target'],
    [{ labId: ID, target: { interface: 'eth0' } }, 'target.node'],
    [{ labId: ID, target: { node: '../x', interface: 'eth0' } }, 'target.node'],
    [{ labId: ID, target: { node: 'node1' } }, 'target.interface'],
    [{ labId: ID, target: { node: 'node1', interface: 'a-very-long-interface-name' } }, 'target.interface'],
    [{ labId: ID, target: { node: 'node1', interface: 'eth 0' } }, 'target.interface'],
    [{ labId: ID, target: { node: 'node1', container: 'a;b', interface: 'eth0' } }, 'target.container'],
    [{ labId: ID, target: { node: 'node1', interface: 'eth0', kind: 'node' } }, 'target.kind'],
    [{ labId: ID, target: { node: 'node1', interface: 'eth0' }, name: '' }, 'name'],
    [{ labId: ID, target: { node: 'node1', interface: 'eth0' }, limit: { packets: 0 } }, 'limit.packets'],
    [{ labId: ID, target: { node: 'node1', interface: 'eth0' }, limit: { packets: 1.5 } }, 'limit.packets'],
    [{ labId: ID, target: { node: 'node1', interface: 'eth0' }, limit: { bytes: 10 } }, 'limit.bytes'],
    [{ labId: ID, target: { node: 'node1', interface: 'eth0' }, limit: { bytes: 2 ** 40 } }, 'limit.bytes'],
    [{ labId: ID, target: { node: 'node1', interface: 'eth0' }, limit: { seconds: 5 } }, 'limit.seconds'],
  ],
  'captures.stop': [[{}, 'id'], [{ id: 'c1' }, 'id'], [{ id: ID, save: false }, 'save']],
  'lab.stepMode': [[{ on: true }, 'labId'], [{ labId: ID }, 'on'], [{ labId: ID, on: 'yes' }, 'on'], [{ labId: ID, on: true, limit: 5 }, 'limit'], [{ labId: ID, on: true, limit: 1e6 }, 'limit'], [{ labId: ID, on: true, limit: 50.5 }, 'limit'], [{ labId: ID, on: true, speed: 2 }, 'speed']],
  'lab.stepState': [[{}, 'labId'], [{ labId: 'lab1' }, 'labId'], [{ labId: ID, on: true }, 'on']],
  'lab.step': [[{}, 'labId'], [{ labId: 7 }, 'labId'], [{ labId: ID, count: 2 }, 'count']],
  'lab.stepBack': [[{}, 'labId'], [{ labId: ID.toUpperCase() }, 'labId'], [{ labId: ID, to: 3 }, 'to']],
  'lab.events': [
    [{ labId: ID, limit: 10 }, 'offset'],
    [{ labId: ID, offset: -1, limit: 10 }, 'offset'],
    [{ labId: ID, offset: 0 }, 'limit'],
    [{ labId: ID, offset: 0, limit: 0 }, 'limit'],
    [{ labId: ID, offset: 0, limit: 5000 }, 'limit'],
    [{ labId: ID, offset: 0, limit: 10, protocols: 'icmp' }, 'protocols'],
    [{ labId: ID, offset: 0, limit: 10, protocols: ['icmp', 'smtp'] }, 'protocols[1]'],
    [{ labId: ID, offset: 0, limit: 10, filter: 42 }, 'filter'],
    [{ labId: ID, offset: 0, limit: 10, filter: 'x'.repeat(5000) }, 'filter'],
    [{ offset: 0, limit: 10 }, 'labId'],
  ],
  'lab.stepEvent': [[{ labId: ID }, 'seq'], [{ labId: ID, seq: 0 }, 'seq'], [{ labId: ID, seq: 1.5 }, 'seq'], [{ seq: 1 }, 'labId']],
  'captures.journey': [[{ id: ID }, 'number'], [{ id: ID, number: 0 }, 'number'], [{ number: 1 }, 'id'], [{ id: ID, number: '1' }, 'number']],
  'captures.replay': [
    [{ labId: ID, target: { node: 'node1', interface: 'eth0' }, speed: 'topspeed' }, 'id'],
    [{ id: ID, target: { node: 'node1', interface: 'eth0' }, speed: 'topspeed' }, 'labId'],
    [{ id: ID, labId: ID, speed: 'topspeed' }, 'target'],
    [{ id: ID, labId: ID, target: { node: 'node1', interface: 'any' }, speed: 'topspeed' }, 'target.interface'],
    [{ id: ID, labId: ID, target: { node: 'node1', interface: 'eth0' } }, 'speed'],
    [{ id: ID, labId: ID, target: { node: 'node1', interface: 'eth0' }, speed: 'fast' }, 'speed'],
    [{ id: ID, labId: ID, target: { node: 'node1', interface: 'eth0' }, speed: { multiplier: 0 } }, 'speed.multiplier'],
    [{ id: ID, labId: ID, target: { node: 'node1', interface: 'eth0' }, speed: { multiplier: 1e9 } }, 'speed.multiplier'],
    [{ id: ID, labId: ID, target: { node: 'node1', interface: 'eth0' }, speed: { pps: -1 } }, 'speed.pps'],
    [{ id: ID, labId: ID, target: { node: 'node1', interface: 'eth0' }, speed: { pps: 10, multiplier: 2 } }, 'speed.multiplier'],
    [{ id: ID, labId: ID, target: { node: 'node1', interface: 'eth0' }, speed: 7 }, 'speed'],
    [{ id: ID, labId: ID, target: { node: 'node1', interface: 'eth0' }, speed: 'original', loop: 0 }, 'loop'],
    [{ id: ID, labId: ID, target: { node: 'node1', interface: 'eth0' }, speed: 'original', loop: 10_000 }, 'loop'],
    [{ id: ID, labId: ID, target: { node: 'node1', interface: 'eth0' }, speed: 'original', rewrite: { addressMap: [['10.0.0.1']] } }, 'rewrite.addressMap[0]'],
    [{ id: ID, labId: ID, target: { node: 'node1', interface: 'eth0' }, speed: 'original', rewrite: { fixChecksums: 'no' } }, 'rewrite.fixChecksums'],
    [{ id: ID, labId: ID, target: { node: 'node1', interface: 'eth0' }, speed: 'original', rewrite: { addressMap: [['10.0.0.1', '10.0.0.256']] } }, 'rewrite.addressMap[0][1]'],
    [{ id: ID, labId: ID, target: { node: 'node1', interface: 'eth0' }, speed: 'original', rewrite: { macToLab: 'yes' } }, 'rewrite.macToLab'],
    [{ id: ID, labId: ID, target: { node: 'node1', interface: 'eth0' }, speed: 'original', rewrite: { ttl: 5 } }, 'rewrite.ttl'],
  ],
  'captures.follow': [
    [{ protocol: 'tcp', number: 1 }, 'id'],
    [{ id: ID, number: 1 }, 'protocol'],
    [{ id: ID, protocol: 'sctp', number: 1 }, 'protocol'],
    [{ id: ID, protocol: 'tcp', number: 0 }, 'number'],
    [{ id: ID, protocol: 'tcp', number: '3' }, 'number'],
    [{ id: ID, protocol: 'udp', stream: -1 }, 'stream'],
    [{ id: ID, protocol: 'udp', stream: 1.5 }, 'stream'],
    [{ id: ID, protocol: 'tcp', number: 1, direction: 0 }, 'direction'],
    [{ id: ID, protocol: 'dns', stream: 1, transport: 'sctp' }, 'transport'],
    [{ id: ID, protocol: 'dns', stream: 1, transport: 6 }, 'transport'],
    [{ id: ID, protocol: 'dns', stream: 1, transport: 'TCP' }, 'transport'],
  ],
  'captures.flow': [
    [{ offset: 0, limit: 10 }, 'id'],
    [{ id: ID, limit: 10 }, 'offset'],
    [{ id: ID, offset: -1, limit: 10 }, 'offset'],
    [{ id: ID, offset: 0 }, 'limit'],
    [{ id: ID, offset: 0, limit: 0 }, 'limit'],
    [{ id: ID, offset: 0, limit: 100_000 }, 'limit'],
    [{ id: ID, offset: 0, limit: 10, filter: 7 }, 'filter'],
    [{ id: ID, offset: 0, limit: 10, filter: 'x'.repeat(5000) }, 'filter'],
  ],
  'captures.io': [
    [{ series: [] }, 'id'],
    [{ id: ID }, 'series'],
    [{ id: ID, series: {} }, 'series'],
    [{ id: ID, series: [{}] }, 'series[0].filter'],
    [{ id: ID, series: [{ filter: 3 }] }, 'series[0].filter'],
    [{ id: ID, series: Array.from({ length: 9 }, () => ({ filter: '' })) }, 'series'],
    [{ id: ID, series: [], interval: 0 }, 'interval'],
    [{ id: ID, series: [], interval: 'auto' }, 'interval'],
    [{ id: ID, series: [], interval: 1e9 }, 'interval'],
  ],
};

let core: Core;
let dispose: () => void;
before(() => ({ core, dispose } = tempCore()));
after(() => dispose());

test('the table covers every method of the contract', () => {
  assert.deepEqual(Object.keys(malformed).sort(), [...methodNames].sort());
});

for (const method of methodNames) {
  test(`${method} rejects malformed arguments, naming the field`, async () => {
    for (const [params, field] of malformed[method]) {
      const result = await core.call(method, params);
      assert.equal(result.ok, false, `${method}(${JSON.stringify(params)}) should fail`);
      if (result.ok) continue;
      assert.equal(result.error.code, 'invalid-argument', `${method}(${JSON.stringify(params)}): ${result.error.message}`);
      assert.equal(result.error.field, field, `${method}(${JSON.stringify(params)}): ${result.error.message}`);
      assert.ok(result.error.message.startsWith(field), `message names the field: ${result.error.message}`);
    }
  });
}

test('an unknown method is refused as such', async () => {
  for (const method of ['labs.drop', '__proto__', 'constructor', 42, null]) {
    const result = await core.call(method, {});
    assert.equal(result.ok, false);
    if (!result.ok) assert.equal(result.error.code, 'unknown-method');
  }
});

test('valid calls go through, and the typed client throws FlotillaError with the code', async () => {
  const lab = await core.api.labs.create({ name: 'Typed' });
  assert.match(lab.id, /^[0-9a-f]{32}$/);
  assert.equal((await core.api.labs.open({ id: lab.id })).name, 'Typed');
  await assert.rejects(core.api.labs.open({ id: ID }), (err: Error & { code?: string }) => err.code === 'not-found');
  await assert.rejects(core.api.labs.create({ name: 'typed' }), (err: Error & { code?: string }) => err.code === 'conflict');
  const info = await core.api.app.info();
  assert.equal(info.shell, 'cli');
  assert.equal(info.schemaVersion >= 1, true);
});
