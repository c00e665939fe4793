// Labs and their snapshots in the library. Every change emits the contract's events so all open windows, browser
// tabs and the CLI's watchers see it.
import type { Handlers } from '../common/api/contract.ts';
import type { Library } from '../store/library.ts';
import type { EventHub } from './events.ts';

type LabHandlers = Pick<
  Handlers,
  'labs.list' | 'labs.create' | 'labs.rename' | 'labs.open' | 'labs.delete' | 'snapshots.list' | 'snapshots.save' | 'snapshots.delete'
>;

/** `guard(labId)` throws when another window runs the lab (LiveLabs.assertWritable); rename and delete ask it. */
export function labHandlers(library: Library, hub: EventHub, guard: (labId: string) => void = () => undefined): LabHandlers {
  const labsChanged = () => hub.emit('onLabsChanged', library.listLabs());
  return {
    'labs.list': () => library.listLabs(),
    'labs.create': ({ name }) => {
      const lab = library.createLab(name);
      labsChanged();
      return lab;
    },
    'labs.rename': ({ id, name }) => {
      guard(id);
      const lab = library.renameLab(id, name);
      labsChanged();
      return lab;
    },
    'labs.open': ({ id }) => library.getLab(id),
    'labs.delete': ({ id }) => {
      guard(id);
      library.deleteLab(id);
      labsChanged();
      return null;
    },
    'snapshots.list': ({ labId }) => library.listSnapshots(labId),
    'snapshots.save': ({ labId, name }) => {
      const snap = library.saveSnapshot(labId, name);
      hub.emit('onSnapshotsChanged', { labId });
      labsChanged();
      return snap;
    },
    'snapshots.delete': ({ id }) => {
      const labId = library.deleteSnapshot(id);
      hub.emit('onSnapshotsChanged', { labId });
      labsChanged();
      return null;
    },
  };
}
