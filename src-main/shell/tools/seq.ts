// seq [-s SEP] [-w] [FIRST [INCREMENT]] LAST.
import type { CommandImpl } from '../interpreter.ts';

export const seq: CommandImpl = (ctx) => {
  const args = ctx.argv.slice(1);
  let sep = '\n';
  let equalWidth = false;
  const nums: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (nums.length === 0 && a === '-s') {
      const v = args[++i];
      if (v === undefined) {
        ctx.stderr("seq: option requires an argument -- 's'\nTry 'seq --help' for more information.\n");
        return 1;
      }
      sep = v;
    } else if (nums.length === 0 && a.startsWith('-s') && !/^-?[\d.]/.test(a.slice(1))) sep = a.slice(2);
    else if (nums.length === 0 && a === '-w') equalWidth = true;
    else if (a === '--') continue;
    else nums.push(a);
  }
  if (nums.length === 0) {
    ctx.stderr("seq: missing operand\nTry 'seq --help' for more information.\n");
    return 1;
  }
  if (nums.length > 3) {
    ctx.stderr(`seq: extra operand '${nums[3]}'\nTry 'seq --help' for more information.\n`);
    return 1;
  }
  for (const n of nums) {
    if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(n)) {
      ctx.stderr(`seq: invalid floating point argument: '${n}'\nTry 'seq --help' for more information.\n`);
      return 1;
    }
  }
  const [first, inc, last] = nums.length === 1 ? ['1', '1', nums[0] as string] : nums.length === 2 ? [nums[0] as string, '1', nums[1] as string] : (nums as [string, string, string]);
  if (Number(inc) === 0) {
    ctx.stderr(`seq: invalid Zero increment value: '${inc}'\nTry 'seq --help' for more information.\n`);
    return 1;
  }
  const decimals = Math.max(...[first, inc].map((n) => (n.includes('.') ? n.length - n.indexOf('.') - 1 : 0)));
  const a = Number(first);
  const d = Number(inc);
  const b = Number(last);
  const out: string[] = [];
  for (let k = 0; ; k++) {
    const v = a + k * d;
    if (d > 0 ? v > b + 1e-9 : v < b - 1e-9) break;
    out.push(v.toFixed(decimals));
    if (out.length > 1_000_000) break;
  }
  if (equalWidth) {
    const w = Math.max(...out.map((s) => s.length));
    for (let i = 0; i < out.length; i++) {
      const s = out[i] as string;
      out[i] = s.startsWith('-') ? '-' + s.slice(1).padStart(w - 1, '0') : s.padStart(w, '0');
    }
  }
  if (out.length > 0) ctx.stdout(out.join(sep) + '\n');
  return 0;
};
