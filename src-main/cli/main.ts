// The flotilla command line. Every subcommand drives the same services as the window, in this process.
import { FlotillaError } from '../common/api/errors.ts';
import { createCore, VERSION } from '../services/core.ts';
import { parseArgs, portFlag, UsageError } from './args.ts';
import { labCommand, snapshotCommand } from './lab.ts';
import { serve } from './serve.ts';
import { start } from './start.ts';
import { runCommand, testCommand } from './transcripts.ts';

const HELP = `Flotilla ${VERSION}: a desktop lab for container networking.

usage: flotilla <command> [arguments]

  start                  open the app: Electron where installed, else the browser host in a Chromium window
  serve [--port N]       run the browser host on 127.0.0.1 (0 picks a free port) and print its URL with the token
  test FILE...           replay transcripts in fresh labs, headless; fail with a diff where output differs
  run FILE [--save-captures DIR]
                         replay a transcript and print the session without checking; with
                         --save-captures, write every pcap a tcpdump -w wrote into DIR
  lab list               the labs in the library
  lab new NAME           create a lab
  lab rename LAB NAME    rename a lab (LAB: its name or id)
  lab rm LAB...          delete labs and their snapshots
  lab export LAB FILE [--capture ID,...]
                         write the lab, its snapshots and chosen captures into one .flotilla file
  lab export LAB --yaml FILE
                         write the lab as plain-text lab.yaml (seed, nodes, journal), for git
  lab export LAB --compose FILE [--node NODE]
                         write one node's networks and containers (default: the first node) as a compose file
  lab export LAB --stack FILE
                         write the swarm's services and their overlay networks as a stack file
  lab import FILE, lab open FILE
                         add the lab in a .flotilla file or a lab.yaml to the library
  lab open https://HOST/PATH
                         the same from an https URL (at most 64 MiB, 30 s)
  lab import COMPOSE.yml [--name NAME] [--node NODE]
                         a compose file as a new lab: a node (node1) and the docker commands that build it
  lab import COMPOSE.yml --stack NAME [--nodes N] [--name NAME]
                         a compose file deployed as stack NAME on a swarm of N nodes (default 1)
  snapshot save LAB [NAME]
                         snapshot the lab as it is now (running state included)
  snapshot list LAB      its snapshots, newest first
  snapshot restore LAB SNAPSHOT
                         return the lab to a snapshot (a running lab restarts from it)
  snapshot restore LAB SNAPSHOT --node NODE [--container CONTAINER]
                         return one node (or one container of it) to the snapshot, the rest as it is
  snapshot diff LAB A B  what changed from snapshot A to snapshot B
  help, --help           this text
  version, --version     the version

The library lives in FLOTILLA_HOME when set, else in the platform's user-data folder.`;

const out = (line: string) => process.stdout.write(line + '\n');

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      out(HELP);
      return command === undefined ? 2 : 0;
    case 'version':
    case '--version':
      out(VERSION);
      return 0;
    case 'serve': {
      const { flags, positionals } = parseArgs(rest, ['port'], []);
      if (positionals.length) throw new UsageError(`serve takes no arguments, got ${positionals.join(' ')}`);
      await serve(portFlag(flags.get('port'), 0), out);
      return -1; // keeps running
    }
    case 'start':
      await start(out);
      return -1;
    case 'test':
      return testCommand(rest, out);
    case 'run':
      return runCommand(rest, out);
    case 'lab':
    case 'snapshot': {
      const core = createCore({ shell: 'cli' });
      try {
        await (command === 'lab' ? labCommand : snapshotCommand)(core.api, rest, out);
      } finally {
        core.close();
      }
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${command}" (see flotilla --help)`);
  }
}

try {
  const code = await main(process.argv.slice(2));
  if (code >= 0) process.exitCode = code;
} catch (err) {
  if (err instanceof UsageError) {
    process.stderr.write(`flotilla: ${err.message}\n`);
    process.exitCode = 2;
  } else if (err instanceof FlotillaError) {
    process.stderr.write(`flotilla: ${err.message}\n`);
    process.exitCode = 1;
  } else {
    process.stderr.write(`flotilla: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  }
}
