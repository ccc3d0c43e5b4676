/**
 * A download worker thread's body, shared by the course's entry (download.worker.ts) and the
 * stage's (../stage/download.worker.ts): waits for its setup, then downloads. Each entry brings
 * only its own store and checks, so that each bundle holds only its mode's code
 * (docs/startup.md).
 */
import { describeError } from '../errors/exit-status.js';
import { COMM_WORLD, runWorker } from '../mpi/index.js';
import { MpiTransport } from '../protocol/mpi-transport.js';
import { Outbox } from '../protocol/outbox.js';
import { seededRandom } from '../protocol/random.js';
import { serve } from '../protocol/serve.js';
import { Tag } from '../protocol/tags.js';
import { startupMark } from '../launch/startup-mark.js';
import { rejectMalformed, warn } from '../warnings.js';
import { Download, type DownloadContext } from './download.js';
import { sendMalformed } from './faults.js';
import type { DownloadSetupBase, NoSetup } from './hand-off.js';
import { takeSetup } from './hand-off.js';
import { DOWNLOAD_THREAD } from '../trace/threads.js';

const WHERE = 'download worker';

/** What an entry makes of its setup: where the pieces go and how they are checked. */
export type DownloadStorage = Pick<
  DownloadContext,
  'store' | 'payloads' | 'hashesKnown' | 'writeOutput' | 'seedSparing'
> & {
  /** Idle bytes of piece messages' buffers the transport keeps to reuse (none when absent). */
  reuseBytes?: number;
  /** Called once the swarm is over. */
  finish?(): void;
};

function sum(counts: Map<number, number>): number {
  let total = 0;
  for (const count of counts.values()) total += count;
  return total;
}

/** Runs this thread; `storage` is called once, with the setup and this rank. */
export function runDownloadThread<Setup extends DownloadSetupBase>(
  storage: (setup: Setup, rank: number) => DownloadStorage,
): void {
  startupMark('download worker: modules loaded');
  runWorker(
    WHERE,
    async () => {
      const setup = takeSetup<Setup | NoSetup>();
      if ('unused' in setup) return; // a stage job's idle rank
      startupMark('download worker: setup received');
      const rank = COMM_WORLD.rank;
      const { finish, reuseBytes, ...stored } = storage(setup, rank);
      const transport = new MpiTransport(COMM_WORLD, setup.backoff, reuseBytes);
      // Loaded only when --trace is on.
      const tracing = setup.trace ? await import('../trace/worker-trace.js') : undefined;
      const trace = tracing?.workerRecorder(rank, DOWNLOAD_THREAD);
      const download = new Download({
        rank,
        outbox: new Outbox((dest, tag, data) => transport.send(dest, tag, data)),
        ...stored,
        random: seededRandom(setup.seed * 7919 + rank),
        files: setup.files,
        options: setup.options,
        warn: (text) => warn(WHERE, text),
        trace,
      });
      if (setup.faults.malformed.has(rank)) {
        sendMalformed((dest, tag, data) => transport.send(dest, tag, data), rank, transport.size);
      }
      const served =
        tracing && trace
          ? tracing.watchServe(download, transport, trace, {
              label: 'download',
              sample: () => ({
                received: sum(download.downloadsBySource),
                bad: sum(download.badBySource),
                'in flight': download.inFlight,
              }),
            })
          : { role: download, transport };
      serve(served.role, served.transport, Tag.Download, rejectMalformed(WHERE));
      finish?.();
      if (tracing && trace) tracing.postWorkerTrace(trace);
      startupMark('download worker: done');
    },
    { describeError },
  );
}
