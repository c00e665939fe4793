// Reading a parsed compose file field by field: each reader names the field's path when the value is not what the
// compose spec allows, so a refusal says where (`FILE: services.web.deploy.replicas: …`).
import { FlotillaError } from '../common/api/errors.ts';

/** A parsed YAML value (as docker/swarm/compose.ts's parseYaml returns it). */
export type ComposeValue = string | number | boolean | null | ComposeValue[] | { [k: string]: ComposeValue };
export type Obj = { [k: string]: ComposeValue };

export const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
export const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
export const IPV4_SUBNET = /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/;

export function fail(where: string, field: string, message: string): never {
  throw new FlotillaError('invalid-argument', `${where}: ${field}: ${message}`, field);
}

export function kind(v: ComposeValue | undefined): string {
  if (v === null || v === undefined) return 'null';
  return Array.isArray(v) ? 'list' : typeof v === 'object' ? 'mapping' : typeof v;
}

/** Refuses keys outside `allowed` (and outside `x-` extensions when `extensions`). */
export function onlyKeys(m: Obj, allowed: readonly string[], where: string, f: string, extensions = false): void {
  for (const k of Object.keys(m)) {
    if (allowed.includes(k) || (extensions && k.startsWith('x-'))) continue;
    fail(where, f === '' ? k : `${f}.${k}`, `not supported by Flotilla's compose import (it reads ${allowed.join(', ')})`);
  }
}

export function mapping(v: ComposeValue, where: string, f: string, required = false): Obj {
  if (v === null && !required) return {};
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(where, f, `must be a mapping, got ${kind(v)}`);
  return v;
}

export function list(v: ComposeValue, where: string, f: string): ComposeValue[] {
  if (!Array.isArray(v)) fail(where, f, `must be a list, got ${kind(v)}`);
  return v;
}

export function str(v: ComposeValue | undefined, where: string, f: string): string {
  if (typeof v !== 'string' || v === '') fail(where, f, `must be a non-empty string, got ${v === '' ? 'an empty string' : kind(v)}`);
  return v;
}

export function scalarText(v: ComposeValue | undefined, where: string, f: string): string {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  fail(where, f, `must be a string or a number, got ${kind(v)}`);
}

export function bool(v: ComposeValue | undefined, where: string, f: string): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') fail(where, f, `must be true or false, got ${kind(v)}`);
  return v;
}

/** A whole number in [min, max] (a numeric string too, as YAML authors quote them). */
export function whole(v: ComposeValue | undefined, where: string, f: string, min: number, max: number): number {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) fail(where, f, `must be a whole number from ${min} to ${max}, got ${JSON.stringify(v ?? null)}`);
  return n;
}

export function portNumber(v: ComposeValue, where: string, f: string): number {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535) fail(where, f, `must be a port number 1-65535, got ${JSON.stringify(v)}`);
  return n;
}

/** KEY=VALUE from a list (["A=1"]) or a mapping ({A: 1}). */
export function keyValues(v: ComposeValue, where: string, f: string): string[] {
  if (Array.isArray(v)) return v.map((x, i) => scalarText(x, where, `${f}[${i}]`));
  const m = mapping(v, where, f);
  return Object.entries(m).map(([k, x]) => (x === null ? k : `${k}=${scalarText(x, where, `${f}.${k}`)}`));
}

/** The names of a `depends_on` (a list, or a mapping of name → condition). */
export function dependsOn(v: ComposeValue | undefined, where: string, f: string): string[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.map((x, i) => str(x, where, `${f}[${i}]`));
  return Object.keys(mapping(v, where, f));
}
