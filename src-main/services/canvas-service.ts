// labs.saveCanvas: the window's layout and notes into the lab document's `canvas` section. A running lab holds its
// document in memory (and autosaves it), so the section goes there and is written at once; a lab that is not
// running has its stored document changed, unless another window runs it; one still starting gets it once it runs.
// Fields the call does not carry stay as they were.
import type { Handlers } from '../common/api/contract.ts';
import type { LabCanvas } from '../common/api/canvas-contract.ts';
import type { Library } from '../store/library.ts';
import type { LiveLabs } from './live-service.ts';

type CanvasHandlers = Pick<Handlers, 'labs.saveCanvas'>;

export function mergeCanvas(old: Record<string, unknown>, update: LabCanvas): Record<string, unknown> {
  return { ...old, ...update };
}

export function canvasHandlers(library: Library, live: LiveLabs): CanvasHandlers {
  return {
    'labs.saveCanvas': async ({ labId, canvas }) => {
      // A lab still starting holds the document it read before its replay, and saves that one once it runs: the
      // section waits for the runtime (or, should the start fail, goes to the stored document).
      await live.starting(labId)?.catch(() => undefined);
      if (live.isRunning(labId)) {
        const rt = live.running(labId);
        rt.setCanvas(mergeCanvas(rt.canvas, canvas));
        live.save(labId);
        return null;
      }
      const doc = library.getLab(labId).document; // not-found when there is no such lab
      live.assertWritable(labId); // conflict when another window runs it (its autosave would undo this)
      library.updateDocument(labId, { ...doc, canvas: mergeCanvas(doc.canvas, canvas) });
      return null;
    },
  };
}
