#!/usr/bin/env node
// What a worker thread's start costs in Node, outside MPI, by entry format and Worker options:
// wall time from `new Worker` to the worker's first line, and the worker thread's own CPU time
// until then (/proc/thread-self/schedstat), medians of interleaved rounds. It backs the choices
// of src/launch/bundle.mjs (CommonJS worker bundles) and of the Worker options in src/peer/peer.ts
// (none). Usage: node bench/worker-start.mjs [--rounds=N]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SHARE_ENV, Worker } from 'node:worker_threads';

import { median, option, table } from './lib.mjs';

const rounds = Number(option('rounds') ?? 30);

// The first line reports the thread's CPU so far and the time, then the worker ends.
const body = `
const cpuMs = Number(require('node:fs').readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ')[0]) / 1e6;
require('node:worker_threads').parentPort.postMessage({ cpuMs, at: performance.timeOrigin + performance.now() });
`;
const dir = mkdtempSync(path.join(os.tmpdir(), 'worker-start-'));
const cjs = path.join(dir, 'entry.cjs');
const esm = path.join(dir, 'entry.mjs');
writeFileSync(cjs, body);
writeFileSync(
  esm,
  `import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\n${body}`,
);

const variants = {
  'CommonJS entry': [cjs, {}],
  'ES module entry': [esm, {}],
  'CommonJS, env: SHARE_ENV': [cjs, { env: SHARE_ENV }],
  'CommonJS, small resourceLimits': [
    cjs,
    { resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 64 } },
  ],
  'CommonJS, trackUnmanagedFds: false': [cjs, { trackUnmanagedFds: false }],
  'CommonJS, stdout and stderr piped': [cjs, { stdout: true, stderr: true }],
};
const results = Object.fromEntries(Object.keys(variants).map((name) => [name, { cpuMs: [], wallMs: [] }]));
for (let round = 0; round < rounds; round++) {
  for (const [name, [file, options]] of Object.entries(variants)) {
    const startedAt = performance.timeOrigin + performance.now();
    const worker = new Worker(file, options);
    // Both listeners at once: the exit can come in the same turn as the message.
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    const first = await new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject));
    await exited;
    results[name].cpuMs.push(first.cpuMs);
    results[name].wallMs.push(first.at - startedAt);
  }
}
rmSync(dir, { recursive: true, force: true });
process.stdout.write(
  `Worker start, ${rounds} interleaved rounds, medians (Node ${process.version}, load ${os.loadavg()[0].toFixed(2)})\n`,
);
process.stdout.write(
  table(
    ['variant', 'wall to first line ms', 'worker CPU ms'],
    Object.entries(results).map(([name, r]) => [name, median(r.wallMs).toFixed(2), median(r.cpuMs).toFixed(2)]),
  ) + '\n',
);
