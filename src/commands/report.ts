/**
 * `mpitorrent report STATS.json -o report.html`: a run's `--stats` file as one self-contained
 * HTML page of charts. Plain node, no MPI. Loaded only by this subcommand (the charting
 * libraries stay out of the swarm's start-up).
 */
import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { parseArgs } from 'node:util';

import { unwritableFolderReason } from '../io/folder.js';
import { describeFsError } from '../io/fs-reason.js';
import { removeStaleTemporaries, writeWhole } from '../io/write-whole.js';

export const REPORT_USAGE = `Usage: node dist/main.js report STATS.json -o REPORT.html

Makes one self-contained HTML page (no network needed to view it; printable) from the
statistics a run wrote with --stats FILE: the headline numbers, who sent what to whom, when
each peer completed each file, uploads per peer, bad data and blame, and for stage runs the
bytes over time per node.

Options:
  -o, --output FILE   where the page goes (required; written whole or not at all)
  -h, --help          print this help

Exit status: 0 written; 1 failure; 2 bad command line; 3 bad stats file.`;

const SPEC = {
  output: { type: 'string', short: 'o' },
  help: { type: 'boolean', short: 'h' },
} as const;

const say = (line: string): void => void process.stderr.write(`mpitorrent report: ${line}\n`);

function usageError(message: string): number {
  say(`${message} (see --help)`);
  return 2;
}

/** Runs `report` with its arguments (after the word `report`); resolves to the exit status. */
export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: SPEC, allowPositionals: true, strict: true });
  } catch (error) {
    return usageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(REPORT_USAGE + '\n');
    return 0;
  }
  if (positionals.length !== 1) {
    return usageError(
      positionals.length === 0 ? 'needs one stats file' : `takes one stats file, not ${positionals.length}`,
    );
  }
  const output = values.output;
  if (output === undefined || output === '') return usageError('needs -o/--output FILE');
  const folderProblem = unwritableFolderReason(dirname(output));
  if (folderProblem !== undefined) return usageError(`--output ${output}: ${folderProblem}`);
  const [path] = positionals as [string];

  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    say(`${path}: ${describeFsError(error)}`);
    return 3;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    say(`${path}: not JSON (${(error as Error).message})`);
    return 3;
  }
  // The charting libraries load only once the input is known to be good.
  const { readStats, StatsFormatError } = await import('../report/stats-format.js');
  let stats;
  try {
    stats = readStats(json);
  } catch (error) {
    if (!(error instanceof StatsFormatError)) throw error;
    say(`${path}: ${error.message}`);
    return 3;
  }
  const { reportPage } = await import('../report/page.js');
  const html = await reportPage(stats, path);
  const dir = dirname(output);
  removeStaleTemporaries(dir, 'report');
  try {
    writeWhole(dir, basename(output), 'report', html);
  } catch (error) {
    say(`${output}: cannot write: ${describeFsError(error)}`);
    return 1;
  }
  return 0;
}
