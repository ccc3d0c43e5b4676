import test from 'ava';

import { parseBytes, parseStageCommand, type StageOptions } from '../../src/stage/options.js';
import { UsageError } from '../../src/errors/usage-error.js';

const run = (...argv: string[]): StageOptions => {
  const command = parseStageCommand(argv, { randomSeed: () => 7 });
  if (command.kind !== 'run') throw new Error('expected a run');
  return command.options;
};

test('SOURCE, DEST and the defaults', (t) => {
  const options = run('/data/set', '/tmp/d{rank}');
  t.is(options.source, '/data/set');
  t.is(options.dest, '/tmp/d{rank}');
  t.is(options.seeders, 1);
  t.is(options.pieceSize, undefined);
  t.is(options.memoryBytes, 64 * 1024 * 1024);
  t.is(options.windowBytes, 16 * 1024 * 1024, 'a quarter of --memory');
  t.is(options.batchBytes, 1024 * 1024);
  t.is(options.progress, undefined);
  t.is(options.swarm.seed, 7);
});

test('stage options and the swarm options shared with the course mode, in any order', (t) => {
  const options = run(
    '--seeders',
    '3',
    'S',
    '--piece-size=1M',
    'D',
    '--fault-corrupt',
    '2:0.5',
    '--stats',
    'x.json',
    '--trace',
    'trace.json',
    '--progress',
    'lines',
    '--window-bytes',
    '8M',
    '--quiet',
    '--request-timeout',
    '500',
  );
  t.is(options.seeders, 3);
  t.is(options.pieceSize, 1024 * 1024);
  t.is(options.windowBytes, 8 * 1024 * 1024);
  t.is(options.progress, 'lines');
  t.is(options.swarm.statsFile, 'x.json');
  t.is(options.swarm.traceFile, 'trace.json');
  t.true(options.swarm.quiet);
  t.is(options.swarm.download.requestTimeoutMs, 500);
  t.is(options.swarm.faults.corrupt.get(2), 0.5);
});

test('--memory bounds the window and what is left for answers being sent', (t) => {
  t.is(run('S', 'D', '--memory', '8M').windowBytes, 2 * 1024 * 1024, 'the window defaults to a quarter');
  const both = run('S', 'D', '--memory', '8M', '--window-bytes', '6M');
  t.is(both.memoryBytes, 8 * 1024 * 1024);
  t.is(both.windowBytes, 6 * 1024 * 1024);
  t.throws(() => run('S', 'D', '--memory', '8M', '--window-bytes', '8M'), {
    instanceOf: UsageError,
    message: /--window-bytes \(8388608\) must be less than --memory \(8388608\)/,
  });
  t.throws(() => run('S', 'D', '--memory', 'lots'), { instanceOf: UsageError, message: /--memory takes a size/ });
});

test('sizes take K, M and G suffixes', (t) => {
  t.is(parseBytes('x', '64K'), 65536);
  t.is(parseBytes('x', '2MiB'), 2 * 1024 * 1024);
  t.is(parseBytes('x', '1g'), 1024 ** 3);
  t.throws(() => parseBytes('x', '1.5M'), { instanceOf: UsageError });
});

test('bad command lines are usage errors, said in one line', (t) => {
  const bad: [string[], RegExp][] = [
    [['only-source'], /stage takes SOURCE and DEST/],
    [['a', 'b', 'c'], /stage takes SOURCE and DEST/],
    [['a', 'b', '--seeders', '0'], /--seeders takes a whole number of at least 1/],
    [['a', 'b', '--piece-size', '1000'], /--piece-size: piece size "1000" must be a power of two from 16K to 256M/],
    [['a', 'b', '--progress', 'fancy'], /--progress takes bar, lines or none/],
    [['a', 'b', '--torrent', 't', '--piece-size', '1M'], /--piece-size comes from the \.torrent/],
    [['a', 'b', '--input-dir', 'x'], /--input-dir is an option of the course mode/],
    [['a', 'b', '--no-such'], /no-such/],
  ];
  for (const [argv, message] of bad)
    t.throws(() => parseStageCommand(argv), { instanceOf: UsageError, message }, argv.join(' '));
});

test('--help wins', (t) => {
  t.deepEqual(parseStageCommand(['a', '--help']), { kind: 'help' });
});
