// `flotilla lab list|new|rename|rm`: the library from the command line, through the same services.
import type { Api } from '../common/api/contract.ts';
import { UsageError } from './args.ts';

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
    default:
      throw new UsageError('usage: flotilla lab list | new NAME | rename ID|NAME NEW-NAME | rm ID|NAME...');
  }
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
