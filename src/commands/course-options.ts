/** The command line of `mpirun -np N node dist/main.js [options]`. Pure: no MPI, no I/O. */
import { parseArgs } from 'node:util';

import { DEFAULT_BACKOFF, type BackoffOptions } from '../mpi/backoff.js';
import { DEFAULT_DOWNLOAD_OPTIONS, type DownloadOptions } from '../peer/download.js';
import type { Faults } from '../peer/faults.js';
import { UsageError } from '../errors/usage-error.js';
import { subcommandsUsage } from './registry.js';

export interface Options {
  inputDir: string;
  outputDir: string;
  statsFile: string | undefined;
  /** --trace: the job's events as a Chrome trace (written by rank 0). */
  traceFile: string | undefined;
  seed: number;
  quiet: boolean;
  download: DownloadOptions;
  /** How idle threads wait for messages. */
  backoff: BackoffOptions;
  faults: Faults;
}

export type Command = { kind: 'help' } | { kind: 'version' } | { kind: 'run'; options: Options };

export const USAGE = `Usage: mpirun -np N node dist/main.js [options]

BitTorrent-style file sharing as an MPI job. Rank 0 is the tracker; ranks 1..N-1 are peers.
Peer R reads in<R>.txt and writes client<R>_<file> for every file it wants.

Options:
  --input-dir DIR        where in<R>.txt are (default: the current folder)
  --output-dir DIR       where client<R>_<file> go (default: the current folder)
  --stats FILE           write statistics as JSON to FILE (written by rank 0)
  --trace FILE           write every rank's and thread's events to FILE (Chrome trace JSON,
                         for ui.perfetto.dev or chrome://tracing; written by rank 0)
  --seed N               seed of the random choices, for reproducible runs (default: random)
  --quiet                print no summary at the end
  --help                 print this help
  --version              print the version

Tuning:
  --window N             segments a peer asks for at once (default ${DEFAULT_DOWNLOAD_OPTIONS.window})
  --batch N              segments per request message (default ${DEFAULT_DOWNLOAD_OPTIONS.batch})
  --report-every N       report to the tracker every N new segments (default ${DEFAULT_DOWNLOAD_OPTIONS.reportEvery})
  --request-timeout MS   ask another holder after MS without an answer (default ${DEFAULT_DOWNLOAD_OPTIONS.requestTimeoutMs})
  --strike-limit N       bad segments before a holder is avoided (default ${DEFAULT_DOWNLOAD_OPTIONS.strikeLimit})
  --stall-timeout MS     give up when a segment has no usable holder this long (default ${DEFAULT_DOWNLOAD_OPTIONS.stallTimeoutMs})
  --sleep-cap US         longest sleep of an idle thread between polls, in microseconds
                         (default ${DEFAULT_BACKOFF.sleepCapUs}: lower wakes sooner, higher saves CPU)
  --spins N              empty polls of an idle thread before it starts sleeping (default
                         ${DEFAULT_BACKOFF.spins} when each polling thread has a core, else 0)

Fault injection (tests and demos; R is a peer's rank, options may repeat):
  --fault-corrupt R[:P]  rank R's upload worker corrupts each segment it sends (with probability P)
  --fault-slow R:MS      rank R's upload worker answers each request after MS milliseconds
  --fault-kill R:K       rank R's process is killed after its upload worker served K segments
  --fault-crash R:K      rank R's upload worker throws after serving K segments
  --fault-malformed R    rank R sends malformed messages to the tracker and to every peer

Exit status: 0 done; 1 failure (a rank failed; see its message); 2 bad command line;
3 bad input file; 4 a segment no holder could send intact.

Other commands (each has --help):
${subcommandsUsage()}`;

const SPEC = {
  'input-dir': { type: 'string' },
  'output-dir': { type: 'string' },
  stats: { type: 'string' },
  trace: { type: 'string' },
  seed: { type: 'string' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
  window: { type: 'string' },
  batch: { type: 'string' },
  'report-every': { type: 'string' },
  'request-timeout': { type: 'string' },
  'strike-limit': { type: 'string' },
  'stall-timeout': { type: 'string' },
  'sleep-cap': { type: 'string' },
  spins: { type: 'string' },
  'fault-corrupt': { type: 'string', multiple: true },
  'fault-slow': { type: 'string', multiple: true },
  'fault-kill': { type: 'string', multiple: true },
  'fault-crash': { type: 'string', multiple: true },
  'fault-malformed': { type: 'string', multiple: true },
} as const;

function integer(name: string, text: string | undefined, fallback: number, min: number, max = 2 ** 31 - 1): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`--${name} takes a whole number from ${min} to ${max}, not "${text}"`);
  }
  return Number(text);
}

/** How an R[:VALUE] option reads its value: required, optional (with a default), or none. */
type ValueRule =
  | { kind: 'required'; parse: (text: string) => number | undefined; shape: string }
  | { kind: 'optional'; parse: (text: string) => number | undefined; fallback: number; shape: string }
  | { kind: 'none' };

/** "R:VALUE" options (repeatable) to a rank → value map. */
function rankValues(name: string, texts: string[] | undefined, rule: ValueRule): Map<number, number> {
  const values = new Map<number, number>();
  for (const text of texts ?? []) {
    const [rankText, valueText, ...rest] = text.split(':');
    const rank = /^\d+$/.test(rankText!) ? Number(rankText) : 0;
    let value: number | undefined;
    if (valueText === undefined)
      value = rule.kind === 'optional' ? rule.fallback : rule.kind === 'none' ? 0 : undefined;
    else value = rule.kind === 'none' ? undefined : rule.parse(valueText);
    if (rank < 1 || value === undefined || rest.length > 0) {
      const shape = rule.kind === 'none' ? "R (a peer's rank)" : rule.shape;
      throw new UsageError(`--${name} takes ${shape}, not "${text}"`);
    }
    values.set(rank, value);
  }
  return values;
}

const wholeNumber = (text: string): number | undefined => (/^\d+$/.test(text) ? Number(text) : undefined);
const probability = (text: string): number | undefined => {
  const value = Number(text);
  return text.trim() !== '' && value >= 0 && value <= 1 ? value : undefined;
};

function folder(name: string, text: string | undefined): string {
  if (text === '') throw new UsageError(`--${name} needs a folder`);
  return text ?? '.';
}

/** What the defaults depend on besides the command line; the tests give their own. */
export interface Defaults {
  randomSeed(): number;
  /** Empty polls before sleeping, for this node (see spinsFor). */
  spins: number;
}

const FIXED_DEFAULTS: Defaults = { randomSeed: () => Date.now() % 2 ** 31, spins: DEFAULT_BACKOFF.spins };

export function parseCommand(argv: readonly string[], defaults: Partial<Defaults> = {}): Command {
  const { randomSeed, spins } = { ...FIXED_DEFAULTS, ...defaults };
  let values: Partial<Record<keyof typeof SPEC, string | boolean | string[]>>;
  try {
    ({ values } = parseArgs({ args: [...argv], options: SPEC, strict: true, allowPositionals: false }));
  } catch (error) {
    // Node's messages may span lines; a bad command line gets one.
    const reason =
      error instanceof Error
        ? error.message.replace(/\. To specify a positional argument.*$/s, '').replace(/\s*\n\s*/g, ' ')
        : String(error);
    throw new UsageError(`${reason} (see --help)`);
  }
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  const text = (name: keyof typeof SPEC): string | undefined => values[name] as string | undefined;
  const list = (name: keyof typeof SPEC): string[] | undefined => values[name] as string[] | undefined;
  const d = DEFAULT_DOWNLOAD_OPTIONS;
  return {
    kind: 'run',
    options: {
      inputDir: folder('input-dir', text('input-dir')),
      outputDir: folder('output-dir', text('output-dir')),
      statsFile: text('stats'),
      traceFile: text('trace'),
      seed: integer('seed', text('seed'), randomSeed(), 0),
      quiet: values.quiet === true,
      download: {
        window: integer('window', text('window'), d.window, 1),
        batch: integer('batch', text('batch'), d.batch, 1),
        reportEvery: integer('report-every', text('report-every'), d.reportEvery, 1),
        requestTimeoutMs: integer('request-timeout', text('request-timeout'), d.requestTimeoutMs, 1),
        strikeLimit: integer('strike-limit', text('strike-limit'), d.strikeLimit, 1),
        stallTimeoutMs: integer('stall-timeout', text('stall-timeout'), d.stallTimeoutMs, 1),
      },
      backoff: {
        ...DEFAULT_BACKOFF,
        spins: integer('spins', text('spins'), spins, 0),
        sleepCapUs: integer('sleep-cap', text('sleep-cap'), DEFAULT_BACKOFF.sleepCapUs, 10),
      },
      faults: {
        corrupt: rankValues('fault-corrupt', list('fault-corrupt'), {
          kind: 'optional',
          parse: probability,
          fallback: 1,
          shape: "R[:P] (R a peer's rank, P from 0 to 1)",
        }),
        slow: rankValues('fault-slow', list('fault-slow'), {
          kind: 'required',
          parse: wholeNumber,
          shape: "R:MS (R a peer's rank)",
        }),
        kill: rankValues('fault-kill', list('fault-kill'), {
          kind: 'required',
          parse: wholeNumber,
          shape: "R:K (R a peer's rank)",
        }),
        crash: rankValues('fault-crash', list('fault-crash'), {
          kind: 'required',
          parse: wholeNumber,
          shape: "R:K (R a peer's rank)",
        }),
        malformed: new Set(rankValues('fault-malformed', list('fault-malformed'), { kind: 'none' }).keys()),
      },
    },
  };
}
