/**
 * Hashes files on a pool of worker threads (hash.worker.ts). The work is cut into jobs of whole
 * pieces, up to JOB_BYTES each (a long file is cut into several jobs, small files share one),
 * handed out one at a time so that fast workers take more. Any failure rejects at once and ends
 * every worker: nothing waits forever on a worker that died.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

import type { HashSegment } from './hash-file.js';
import type { HashAnswer, HashJob } from './hash.worker.js';
import { bundled } from '../launch/bundled.js';
import { HASH_SIZE, piecesRootOf } from './merkle.js';
import { SourceError } from './source-error.js';

const JOB_BYTES = 64 * 1024 * 1024;
const JOB_SEGMENTS = 512;

export interface FileToHash {
  /** Relative to the root given to hashFiles (for a single-file source: '' and the root is the file). */
  path: string;
  length: number;
}

export interface HashedFile {
  /** Null for an empty file. */
  piecesRoot: Uint8Array | null;
  /** The piece layer (roots of its pieces), for a file longer than one piece; else null. */
  pieceLayer: Uint8Array | null;
}

export interface HashOptions {
  /** Worker threads (default: the number of CPUs). */
  threads?: number;
}

/** The hashes of `files` under `root`, in the same order. */
export async function hashFiles(
  root: string,
  files: FileToHash[],
  pieceLength: number,
  options: HashOptions = {},
): Promise<HashedFile[]> {
  const layers = files.map((file) => new Uint8Array(Math.ceil(file.length / pieceLength) * HASH_SIZE));
  const jobs = planJobs(root, files, pieceLength, options.threads);
  await runJobs(
    jobs,
    pieceLength,
    Math.max(1, Math.min(options.threads ?? availableParallelism(), jobs.length)),
    (job, roots) => {
      job.targets.forEach(({ file, firstPiece }, i) => layers[file]!.set(roots[i]!, firstPiece * HASH_SIZE));
    },
  );
  return files.map((file, i) => {
    const layer = layers[i]!;
    if (file.length === 0) return { piecesRoot: null, pieceLayer: null };
    if (file.length <= pieceLength) return { piecesRoot: layer, pieceLayer: null };
    return { piecesRoot: piecesRootOf(layer, pieceLength), pieceLayer: layer };
  });
}

interface PlannedJob extends HashJob {
  bytes: number;
  /** Where each segment's roots go. */
  targets: { file: number; firstPiece: number }[];
}

function planJobs(
  root: string,
  files: FileToHash[],
  pieceLength: number,
  threads = availableParallelism(),
): PlannedJob[] {
  const total = files.reduce((sum, file) => sum + file.length, 0);
  // Enough jobs for every thread to stay busy to the end, none so large it holds up the rest.
  const jobBytes = Math.max(pieceLength, Math.min(JOB_BYTES, Math.ceil(total / (4 * Math.max(1, threads)))));
  const piecesPerJob = Math.max(1, Math.floor(jobBytes / pieceLength));
  const jobs: PlannedJob[] = [];
  let current: PlannedJob | undefined;
  files.forEach((file, index) => {
    const pieces = Math.ceil(file.length / pieceLength);
    const path = file.path === '' ? root : join(root, file.path);
    for (let firstPiece = 0; firstPiece < pieces; firstPiece += piecesPerJob) {
      const pieceCount = Math.min(piecesPerJob, pieces - firstPiece);
      const bytes = Math.min(file.length - firstPiece * pieceLength, pieceCount * pieceLength);
      if (current === undefined || current.bytes + bytes > jobBytes || current.segments.length >= JOB_SEGMENTS) {
        current = { id: jobs.length, segments: [], targets: [], bytes: 0 };
        jobs.push(current);
      }
      const segment: HashSegment = { path, fileLength: file.length, firstPiece, pieceCount };
      current.segments.push(segment);
      current.targets.push({ file: index, firstPiece });
      current.bytes += bytes;
    }
  });
  return jobs;
}

/** The URL of tsx's 'tsx/esm/api' for `import` (require.resolve would give its CommonJS twin). */
function tsxEsmApi(): string {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('tsx/package.json');
  const { exports } = require(manifest) as { exports: Record<string, { import: { default: string } }> };
  return pathToFileURL(join(dirname(manifest), exports['./esm/api']!.import.default)).href;
}

function startWorker(pieceLength: number): Worker {
  return startWorkerThread(new URL('./hash.worker.js', import.meta.url), { pieceLength });
}

/**
 * A worker thread running the module at `entry` (a .js URL in tsc's dist/): in a bundle (the
 * stage command's), the .cjs bundle beside it; under tsx (the tests), its .ts twin.
 */
export function startWorkerThread(entry: URL, workerData: unknown): Worker {
  const options = { workerData };
  if (bundled) return new Worker(new URL(entry.href.replace(/\.js$/, '.cjs')), options);
  if (!import.meta.url.endsWith('.ts')) return new Worker(entry, options);
  // Under tsx (the tests) the worker is a .ts file too. Node 20 does not apply the main thread's
  // --import=tsx to a worker: the worker registers tsx itself, then imports its module.
  const tsx = tsxEsmApi();
  const module = entry.href.replace(/\.js$/, '.ts');
  const code = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(module)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`), options);
}

function runJobs(
  jobs: PlannedJob[],
  pieceLength: number,
  threads: number,
  onDone: (job: PlannedJob, roots: Uint8Array[]) => void,
): Promise<void> {
  if (jobs.length === 0) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const workers: Worker[] = [];
    let next = 0;
    let done = 0;
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      // terminate() only ends threads; what they did is already in hand or no longer wanted.
      for (const worker of workers) void worker.terminate();
      if (error) reject(error);
      else resolve();
    };
    const give = (worker: Worker) => {
      if (next < jobs.length) {
        const { id, segments } = jobs[next++]!;
        worker.postMessage({ id, segments } satisfies HashJob);
      }
    };
    for (let i = 0; i < threads; i++) {
      const worker = startWorker(pieceLength);
      workers.push(worker);
      worker.on('message', (answer: HashAnswer) => {
        if ('error' in answer) {
          const { path, detail, message } = answer.error;
          finish(
            path !== undefined && detail !== undefined
              ? new SourceError(path, detail)
              : new Error(`hashing failed: ${message}`),
          );
          return;
        }
        onDone(jobs[answer.id]!, answer.roots);
        if (++done === jobs.length) finish();
        else give(worker);
      });
      worker.on('error', (error) => finish(new Error(`a hashing worker failed: ${error.message}`, { cause: error })));
      worker.on('exit', (code) =>
        finish(new Error(`a hashing worker exited (code ${code}) before the hashing was done`)),
      );
      give(worker);
    }
  });
}
