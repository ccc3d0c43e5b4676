import test from 'ava';

import { DEFAULT_BACKOFF } from '../../src/mpi/backoff.js';
import { parseCommand, USAGE, type Options } from '../../src/commands/course-options.js';
import { DEFAULT_DOWNLOAD_OPTIONS } from '../../src/peer/download.js';
import { UsageError } from '../../src/errors/usage-error.js';

function options(argv: string[]): Options {
  const command = parseCommand(argv, { randomSeed: () => 1234 });
  if (command.kind !== 'run') throw new Error(`expected a run, got ${command.kind}`);
  return command.options;
}

function usageError(argv: string[]): string {
  try {
    parseCommand(argv);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error(`${argv.join(' ')} was accepted`);
}

test('the default spins are the ones given for this node; --spins overrides them', (t) => {
  const spins = (argv: string[], nodeSpins: number): number => {
    const command = parseCommand(argv, { randomSeed: () => 1, spins: nodeSpins });
    if (command.kind !== 'run') throw new Error(`expected a run, got ${command.kind}`);
    return command.options.backoff.spins;
  };
  t.is(spins([], 0), 0);
  t.is(spins([], 77), 77);
  t.is(spins(['--spins', '5'], 0), 5);
});

test('defaults: current folder, random seed, the documented tuning, no faults', (t) => {
  const o = options([]);
  t.is(o.inputDir, '.');
  t.is(o.outputDir, '.');
  t.is(o.statsFile, undefined);
  t.is(o.traceFile, undefined, 'no trace unless asked');
  t.is(o.seed, 1234);
  t.false(o.quiet);
  t.deepEqual(o.download, DEFAULT_DOWNLOAD_OPTIONS);
  t.deepEqual(o.backoff, DEFAULT_BACKOFF);
  t.is(
    o.faults.corrupt.size + o.faults.slow.size + o.faults.kill.size + o.faults.crash.size + o.faults.malformed.size,
    0,
  );
});

test('every option is taken', (t) => {
  const o = options([
    '--input-dir',
    'in',
    '--output-dir',
    'out',
    '--stats',
    's.json',
    '--trace',
    't.json',
    '--seed',
    '7',
    '--quiet',
    '--window',
    '64',
    '--batch',
    '16',
    '--report-every',
    '5',
    '--request-timeout',
    '300',
    '--strike-limit',
    '2',
    '--stall-timeout',
    '900',
    '--sleep-cap',
    '250',
    '--spins',
    '0',
  ]);
  t.like(o, { inputDir: 'in', outputDir: 'out', statsFile: 's.json', traceFile: 't.json', seed: 7, quiet: true });
  t.deepEqual(o.download, {
    window: 64,
    batch: 16,
    reportEvery: 5,
    requestTimeoutMs: 300,
    strikeLimit: 2,
    stallTimeoutMs: 900,
  });
  t.like(o.backoff, { sleepCapUs: 250, spins: 0 });
});

test('fault options: ranks with values, repeated, probability defaulting to 1', (t) => {
  const o = options([
    '--fault-corrupt',
    '2',
    '--fault-corrupt',
    '3:0.25',
    '--fault-slow',
    '4:1500',
    '--fault-kill',
    '5:10',
    '--fault-crash',
    '6:3',
    '--fault-malformed',
    '7',
    '--fault-malformed',
    '8',
  ]);
  t.deepEqual(
    [...o.faults.corrupt],
    [
      [2, 1],
      [3, 0.25],
    ],
  );
  t.deepEqual([...o.faults.slow], [[4, 1500]]);
  t.deepEqual([...o.faults.kill], [[5, 10]]);
  t.deepEqual([...o.faults.crash], [[6, 3]]);
  t.deepEqual([...o.faults.malformed], [7, 8]);
});

test('bad values say which option and what it takes', (t) => {
  t.is(usageError(['--window', '0']), '--window takes a whole number from 1 to 2147483647, not "0"');
  t.is(usageError(['--seed=-1']), '--seed takes a whole number from 0 to 2147483647, not "-1"');
  t.false(usageError(['--seed', '-1']).includes('\n'), "one line, even for Node's own messages");
  t.is(usageError(['--input-dir', '']), '--input-dir needs a folder');
  t.is(
    usageError(['--fault-corrupt', '2:1.5']),
    '--fault-corrupt takes R[:P] (R a peer\'s rank, P from 0 to 1), not "2:1.5"',
  );
  t.is(usageError(['--fault-corrupt', '0']), '--fault-corrupt takes R[:P] (R a peer\'s rank, P from 0 to 1), not "0"');
  t.is(usageError(['--fault-slow', '2']), '--fault-slow takes R:MS (R a peer\'s rank), not "2"');
  t.is(usageError(['--fault-kill', '2:x']), '--fault-kill takes R:K (R a peer\'s rank), not "2:x"');
  t.is(usageError(['--fault-malformed', '3:1']), '--fault-malformed takes R (a peer\'s rank), not "3:1"');
  t.regex(usageError(['--frobnicate']), /^Unknown option '--frobnicate' \(see --help\)$/);
  t.regex(usageError(['stray']), /'stray'.*\(see --help\)$/);
});

test('--help and --version win over everything else', (t) => {
  t.deepEqual(parseCommand(['--window', '9', '--help']), { kind: 'help' });
  t.deepEqual(parseCommand(['-h']), { kind: 'help' });
  t.deepEqual(parseCommand(['--version']), { kind: 'version' });
});

test('the usage lists every option the parser takes', (t) => {
  for (const option of [
    '--input-dir',
    '--output-dir',
    '--stats',
    '--seed',
    '--quiet',
    '--help',
    '--version',
    '--window',
    '--batch',
    '--report-every',
    '--request-timeout',
    '--strike-limit',
    '--stall-timeout',
    '--sleep-cap',
    '--spins',
    '--fault-corrupt',
    '--fault-slow',
    '--fault-kill',
    '--fault-crash',
    '--fault-malformed',
  ]) {
    t.true(USAGE.includes(`  ${option}`), option);
  }
});
