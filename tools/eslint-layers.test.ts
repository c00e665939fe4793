// The layer rule fails the lint for imports against the arrows of ARCHITECTURE.md, and lets the rest through.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { ESLint } from 'eslint';

const ROOT = path.resolve(import.meta.dirname, '..');
const eslint = new ESLint({ cwd: ROOT });

async function layerErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return result!.messages.filter((m) => m.ruleId === 'flotilla/layers').map((m) => m.message);
}

test('an import against the arrows is an error', async () => {
  const cases: [string, string][] = [
    ['src-main/sim/x.ts', "import { Library } from '../store/library.ts';\nexport const y = Library;\n"],
    ['src-main/common/x.ts', "import { Scheduler } from '../sim/scheduler.ts';\nexport const y = Scheduler;\n"],
    ['src-main/net/x.ts', "export * from '../docker/anything.ts';\n"],
    ['src-main/store/x.ts', "import { dispatch } from '../services/dispatch.ts';\nexport const y = dispatch;\n"],
    ['src-renderer/src/x.ts', "import { createCore } from '../../src-main/services/core.ts';\nexport const y = createCore;\n"],
    ['src-main/host/x.ts', "import { Library } from '../store/library.ts';\nexport const y = Library;\n"],
  ];
  for (const [file, code] of cases) {
    const errors = await layerErrors(file, code);
    assert.equal(errors.length, 1, `${file}: ${code}`);
    assert.match(errors[0]!, /imports flow downward only/);
  }
});

test('downward imports, same-layer imports and type-only imports pass', async () => {
  const cases: [string, string][] = [
    ['src-main/net/x.ts', "import { Scheduler } from '../sim/scheduler.ts';\nexport const y = Scheduler;\n"],
    ['src-main/services/x.ts', "import { Library } from '../store/library.ts';\nexport const y = Library;\n"],
    ['src-main/sim/x.ts', "import { Scheduler } from './scheduler.ts';\nexport const y = Scheduler;\n"],
    ['src-main/common/x.ts', "import type { Library } from '../store/library.ts';\nexport type Y = Library;\n"],
    ['src-renderer/src/x.ts', "import { createClient } from '../../src-main/common/api/client.ts';\nexport const y = createClient;\n"],
  ];
  for (const [file, code] of cases) assert.deepEqual(await layerErrors(file, code), [], `${file}: ${code}`);
});

test('a folder of src-main missing from the table is reported', async () => {
  const [result] = await eslint.lintText('export const x = 1;\n', { filePath: path.join(ROOT, 'src-main/gadgets/x.ts') });
  assert.ok(result!.messages.some((m) => m.ruleId === 'flotilla/layers' && /not a layer/.test(m.message)));
});
