// Lines that Flotilla types into a console for the user to see (compose import, stack deploy, partial restore)
// carry names and values from outside: quoted only where sh needs it, so the lines stay as a person would type them.

/** Characters sh takes literally in a word. */
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** `s` as one sh word: as it is when every character is literal, else single-quoted. */
export function shellQuote(s: string): string {
  return SAFE_WORD.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
