/** The command line of `mpirun -np N node dist/main.js [options]`. Pure: no MPI, no I/O. */
import { parseArgs } from 'node:util';

import { DEFAULT_BACKOFF, type BackoffOptions } from './mpi/backoff.js';
import { DEFAULT_DOWNLOAD_OPTIONS, type DownloadOptions } from './peer/download.js';
import { UsageError } from './usage-error.js';

export interface Options {
  inputDir: string;
  outputDir: string;
  statsFile: string | undefined;
  seed: number;
  quiet: boolean;
  download: DownloadOptions;
  /** How idle threads wait for messages. */
  backoff: BackoffOptions;
}

export type Command = { kind: 'help' } | { kind: 'version' } | { kind: 'run'; options: Options };

export const USAGE = `Usage: mpirun -np N node dist/main.js [options]

BitTorrent-style file sharing as an MPI job. Rank 0 is the tracker; ranks 1..N-1 are peers.
Peer R reads in<R>.txt and writes client<R>_<file> for every file it wants.

Options:
  --input-dir DIR        where in<R>.txt are (default: the current folder)
  --output-dir DIR       where client<R>_<file> go (default: the current folder)
  --stats FILE           write statistics as JSON to FILE (written by rank 0)
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

Exit status: 0 done; 1 failure (a rank failed; see its message); 2 bad command line;
3 bad input file; 4 a segment no holder could send intact.`;

const SPEC = {
  'input-dir': { type: 'string' },
  'output-dir': { type: 'string' },
  'stats': { type: 'string' },
  'seed': { type: 'string' },
  'quiet': { type: 'boolean' },
  'help': { type: 'boolean', short: 'h' },
  'version': { type: 'boolean' },
  'window': { type: 'string' },
  'batch': { type: 'string' },
  'report-every': { type: 'string' },
  'request-timeout': { type: 'string' },
  'strike-limit': { type: 'string' },
  'stall-timeout': { type: 'string' },
  'sleep-cap': { type: 'string' },
} as const;

function integer(name: string, text: string | undefined, fallback: number, min: number, max = 2 ** 31 - 1): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`--${name} takes a whole number from ${min} to ${max}, not "${text}"`);
  }
  return Number(text);
}

function folder(name: string, text: string | undefined): string {
  if (text === '') throw new UsageError(`--${name} needs a folder`);
  return text ?? '.';
}

export function parseCommand(argv: readonly string[], randomSeed: () => number = () => Date.now() % 2 ** 31): Command {
  let values: Partial<Record<keyof typeof SPEC, string | boolean>>;
  try {
    ({ values } = parseArgs({ args: [...argv], options: SPEC, strict: true, allowPositionals: false }));
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/\. To specify a positional argument.*$/s, '') : String(error);
    throw new UsageError(`${reason} (see --help)`);
  }
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  const text = (name: keyof typeof SPEC): string | undefined => values[name] as string | undefined;
  const d = DEFAULT_DOWNLOAD_OPTIONS;
  return {
    kind: 'run',
    options: {
      inputDir: folder('input-dir', text('input-dir')),
      outputDir: folder('output-dir', text('output-dir')),
      statsFile: text('stats'),
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
      backoff: { ...DEFAULT_BACKOFF, sleepCapUs: integer('sleep-cap', text('sleep-cap'), DEFAULT_BACKOFF.sleepCapUs, 10) },
    },
  };
}
