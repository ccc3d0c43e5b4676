/**
 * A worker's stdout and stderr, carried to this process's by hand. Left to Node, they are piped
 * into the main thread's process.stdout and process.stderr, and creating those (a socket each,
 * since mpirun hands every rank pipes) costs a peer ~1.5 ms of CPU
 * (docs/decisions/007-worker-stdio-by-hand.md). Our own
 * lines never take that path (they go out with writeSync); this carries what Node itself prints
 * in a worker, such as its warnings.
 */
import type { Worker, WorkerOptions } from 'node:worker_threads';

import { writeFully } from '../io/write-fully.js';

/** The options to create the worker with: its stdio is then ours to read. */
export const OWN_STDIO = { stdout: true, stderr: true } as const satisfies WorkerOptions;

/** Writes what the worker (created with OWN_STDIO) prints to file descriptors 1 and 2. */
export function forwardStdio(worker: Worker): void {
  worker.stdout.on('data', (chunk: Uint8Array) => writeFully(1, chunk));
  worker.stderr.on('data', (chunk: Uint8Array) => writeFully(2, chunk));
}
