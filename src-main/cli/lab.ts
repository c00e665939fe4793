// `flotilla lab list|new|rename|rm|export|import|open` and `flotilla snapshot save|list|restore|diff`: the library
// from the command line, through the same services (lab files travel through the contract as base64, as the
// window's do).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Api } from '../common/api/contract.ts';
import { FlotillaError } from '../common/api/errors.ts';
import type { DiffSet } from '../common/api/types.ts';
import { composeToLabYaml, documentToCompose, looksLikeCompose } from '../services/compose-lab.ts';
import { documentToStack, stackToLabYaml } from '../services/stack-lab.ts';
import { parseArgs, UsageError } from './args.ts';

export async function labCommand(api: Api, args: string[], out: (line: string) => void): Promise<void> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'list': {
      const labs = await api.labs.list();
      if (labs.length === 0) {
        out('No labs yet. Create one with: flotilla lab new NAME');
        return;
      }
      const width = Math.max(4, ...labs.map((l) => l.name.length));
      out(`${'ID'.padEnd(32)}  ${'NAME'.padEnd(width)}  NODES  SNAPSHOTS  UPDATED`);
      for (const l of labs) {
        out(`${l.id}  ${l.name.padEnd(width)}  ${String(l.nodeCount).padStart(5)}  ${String(l.snapshotCount).padStart(9)}  ${l.updatedAt}`);
      }
      return;
    }
    case 'new': {
      if (rest.length !== 1) throw new UsageError('usage: flotilla lab new NAME');
      const lab = await api.labs.create({ name: rest[0]! });
      out(lab.id);
      return;
    }
    case 'rename': {
      if (rest.length !== 2) throw new UsageError('usage: flotilla lab rename ID|NAME NEW-NAME');
      const lab = await api.labs.rename({ id: await resolveLab(api, rest[0]!), name: rest[1]! });
      out(lab.id);
      return;
    }
    case 'rm': {
      if (rest.length === 0) throw new UsageError('usage: flotilla lab rm ID|NAME...');
      for (const ref of rest) {
        await api.labs.delete({ id: await resolveLab(api, ref) });
        out(ref);
      }
      return;
    }
    case 'export': {
      const { flags, positionals } = parseArgs(rest, ['capture', 'compose', 'node', 'stack'], ['yaml']);
      const stackFile = flags.get('stack');
      if (typeof stackFile === 'string') {
        if (positionals.length !== 1 || flags.has('compose') || flags.has('node')) throw new UsageError('usage: flotilla lab export LAB --stack FILE');
        const lab = await api.labs.open({ id: await resolveLab(api, positionals[0]!) });
        writeFileSync(stackFile, await documentToStack(lab.document, { labName: lab.name }));
        out(stackFile);
        return;
      }
      const compose = flags.get('compose');
      if (typeof compose === 'string') {
        if (positionals.length !== 1) throw new UsageError('usage: flotilla lab export LAB --compose FILE [--node NODE]');
        const lab = await api.labs.open({ id: await resolveLab(api, positionals[0]!) });
        const node = flags.get('node');
        writeFileSync(compose, await documentToCompose(lab.document, { labName: lab.name, ...(typeof node === 'string' ? { node } : {}) }));
        out(compose);
        return;
      }
      if (positionals.length !== 2) throw new UsageError('usage: flotilla lab export LAB FILE.flotilla | flotilla lab export LAB --yaml FILE');
      const capture = flags.get('capture');
      const captureIds = typeof capture === 'string' ? capture.split(',').filter(Boolean) : undefined;
      const file = await api.labs.export({
        id: await resolveLab(api, positionals[0]!),
        format: flags.has('yaml') ? 'yaml' : 'flotilla',
        ...(captureIds ? { captureIds } : {}),
      });
      writeFileSync(positionals[1]!, Buffer.from(file.dataBase64, 'base64'));
      out(positionals[1]!);
      return;
    }
    case 'import':
    case 'open': {
      const { flags, positionals } = parseArgs(rest, ['name', 'node', 'stack', 'nodes'], []);
      if (positionals.length !== 1) throw new UsageError(`usage: flotilla lab ${sub} FILE (a .flotilla lab file, a lab.yaml, or a compose file [--name NAME] [--node NODE | --stack NAME [--nodes N]])`);
      const file = positionals[0]!;
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(file)) {
        // A URL: fetched by the services (https only, size-capped, timed) and checked as a file is.
        if (flags.has('name') || flags.has('node')) throw new UsageError('--name and --node apply to compose files only');
        const lab = await api.labs.importUrl({ url: file });
        out(`${lab.id}  ${lab.name}`);
        return;
      }
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch (err) {
        throw new FlotillaError('not-found', `${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
      }
      if (bytes.length === 0) throw new FlotillaError('invalid-argument', `${file}: the file is empty`);
      const text = bytes.subarray(0, 16).toString('latin1').startsWith('SQLite format 3') ? '' : bytes.toString('utf8');
      if (looksLikeCompose(text)) {
        const nameFlag = flags.get('name');
        const node = flags.get('node');
        const stack = flags.get('stack');
        const nodes = flags.get('nodes');
        const name = typeof nameFlag === 'string' ? nameFlag : path.basename(file).replace(/\.ya?ml$/i, '') || 'compose';
        if (typeof stack !== 'string' && nodes !== undefined) throw new UsageError('--nodes goes with --stack NAME (a swarm of N nodes)');
        if (typeof stack === 'string' && node !== undefined) throw new UsageError('--node is for one-node imports; a stack\'s nodes are node1..nodeN (--nodes N)');
        if (typeof nodes === 'string' && !/^\d+$/.test(nodes)) throw new UsageError(`--nodes: must be a whole number, got "${nodes}"`);
        const yaml =
          typeof stack === 'string'
            ? await stackToLabYaml(text, path.basename(file), name, { stack, ...(typeof nodes === 'string' ? { nodes: Number(nodes) } : {}) })
            : await composeToLabYaml(text, path.basename(file), name, typeof node === 'string' ? { node } : {});
        const lab = await api.labs.import({ name: path.basename(file), dataBase64: Buffer.from(yaml, 'utf8').toString('base64') });
        out(`${lab.id}  ${lab.name}`);
        return;
      }
      if (flags.has('name') || flags.has('node') || flags.has('stack') || flags.has('nodes')) throw new UsageError('--name, --node, --stack and --nodes apply to compose files only');
      const lab = await api.labs.import({ name: path.basename(file), dataBase64: bytes.toString('base64') });
      out(`${lab.id}  ${lab.name}`);
      return;
    }
    default:
      throw new UsageError(
        'usage: flotilla lab list | new NAME | rename ID|NAME NEW-NAME | rm ID|NAME... | export LAB [--yaml] FILE | export LAB --compose FILE [--node NODE] | export LAB --stack FILE | import FILE [--name NAME] [--node NODE | --stack NAME [--nodes N]] | open FILE',
      );
  }
}

export async function snapshotCommand(api: Api, args: string[], out: (line: string) => void): Promise<void> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'save': {
      if (rest.length < 1 || rest.length > 2) throw new UsageError('usage: flotilla snapshot save LAB [NAME]');
      const labId = await resolveLab(api, rest[0]!);
      const snap = await api.snapshots.save({ labId, ...(rest[1] !== undefined ? { name: rest[1] } : {}) });
      out(`${snap.id}  ${snap.name}`);
      return;
    }
    case 'list': {
      if (rest.length !== 1) throw new UsageError('usage: flotilla snapshot list LAB');
      const snaps = await api.snapshots.list({ labId: await resolveLab(api, rest[0]!) });
      if (snaps.length === 0) {
        out('No snapshots yet. Save one with: flotilla snapshot save LAB [NAME]');
        return;
      }
      out(`${'ID'.padEnd(32)}  CREATED                   NAME`);
      for (const s of snaps) out(`${s.id}  ${s.createdAt.padEnd(24)}  ${s.name}`);
      return;
    }
    case 'restore': {
      const { flags, positionals } = parseArgs(rest, ['node', 'container'], []);
      const node = flags.get('node');
      const container = flags.get('container');
      if (positionals.length !== 2 || (container !== undefined && node === undefined)) {
        throw new UsageError('usage: flotilla snapshot restore LAB SNAPSHOT [--node NODE [--container CONTAINER]]');
      }
      const id = await resolveSnapshot(api, await resolveLab(api, positionals[0]!), positionals[1]!);
      if (typeof node === 'string') {
        // One node or container: the commands that bring it back, then what stays as the lab has it.
        const r = await api.snapshots.restorePart({ id, node, ...(typeof container === 'string' ? { container } : {}) });
        for (const step of r.steps) out(`${step.exit === 0 ? ' ' : '!'} ${targetName(step.target)}$ ${step.line.split('\n')[0]!}${step.exit === 0 ? '' : `  [exit ${step.exit}]`}`);
        out(`${r.lab.name}: ${typeof container === 'string' ? `container ${container} on ${node}` : `node ${node}`} restored (${r.steps.length} commands)`);
        for (const n of r.notRestored) out(`  not restored: ${n}`);
        if (r.steps.some((s) => s.exit !== 0)) process.exitCode = 1;
        return;
      }
      const lab = await api.snapshots.restore({ id });
      out(`${lab.name}: restored (${lab.document.journal.filter((e) => e.line !== '').length} commands, ${formatTime(lab.document.time)} of virtual time)`);
      return;
    }
    case 'diff': {
      if (rest.length !== 3) throw new UsageError('usage: flotilla snapshot diff LAB SNAPSHOT-A SNAPSHOT-B');
      const labId = await resolveLab(api, rest[0]!);
      const d = await api.snapshots.diff({ a: await resolveSnapshot(api, labId, rest[1]!), b: await resolveSnapshot(api, labId, rest[2]!) });
      out(`--- ${d.a.name} (${formatTime(d.a.time)})`);
      out(`+++ ${d.b.name} (${formatTime(d.b.time)})`);
      for (const e of d.journal.removed) if (e.line !== '') out(`- command ${formatTime(e.t)} ${targetName(e.target)}: ${e.line}`);
      for (const e of d.journal.added) if (e.line !== '') out(`+ command ${formatTime(e.t)} ${targetName(e.target)}: ${e.line}`);
      const set = (what: string, s: DiffSet) => {
        for (const x of s.removed) out(`- ${what} ${x}`);
        for (const x of s.added) out(`+ ${what} ${x}`);
        for (const x of s.changed) out(`~ ${what} ${x}`);
      };
      set('node', d.nodes);
      set('network', d.networks);
      set('container', d.containers);
      return;
    }
    default:
      throw new UsageError('usage: flotilla snapshot save LAB [NAME] | list LAB | restore LAB SNAPSHOT [--node NODE [--container CONTAINER]] | diff LAB SNAPSHOT-A SNAPSHOT-B');
  }
}

function formatTime(ns: number): string {
  return `${(ns / 1e9).toFixed(3)} s`;
}

function targetName(t: { kind: string; node?: string; container?: string }): string {
  return t.kind === 'workstation' ? 'workstation' : t.kind === 'node' ? t.node! : `${t.node}/${t.container}`;
}

/** A snapshot of the lab named by its id, a unique id prefix, or its exact name. */
async function resolveSnapshot(api: Api, labId: string, ref: string): Promise<string> {
  const snaps = await api.snapshots.list({ labId });
  const byName = snaps.filter((s) => s.name === ref);
  if (byName.length === 1) return byName[0]!.id;
  const byId = snaps.filter((s) => s.id.startsWith(ref.toLowerCase()));
  if (byId.length === 1) return byId[0]!.id;
  if (byId.length > 1 || byName.length > 1) throw new UsageError(`"${ref}" matches several snapshots: give more of the id`);
  throw new UsageError(`No snapshot named or with id "${ref}" in this lab.`);
}

/** A lab named by its id, a unique id prefix, or its exact name. */
async function resolveLab(api: Api, ref: string): Promise<string> {
  const labs = await api.labs.list();
  const byName = labs.filter((l) => l.name === ref);
  if (byName.length === 1) return byName[0]!.id;
  const byId = labs.filter((l) => l.id.startsWith(ref.toLowerCase()));
  if (byId.length === 1) return byId[0]!.id;
  if (byId.length > 1) throw new UsageError(`"${ref}" matches ${byId.length} labs: give more of the id`);
  throw new UsageError(`No lab named or with id "${ref}".`);
}
