// Words of the docker command lines the canvas runs, quoted as the console's shell reads them back.

/** A word as the console's shell reads it back: plain when safe, else single-quoted. */
export function shellWord(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
