// Go's text/tabwriter as the docker CLI uses it: NewWriter(out, minwidth 10, tabwidth 1, padding 3, ' ', 0).
// Cells end with '\t'; the last cell of a line is not part of any column. A column block is a run of consecutive
// lines that have a cell in that column; its width is the widest cell plus padding, at least minwidth.

export interface TabwriterOptions {
  readonly minWidth: number;
  readonly padding: number;
  readonly padChar: string;
}

export const DOCKER_TABWRITER: TabwriterOptions = { minWidth: 10, padding: 3, padChar: ' ' };

const width = (s: string): number => [...s].length;

export function tabwrite(text: string, o: TabwriterOptions = DOCKER_TABWRITER): string {
  const endsWithNl = text.endsWith('\n');
  const rawLines = (endsWithNl ? text.slice(0, -1) : text).split('\n');
  const lines = rawLines.map((l) => l.split('\t'));
  const widths: number[] = [];
  let out = '';
  const writeLines = (line0: number, line1: number): void => {
    for (let i = line0; i < line1; i++) {
      const line = lines[i]!;
      line.forEach((cell, j) => {
        if (j < widths.length && j < line.length - 1) out += cell + o.padChar.repeat(Math.max(0, widths[j]! - width(cell)));
        else out += cell;
      });
      if (i < lines.length - 1 || endsWithNl) out += '\n';
    }
  };
  const format = (line0: number, line1: number): void => {
    const column = widths.length;
    for (let t = line0; t < line1; t++) {
      if (column >= lines[t]!.length - 1) continue;
      writeLines(line0, t);
      line0 = t;
      let w = o.minWidth;
      for (; t < line1; t++) {
        const line = lines[t]!;
        if (column >= line.length - 1) break;
        w = Math.max(w, width(line[column]!) + o.padding);
      }
      widths.push(w);
      format(line0, t);
      widths.pop();
      line0 = t;
      t--;
    }
    writeLines(line0, line1);
  };
  format(0, lines.length);
  return out;
}
