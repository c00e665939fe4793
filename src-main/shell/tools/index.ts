// The text and file tools every console has (busybox in images, coreutils on hosts; the wording is GNU's).
import type { CommandImpl } from '../interpreter.ts';
import { cat } from './cat.ts';
import { cut } from './cut.ts';
import { mkdir, rm, touch } from './files.ts';
import { grep } from './grep.ts';
import { head, tail } from './head-tail.ts';
import { seq } from './seq.ts';
import { sort, uniq } from './sort-uniq.ts';
import { env, hostname } from './system.ts';
import { tee } from './tee.ts';
import { tr } from './tr.ts';
import { wc } from './wc.ts';

export const TOOLS: Readonly<Record<string, CommandImpl>> = { cat, cut, grep, head, tail, sort, uniq, wc, tr, tee, seq, hostname, env, mkdir, touch, rm };
