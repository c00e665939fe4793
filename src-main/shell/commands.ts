// The registry of commands every shell starts from: the builtins and the text tools. Hosts and images add
// their own (docker, ip, ping, ...) on top.
import { BUILTINS } from './builtins.ts';
import type { CommandImpl } from './interpreter.ts';
import { TOOLS } from './tools/index.ts';

export function standardCommands(extra: Record<string, CommandImpl> = {}): Map<string, CommandImpl> {
  return new Map(Object.entries({ ...TOOLS, ...BUILTINS, ...extra }));
}
