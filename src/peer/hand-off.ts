/**
 * The hand-off from a peer's main thread to its workers: what each worker starts with, and how
 * it gets there. A message, then a word of shared memory that the worker waits on; the worker
 * takes the message with receiveMessageOnPort, so it never starts its event loop's message
 * machinery for it (a 'message' listener costs a worker ~0.6 ms of CPU,
 * docs/decisions/010-worker-setup-through-atomics.md). Waiting in Atomics.wait is not waiting
 * inside MPI: the thread can still be terminated, and process.exit and MPI_Abort end it.
 */
import { parentPort, receiveMessageOnPort, workerData, type Worker } from 'node:worker_threads';

import type { BackoffOptions } from '../mpi/backoff.js';
import type { FileInfo } from '../protocol/messages.js';
import type { DownloadOptions } from './download.js';
import type { Faults } from './faults.js';
import type { StoredTree } from '../storage/tree.js';
import type { StoredFile } from './store.js';

/** Main thread: the word a worker waits on, to pass as `workerData.setupPosted`. */
export function setupSignal(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4));
}

/** Main thread: posts the worker's setup and wakes it. */
export function postSetup(worker: Worker, posted: Int32Array, setup: unknown): void {
  worker.postMessage(setup);
  Atomics.store(posted, 0, 1);
  Atomics.notify(posted, 0);
}

/** Worker: waits for its setup and returns it. */
export function takeSetup<T>(): T {
  const posted = (workerData as { setupPosted?: Int32Array } | null)?.setupPosted;
  if (parentPort === null || posted === undefined) throw new Error('this module runs only as a peer worker thread');
  Atomics.wait(posted, 0, 0);
  const received = receiveMessageOnPort(parentPort);
  if (received === undefined) throw new Error('woken for a setup that was not posted');
  return received.message as T;
}

// What a peer's main thread posts to its workers once the job says go: a part both kinds of
// workers take (the thread bodies, download-thread.ts and upload-thread.ts), and a part that
// only the course's entries (./*.worker.ts) or the stage's (../stage/*.worker.ts) take.

export interface DownloadSetupBase {
  files: FileInfo[];
  options: DownloadOptions;
  backoff: BackoffOptions;
  seed: number;
  faults: Faults;
  /** --trace is on: record events and post them to the main thread at the end. */
  trace?: boolean;
}

/** The course: segments in shared memory, each file written to the output folder when complete. */
export interface DownloadSetup extends DownloadSetupBase {
  store: StoredFile[];
  outputDir: string;
}

/** Stage: the destination on disk and every piece's hash (32 bytes a piece). */
export interface StageStoreSetup {
  tree: StoredTree;
  hashes: Uint8Array;
  /** Idle bytes of piece messages' buffers each worker keeps to reuse (protocol/buffer-pool.ts). */
  reuseBytes: number;
}

export interface StageDownloadSetup extends DownloadSetupBase {
  stage: StageStoreSetup;
  /** The ranks that read SOURCE, and the peers among which their pieces are dealt. */
  seedSparing: { seeds: number[]; dealtTo: number[] };
}

export interface UploadSetupBase {
  backoff: BackoffOptions;
  seed: number;
  faults: Faults;
  /** --trace is on: record events and post them to the main thread at the end. */
  trace?: boolean;
}

export interface UploadSetup extends UploadSetupBase {
  store: StoredFile[];
}

export interface StageUploadSetup extends UploadSetupBase {
  stage: StageStoreSetup;
  /** Bytes of answers being sent at once, at most (--memory). */
  sendLimitBytes: number;
}

/** What a rank that takes no part in a stage job posts to its workers: they end at once. */
export interface NoSetup {
  unused: true;
}
