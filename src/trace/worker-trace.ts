/**
 * A peer worker's side of --trace, loaded only when it is on: the worker's recorder, its serve
 * loop watched (watch-serve.ts), and its events handed to the main thread as it ends, in one
 * message (the main thread takes it with thread-traces.ts before the worker's 'exit').
 */
import { parentPort } from 'node:worker_threads';

import type { TimedEvent } from './events.js';
import { TraceRecorder } from './recorder.js';

export { watchServe } from './watch-serve.js';

/** What a worker posts to its main thread as it ends. */
export interface WorkerTraceMessage {
  traceEvents: TimedEvent[];
}

export function workerRecorder(rank: number, tid: number): TraceRecorder {
  return new TraceRecorder({ pid: rank, tid });
}

/** Posts the recorder's events to the main thread; the last thing a traced worker does. */
export function postWorkerTrace(recorder: TraceRecorder): void {
  parentPort?.postMessage({ traceEvents: recorder.drain() } satisfies WorkerTraceMessage);
}
