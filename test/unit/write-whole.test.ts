import test from 'ava';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { removeStaleOutputTemporaries, writeOutputFile } from '../../src/io/output.js';
import { removeStaleTemporaries, temporaryPrefix, writeWhole } from '../../src/io/write-whole.js';
import { tempDirs } from '../helpers/temp-dirs.js';

const freshDir = tempDirs('write-whole');

/** The pid of a process that has ended (reaped, so no longer running). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '0']);
  if (child.pid === undefined) throw new Error('could not start a child process');
  return child.pid;
}

function plant(dir: string, name: string): string {
  writeFileSync(join(dir, name), 'half of something');
  return name;
}

test('writes bytes whole and leaves only the target', (t) => {
  const dir = freshDir();
  writeWhole(dir, 'data.bin', 'data', Uint8Array.of(0, 1, 2, 255));
  t.deepEqual([...readFileSync(join(dir, 'data.bin'))], [0, 1, 2, 255]);
  t.deepEqual(readdirSync(dir), ['data.bin']);
});

test('temporaries are hidden and name their label, host and process', (t) => {
  t.regex(temporaryPrefix('client3'), /^\.client3\.[\w-]+\.$/);
});

test('removes the temporaries of its label left by ended processes of this host, and only those', (t) => {
  const dir = freshDir();
  const dead = deadPid();
  const stale = [plant(dir, `${temporaryPrefix('client3')}${dead}.k2j4h5.tmp`)];
  const kept = [
    plant(dir, `${temporaryPrefix('client3')}${process.ppid}.a1b2c3.tmp`), // still running
    plant(dir, `${temporaryPrefix('client3')}${process.pid}.a1b2c3.tmp`), // this very process
    plant(dir, `${temporaryPrefix('client31')}${dead}.k2j4h5.tmp`), // another label
    plant(dir, `.client3.another-host.${dead}.k2j4h5.tmp`), // its process may run there
    plant(dir, `${temporaryPrefix('client3')}${dead}.k2j4h5.tmp.keep`), // not a temporary
    plant(dir, `${temporaryPrefix('client3')}notapid.k2j4h5.tmp`),
    plant(dir, 'client3_file1'),
  ];
  t.is(removeStaleTemporaries(dir, 'client3'), stale.length);
  t.deepEqual(readdirSync(dir).sort(), kept.sort());
});

test('a folder that cannot be read has nothing to remove', (t) => {
  t.is(removeStaleTemporaries(join(freshDir(), 'missing'), 'client3'), 0);
});

test("output temporaries: a rank removes its own ended runs' temporaries, not another rank's", (t) => {
  const dir = freshDir();
  const dead = deadPid();
  plant(dir, `${temporaryPrefix('client2')}${dead}.zz9.tmp`);
  const other = plant(dir, `${temporaryPrefix('client12')}${dead}.zz9.tmp`);
  writeOutputFile(dir, 2, 'file1', ['0'.repeat(32)]);
  t.is(removeStaleOutputTemporaries(dir, 2), 1);
  t.deepEqual(readdirSync(dir).sort(), [other, 'client2_file1'].sort());
});
