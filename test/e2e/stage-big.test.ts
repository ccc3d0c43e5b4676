/**
 * `stage` of a 1 GiB file to 4 destinations (once, in the whole suite): byte-exact everywhere,
 * and each rank's memory stays far below the data's size.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { StageStats } from '../../src/stage/stats.js';
import { describeRun } from '../helpers/mpirun.js';
import { runExclusive } from '../helpers/scenario.js';
import { makeFileDataset } from '../helpers/stage-data.js';
import { tempDirs } from '../helpers/temp-dirs.js';

const freshDir = tempDirs('stage-big');
const GiB = 1024 ** 3;

test('a 1 GiB file reaches 4 ranks byte for byte, with under 300 MiB resident per rank', async (t) => {
  t.timeout(900_000);
  const dir = freshDir();
  // Written in 64 MiB random chunks: the test itself never holds the whole file either.
  for (let i = 0; i < 16; i++) makeFileDataset(join(dir, `part${i}`), GiB / 16);
  spawnSync('sh', ['-c', `cat ${dir}/part* > ${dir}/big.bin && rm ${dir}/part*`]);
  const result = await runExclusive(
    4,
    [
      'node',
      'dist/main.js',
      'stage',
      join(dir, 'big.bin'),
      join(dir, 'd{rank}/big.bin'),
      '--progress',
      'none',
      '--stats',
      join(dir, 'stats.json'),
    ],
    { timeoutMs: 880_000 },
  );
  t.is(result.code, 0, describeRun(result));
  for (let rank = 0; rank < 4; rank++) {
    const cmp = spawnSync('cmp', [join(dir, 'big.bin'), join(dir, `d${rank}/big.bin`)]);
    t.is(cmp.status, 0, `rank ${rank}: ${cmp.stdout}`);
  }
  const stats = JSON.parse(readFileSync(join(dir, 'stats.json'), 'utf8')) as StageStats;
  t.is(stats.bytes, GiB);
  for (const [rank, kib] of Object.entries(stats.peakRssKiB)) t.true(kib < 300 * 1024, `rank ${rank}: ${kib} KiB`);
  t.log(
    `${stats.seconds} s, ${stats.gbPerSecond} GB/s written in all, peak RSS ${JSON.stringify(stats.peakRssKiB)} KiB`,
  );
});
