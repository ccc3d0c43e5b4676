import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The built module, run by plain Node: tsx would load the very modules this checks are not loaded.
const MODULE = new URL('../../dist/peer/worker-stdio.js', import.meta.url);

// In a child process with pipes for stdout and stderr, as under mpirun.
function runWithWorker(workerCode: string): { stdout: string; stderr: string; status: number | null } {
  if (!existsSync(MODULE)) throw new Error(`${fileURLToPath(MODULE)} does not exist: build first (npm run build:ts)`);
  const script = `
    import { Worker } from 'node:worker_threads';
    import { forwardStdio, OWN_STDIO } from ${JSON.stringify(MODULE.href)};
    const worker = new Worker(${JSON.stringify(workerCode)}, { eval: true, ...OWN_STDIO });
    forwardStdio(worker);
    worker.on('exit', () => {
      // Piping to the main thread's process.stdout and process.stderr would create them: sockets
      // on these pipes, from node:net.
      if (process.moduleLoadList.includes('NativeModule net')) throw new Error('node:net was loaded');
    });`;
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
}

test("what a worker prints reaches the process's stdout and stderr, without the main thread's streams", (t) => {
  const run = runWithWorker(`
    console.log('to stdout');
    console.error('to stderr');
    process.emitWarning('a warning of Node');`);
  t.is(run.status, 0, run.stderr);
  t.is(run.stdout, 'to stdout\n');
  t.regex(run.stderr, /^to stderr\n/);
  t.regex(run.stderr, /Warning: a warning of Node/);
});

test("a worker's large output arrives whole and in order", (t) => {
  const run = runWithWorker(`for (let i = 0; i < 20000; i++) console.log('line ' + i);`);
  t.is(run.status, 0, run.stderr);
  const lines = run.stdout.trimEnd().split('\n');
  t.is(lines.length, 20000);
  t.true(lines.every((line, i) => line === `line ${i}`));
});
