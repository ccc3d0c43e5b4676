/**
 * A peer's two worker threads, started before MPI_Init (docs/startup.md): the course's entries
 * (./*.worker.ts) or the stage's (../stage/*.worker.ts). Each waits for its setup (hand-off.ts).
 */
import { Worker } from 'node:worker_threads';

import { describeError } from '../errors/exit-status.js';
import { bundled } from '../launch/bundled.js';
import { watchWorker } from '../mpi/index.js';
import { setupSignal } from './hand-off.js';
import { forwardStdio, OWN_STDIO } from './worker-stdio.js';
import type { ThreadTraces } from '../trace/thread-traces.js';
import { DOWNLOAD_THREAD, DOWNLOAD_THREAD_NAME, UPLOAD_THREAD, UPLOAD_THREAD_NAME } from '../trace/threads.js';

/**
 * Where a pair of workers' entries are: each a path in tsc's dist/ without its extension
 * (`.js`); the bundled build runs the `.cjs` bundle beside it instead.
 */
export interface WorkerEntries {
  download: string;
  upload: string;
}

export interface PeerWorker {
  worker: Worker;
  /** What the worker waits on for its setup (hand-off.ts). */
  setupPosted: Int32Array;
  exited: Promise<void>;
}

export interface PeerWorkers {
  download: PeerWorker;
  upload: PeerWorker;
  /** Resolves once both run JavaScript: Node no longer reads the environment for them. */
  online: Promise<void>;
}

// Bundled, a worker runs its one-file bundle, through the entry that gives it V8's code cache.
function startWorker(entry: string, name: string): PeerWorker {
  const setupPosted = setupSignal();
  const options = { workerData: { setupPosted }, ...OWN_STDIO };
  const worker = bundled
    ? new Worker(new URL('./cached-worker.cjs', import.meta.url), { argv: [`${entry}.cjs`], ...options })
    : new Worker(`${entry}.js`, options);
  forwardStdio(worker);
  return { worker, setupPosted, exited: watchWorker(worker, name, { describeError }) };
}

/**
 * Starts both workers; they load while the main thread goes on, and wait for their setup.
 * Before MPI_Init, wait until they are online: MPI_Init changes the environment, which Node
 * reads while it starts a worker.
 */
export function startPeerWorkers(entries: WorkerEntries): PeerWorkers {
  const download = startWorker(entries.download, DOWNLOAD_THREAD_NAME);
  const upload = startWorker(entries.upload, UPLOAD_THREAD_NAME);
  const online = ({ worker }: PeerWorker) => new Promise((resolve) => worker.once('online', resolve));
  return { download, upload, online: Promise.all([online(download), online(upload)]).then(() => undefined) };
}

/** With --trace, takes the events each worker posts as it ends (before it gets its setup). */
export function watchWorkerTraces(traces: ThreadTraces | undefined, workers: PeerWorkers): void {
  traces?.watchWorker(workers.download.worker, DOWNLOAD_THREAD, DOWNLOAD_THREAD_NAME);
  traces?.watchWorker(workers.upload.worker, UPLOAD_THREAD, UPLOAD_THREAD_NAME);
}
