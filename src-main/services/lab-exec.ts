// lab.exec: one line run at a target of a running lab in a console of its own — opened, run, closed — so it is
// journaled (and replayed) exactly like a line typed at a console. The canvas's gestures go through here: each is
// the docker command it stands for.
import type { ConsoleTarget, LabExecResult } from '../common/api/types.ts';
import type { LabRuntime } from './lab-runtime.ts';

/** Status of a line that did not end by itself (interrupted, its console closed under it). */
const INTERRUPTED = 130;

export async function execLine(rt: LabRuntime, target: ConsoleTarget, line: string): Promise<LabExecResult> {
  let output = '';
  let stderr = '';
  const info = rt.openConsole(target, (o) => {
    output += o.data;
    if (o.stream === 'stderr') stderr += o.data;
  });
  try {
    const session = rt.console(info.consoleId);
    if (!session) return { exit: INTERRUPTED, output, stderr };
    const result = await session.run(line);
    return { exit: result.exit ?? INTERRUPTED, output, stderr };
  } finally {
    rt.closeConsole(info.consoleId);
    rt.requestState();
  }
}
