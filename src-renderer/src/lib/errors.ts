// Turns what a contract call threw into one sentence for the person at the window.

import { FlotillaError } from '../../../src-main/common/api/index.ts';

export function describeError(err: unknown): string {
  if (err instanceof FlotillaError) {
    let text = err.message;
    if (err.field && text.startsWith(`${err.field}: `)) {
      const rest = text.slice(err.field.length + 2);
      const label = err.field === 'name' ? 'The name' : err.field;
      text = `${label} ${rest}`;
    }
    return sentence(text);
  }
  return sentence(err instanceof Error ? err.message : String(err));
}

function sentence(text: string): string {
  const t = text.trim();
  if (t === '') return 'Something went wrong.';
  const first = t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}
