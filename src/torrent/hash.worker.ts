/**
 * A hashing worker (hash-pool.ts): takes jobs of file segments and answers with their piece
 * roots, or with the first problem as { path, message } (a SourceError's, or any other error's).
 */
import { parentPort, workerData } from 'node:worker_threads';

import { chunkBuffer, hashSegment, type HashSegment } from './hash-file.js';
import { SourceError } from './source-error.js';

export interface HashJob {
  id: number;
  segments: HashSegment[];
}

export type HashAnswer =
  { id: number; roots: Uint8Array[] } | { id: number; error: { message: string; path?: string; detail?: string } };

const port = parentPort;
if (port === null) throw new Error('hash.worker runs only as a worker thread');
const { pieceLength } = workerData as { pieceLength: number };
const buffer = chunkBuffer(pieceLength);

port.on('message', (job: HashJob) => {
  let answer: HashAnswer;
  try {
    const roots = job.segments.map((segment) => hashSegment(segment, pieceLength, buffer));
    answer = { id: job.id, roots };
  } catch (error) {
    answer =
      error instanceof SourceError
        ? {
            id: job.id,
            error: { message: error.message, path: error.path, detail: error.message.slice(error.path.length + 2) },
          }
        : { id: job.id, error: { message: error instanceof Error ? error.message : String(error) } };
  }
  port.postMessage(answer, 'roots' in answer ? answer.roots.map((root) => root.buffer as ArrayBuffer) : []);
});
