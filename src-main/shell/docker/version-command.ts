// `docker version`: the client's and the server's versions, laid out as the CLI of the node's engine version did.
// Three layouts in Docker's history (outputs of real engines, e.g. 1.12.6, 17.09.1-ce, 17.12.1-ce, 18.03.1-ce,
// 18.09.x, 19.03.x, 28.x):
//   up to 17.09   a fixed template: " Version:      X" (values start 15 characters into the line), the
//                 server's lines flat under "Server:"; from 1.13 its API version says "(minimum version 1.12)".
//   17.10 – 18.06 the server's lines under " Engine:" (values at 16); the client's from a tabwriter, at 16 up to
//                 18.02 and 15 from 18.03 (17.12 is the first seen in this layout; 17.10 and 17.11 are taken as it).
//   18.09 on      wider: " Version:           X" and "  Version:          X" (both at 20).
// The daemon's minimum API version (api/common.go MinVersion, later MinSupportedAPIVersion): none shown before
// 1.13, 1.12 up to 24.x, 1.24 from 25.0, 1.44 from 29.0.
// Build details (Go version, git commit, build time) are the real binary's and not known here: those lines are
// left out rather than made up.

import { atLeast, type EngineVersion } from '../../docker/version.ts';
import { GoStruct } from '../../docker/format/govalue.ts';
import type { Daemon } from '../../docker/daemon/daemon.ts';
import type { DockerNode } from '../../docker/world.ts';
import type { CommandContext } from '../interpreter.ts';
import { runFormatOnly } from './format-only.ts';

/** The daemon's minimum API version as `docker version` shows it (undefined: not shown, before 1.13). */
export function minApiVersionOf(v: EngineVersion): string | undefined {
  if (!atLeast(v, 1, 13)) return undefined;
  if (atLeast(v, 29)) return '1.44';
  if (atLeast(v, 25)) return '1.24';
  return '1.12';
}

/** What `docker version --format` templates see: .Client and .Server with the CLI's field names. */
export function versionValue(text: string, v: EngineVersion, apiVersion: string): GoStruct {
  const min = minApiVersionOf(v);
  const client: Record<string, string | boolean> = { Version: text, APIVersion: apiVersion, DefaultAPIVersion: apiVersion, Os: 'linux', Arch: 'amd64', Experimental: false };
  if (atLeast(v, 19, 3)) client.Context = 'default';
  const server: Record<string, string | boolean> = { Version: text, APIVersion: apiVersion, Os: 'linux', Arch: 'amd64', Experimental: false };
  if (min !== undefined) server.MinAPIVersion = min;
  return new GoStruct('versionInfo', { Client: new GoStruct('clientVersion', client), Server: new GoStruct('types.Version', server) });
}

/** `key` padded with spaces so that `value` starts `at` characters into the line. */
function line(indent: string, key: string, value: string, at: number): string {
  return `${indent}${key}`.padEnd(at) + value;
}

/** The text of `docker version` without a format. */
export function formatVersion(text: string, v: EngineVersion, apiVersion: string): string {
  const min = minApiVersionOf(v);
  const serverApi = min === undefined ? apiVersion : `${apiVersion} (minimum version ${min})`;
  const rows = (indent: string, at: number, api: string) => [line(indent, 'Version:', text, at), line(indent, 'API version:', api, at), line(indent, 'OS/Arch:', 'linux/amd64', at)];
  let client: string[];
  let server: string[];
  if (atLeast(v, 18, 9)) {
    client = rows(' ', 20, apiVersion);
    server = [' Engine:', ...rows('  ', 20, serverApi)];
  } else if (atLeast(v, 17, 10)) {
    client = rows(' ', atLeast(v, 18, 3) ? 15 : 16, apiVersion);
    server = [' Engine:', ...rows('  ', 16, serverApi)];
  } else {
    client = rows(' ', 15, apiVersion);
    server = rows(' ', 15, serverApi);
  }
  return `${['Client:', ...client, '', 'Server:', ...server].join('\n')}\n`;
}

/** `docker version [-f FORMAT]` on a node whose daemon runs. */
export function dockerVersion(ctx: CommandContext, node: DockerNode, daemon: Daemon, argv: readonly string[]): number {
  const v = daemon.behaviour.version;
  const api = daemon.behaviour.apiVersion;
  return runFormatOnly(ctx, argv, {
    name: 'version',
    description: 'Show the Docker version information',
    value: () => versionValue(node.engine, v, api),
    plain: () => formatVersion(node.engine, v, api),
  });
}
