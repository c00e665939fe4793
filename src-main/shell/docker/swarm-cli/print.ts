// Printing shared by the swarm subcommands: inspect output, Go values and the CLI's short forms.

import { GoStruct, type GoValue } from '../../../docker/format/govalue.ts';
import { formatInspectJson, formatInspectTemplate } from '../../../docker/format/network.ts';
import type { PortConfig } from '../../../docker/swarm/types.ts';
import { type S, fail } from './context.ts';

/** `inspect` output: the --format template over every value, or the JSON array. */
export function printInspect(x: S, format: string | undefined, values: GoStruct[]): number {
  try {
    x.ctx.stdout(format ? formatInspectTemplate(format, values) : formatInspectJson(values));
  } catch (e) {
    return fail(x, e);
  }
  return 0;
}

export const title = (t: string): string => (t === '' ? '' : t[0]!.toUpperCase() + t.slice(1));

export function imageShown(image: string): string {
  const last = image.slice(image.lastIndexOf('/') + 1);
  return last.includes(':') || last.includes('@') ? image : `${image}:latest`;
}

export function toGo(v: unknown, typeName = 'swarm.Object'): GoValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map((e) => toGo(e));
  if (v instanceof GoStruct) return v;
  const fields: Record<string, GoValue> = {};
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) fields[k] = toGo(val);
  return new GoStruct(typeName, fields);
}

export function portsText(ports: readonly PortConfig[]): string {
  return ports.map((p) => `${p.mode === 'host' ? '' : '*'}:${p.published}->${p.target}/${p.protocol}`).join(', ');
}
