/**
 * A seeder's share read on several threads: SHA-256 runs at 1-2 GB/s a core, so on a node with
 * cores to spare one thread would bound the seeding. Each job is a run of segments (disjoint
 * ranges of pieces); this thread and worker threads (seed.worker.ts) copy them from SOURCE to
 * the partial files in DEST, and this thread flags the pieces held (DiskStore renames a file
 * once its last piece is there). Any failure rejects at once and ends every worker.
 * With one thread, or a small share, the share is read here only: starting threads would cost more.
 */
import type { Worker } from 'node:worker_threads';

import { DestinationError } from '../storage/destination-error.js';
import type { DiskStore } from '../storage/disk-store.js';
import { PathError } from '../errors/path-error.js';
import { chunkBuffer } from '../torrent/hash-file.js';
import { startWorkerThread } from '../torrent/hash-pool.js';
import { markCopied, readShare, shareSegments, type PlannedSegment, type ReadShare, type SourceShape } from './seed.js';
import { copySegment } from './seed-segment.js';
import type { SeedAnswer, SeedJob } from './seed.worker.js';

const JOB_BYTES = 64 * 1024 * 1024;
const JOB_SEGMENTS = 512;
const POOL_MIN_BYTES = 64 * 1024 * 1024;

export interface SeedOptions {
  threads: number;
  /** Below this many bytes in the share, read it on this thread (default 64 MiB). */
  poolMinBytes?: number;
  /** Whether this thread takes jobs too (default true; false: every job on a worker, for tests). */
  onThisThread?: boolean;
}

/** readShare (seed.ts), on `threads` threads when that pays. */
export async function seedShare(
  source: string,
  shape: SourceShape,
  store: DiskStore,
  start: number,
  end: number,
  known: Uint8Array | undefined,
  { threads, poolMinBytes = POOL_MIN_BYTES, onThisThread = true }: SeedOptions,
): Promise<ReadShare> {
  const { geometry } = store.tree;
  let shareBytes = 0;
  for (let piece = start; piece < end; piece++) shareBytes += geometry.length[piece]!;
  if (threads <= 1 || shareBytes === 0 || shareBytes < poolMinBytes) {
    return readShare(source, shape, store, start, end, known);
  }
  // Enough jobs for every thread to stay busy to the end, none so large it holds up the rest.
  const jobBytes = Math.max(geometry.pieceLength, Math.min(JOB_BYTES, Math.ceil(shareBytes / (4 * threads))));
  const piecesPerJob = Math.max(1, Math.floor(jobBytes / geometry.pieceLength));
  const jobs = planJobs(shareSegments(source, shape, store, start, end, known, piecesPerJob), jobBytes);
  const hashes = new Uint8Array(known ? 0 : 32 * (end - start));
  let bytesRead = 0;
  const workers = onThisThread ? Math.min(threads, jobs.length) - 1 : Math.min(threads, jobs.length);
  await runJobs(jobs, workers, onThisThread, (job, roots) => {
    job.forEach((planned, i) => {
      if (!known) hashes.set(roots[i]!, 32 * (planned.piece - start));
      bytesRead += markCopied(store, planned);
    });
  });
  return { hashes, bytesRead };
}

/** Consecutive segments grouped into jobs of up to `jobBytes` (small files share one). */
function planJobs(segments: PlannedSegment[], jobBytes: number): PlannedSegment[][] {
  const jobs: PlannedSegment[][] = [];
  let current: PlannedSegment[] | undefined;
  let currentBytes = 0;
  for (const planned of segments) {
    const { fileLength, pieceLength, firstPiece, pieceCount } = planned.segment;
    const bytes = Math.min(fileLength, (firstPiece + pieceCount) * pieceLength) - firstPiece * pieceLength;
    if (current === undefined || currentBytes + bytes > jobBytes || current.length >= JOB_SEGMENTS) {
      current = [];
      currentBytes = 0;
      jobs.push(current);
    }
    current.push(planned);
    currentBytes += bytes;
  }
  return jobs;
}

function errorOf(answer: Extract<SeedAnswer, { error: unknown }>): Error {
  const { path, detail, message, destination } = answer.error;
  if (path === undefined || detail === undefined) return new Error(`seeding failed: ${message}`);
  return destination ? new DestinationError(path, detail) : new PathError(path, detail);
}

/**
 * Runs the jobs on `workers` worker threads and, `onThisThread`, here, each taking the next job
 * when it is free: this thread starts at once, a worker once it is up (starting one costs tens
 * of ms, more on a busy machine).
 */
function runJobs(
  jobs: PlannedSegment[][],
  workerCount: number,
  onThisThread: boolean,
  onDone: (job: PlannedSegment[], roots: Uint8Array[]) => void,
): Promise<void> {
  if (jobs.length === 0) return Promise.resolve();
  const buffer = onThisThread ? chunkBuffer(jobs[0]![0]!.segment.pieceLength) : new Uint8Array(0);
  return new Promise<void>((resolve, reject) => {
    const workers: Worker[] = [];
    let next = 0;
    let done = 0;
    let settled = false;
    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      // terminate() only ends threads; what they did is already in hand or no longer wanted.
      for (const worker of workers) void worker.terminate();
      if (error) reject(error instanceof Error ? error : new Error(String(error)));
      else resolve();
    };
    const finished = (id: number, roots: Uint8Array[]): boolean => {
      try {
        onDone(jobs[id]!, roots);
      } catch (error) {
        finish(error); // e.g. a file that cannot be renamed to its final name
        return false;
      }
      if (++done === jobs.length) finish();
      return !settled;
    };
    const give = (worker: Worker) => {
      if (next >= jobs.length) return;
      const id = next++;
      worker.postMessage({ id, segments: jobs[id]!.map(({ segment }) => segment) } satisfies SeedJob);
    };
    // One job at a time here, so that workers' answers are taken in between.
    const runHere = () => {
      if (settled || next >= jobs.length) return;
      const id = next++;
      let roots: Uint8Array[];
      try {
        roots = jobs[id]!.map(({ segment }) => copySegment(segment, buffer));
      } catch (error) {
        return finish(error);
      }
      if (finished(id, roots)) setImmediate(runHere);
    };
    for (let i = 0; i < workerCount; i++) {
      const worker = startWorkerThread(new URL('./seed.worker.js', import.meta.url), null);
      workers.push(worker);
      worker.on('message', (answer: SeedAnswer) => {
        if (settled) return;
        if ('ready' in answer) return give(worker);
        if ('error' in answer) return finish(errorOf(answer));
        if (finished(answer.id, answer.roots)) give(worker);
      });
      worker.on('error', (error) => finish(new Error(`a seeding worker failed: ${error.message}`, { cause: error })));
      worker.on('exit', (code) =>
        finish(new Error(`a seeding worker exited (code ${code}) before the seeding was done`)),
      );
    }
    if (onThisThread) runHere();
  });
}
