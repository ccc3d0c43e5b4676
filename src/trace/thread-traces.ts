/**
 * A rank's main thread's side of --trace, loaded only when it is on: its own recorder and steps
 * (phases.ts), and the events its workers post as they end (worker-trace.ts). Node delivers a
 * worker's last messages before its 'exit' event, so the events are in once the worker has exited.
 */
import type { Worker } from 'node:worker_threads';

import type { Role } from '../protocol/role.js';
import type { Transport } from '../protocol/transport.js';
import type { Tracker } from '../tracker/tracker.js';
import type { TimedEvent } from './events.js';
import type { ThreadTrace } from './merge.js';
import { Phases, processStart } from './phases.js';
import { TraceRecorder } from './recorder.js';
import { MAIN_THREAD } from './threads.js';
import { traceTrackerRun, trackerSample } from './tracker-trace.js';
import { watchServe, type Watched } from './watch-serve.js';
import type { WorkerTraceMessage } from './worker-trace.js';

export class ThreadTraces {
  readonly rank: number;
  /** Whether this rank is on rank 0's node: one clock, no clock exchange at the end (job-trace.ts). */
  readonly onRank0Node: () => Promise<boolean>;
  readonly main: TraceRecorder;
  /** The main thread's steps, one after another. */
  readonly phases: Phases;
  readonly #mainName: string;
  readonly #workers: Promise<ThreadTrace>[] = [];

  /** `mainName`: the main thread's track ('main', 'tracker'). Records the process's start-up. */
  constructor(rank: number, mainName: string, onRank0Node: () => Promise<boolean> = async () => true) {
    this.rank = rank;
    this.onRank0Node = onRank0Node;
    this.#mainName = mainName;
    this.main = new TraceRecorder({ pid: rank, tid: MAIN_THREAD });
    this.main.span('start-up', 'main', processStart(), this.main.now(), { until: 'MPI up' });
    this.phases = new Phases(this.main, 'main');
  }

  /**
   * The tracker's serve loop on this thread, watched (watch-serve.ts); `tracker` is the Tracker
   * inside `role` (the role may wrap it).
   */
  watchTracker(role: Role, tracker: Tracker, transport: Transport): Watched {
    return watchServe(role, transport, this.main, { label: 'tracker', sample: () => trackerSample(tracker) });
  }

  /** The tracker's phases and each peer's end, once it has run. */
  traceTracker(tracker: Tracker): void {
    traceTrackerRun(this.main, tracker);
  }

  /** Takes the events `worker` posts as it ends (attach before it is given its setup). */
  watchWorker(worker: Worker, tid: number, name: string): void {
    this.#workers.push(
      new Promise((resolve) => {
        let events: TimedEvent[] = [];
        worker.on('message', (message: Partial<WorkerTraceMessage> | null) => {
          if (Array.isArray(message?.traceEvents)) events = message.traceEvents;
        });
        worker.once('exit', () => resolve({ tid, name, events }));
      }),
    );
  }

  /** Every thread's events, once the workers have exited; the main thread's last step ends. */
  async threads(): Promise<ThreadTrace[]> {
    this.phases.end();
    const workers = await Promise.all(this.#workers);
    return [{ tid: MAIN_THREAD, name: this.#mainName, events: this.main.drain() }, ...workers];
  }
}
