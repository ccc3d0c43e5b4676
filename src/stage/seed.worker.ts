/**
 * A seeding worker (seed-pool.ts): says it is ready, then takes jobs of segments of a seeder's share, copies each from
 * SOURCE to DEST while hashing it, and answers with the roots, or with the first problem: a
 * PathError's path and detail (and whether it names DEST), or any other error's message.
 */
import { parentPort } from 'node:worker_threads';

import { PathError } from '../errors/path-error.js';
import { DestinationError } from '../storage/destination-error.js';
import { chunkBuffer } from '../torrent/hash-file.js';
import { copySegment, type SeedSegment } from './seed-segment.js';

export interface SeedJob {
  id: number;
  segments: SeedSegment[];
}

export type SeedAnswer =
  | { ready: true }
  | { id: number; roots: Uint8Array[] }
  | { id: number; error: { message: string; path?: string; detail?: string; destination?: boolean } };

const port = parentPort;
if (port === null) throw new Error('seed.worker runs only as a worker thread');
let buffer: Uint8Array | undefined;

port.on('message', (job: SeedJob) => {
  let answer: SeedAnswer;
  try {
    buffer ??= chunkBuffer(job.segments[0]!.pieceLength);
    answer = { id: job.id, roots: job.segments.map((segment) => copySegment(segment, buffer!)) };
  } catch (error) {
    answer =
      error instanceof PathError
        ? {
            id: job.id,
            error: {
              message: error.message,
              path: error.path,
              detail: error.message.slice(error.path.length + 2),
              destination: error instanceof DestinationError,
            },
          }
        : { id: job.id, error: { message: error instanceof Error ? error.message : String(error) } };
  }
  port.postMessage(answer, 'roots' in answer ? answer.roots.map((root) => root.buffer as ArrayBuffer) : []);
});
port.postMessage({ ready: true } satisfies SeedAnswer);
