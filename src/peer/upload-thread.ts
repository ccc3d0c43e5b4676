/**
 * An upload worker thread's body, shared by the course's entry (upload.worker.ts) and the
 * stage's (../stage/upload.worker.ts): waits for its setup, then serves segments. Each entry
 * brings only its own store, so that each bundle holds only its mode's code (docs/startup.md).
 */
import { describeError } from '../errors/exit-status.js';
import { COMM_WORLD, runWorker } from '../mpi/index.js';
import { MpiTransport } from '../protocol/mpi-transport.js';
import { Outbox } from '../protocol/outbox.js';
import { seededRandom } from '../protocol/random.js';
import { serve } from '../protocol/serve.js';
import { Tag } from '../protocol/tags.js';
import { startupMark } from '../launch/startup-mark.js';
import { rejectMalformed } from '../warnings.js';
import { uploadBehaviour } from './faults.js';
import type { NoSetup, UploadSetupBase } from './hand-off.js';
import { takeSetup } from './hand-off.js';
import type { PieceStore } from './store.js';
import { Upload } from './upload.js';
import { UPLOAD_THREAD } from '../trace/threads.js';

const WHERE = 'upload worker';

/** What an entry makes of its setup. */
export interface UploadStorage {
  store: PieceStore;
  /** Rank 0 is a peer too (stage). */
  trackerIsPeer: boolean;
  /** Bytes of answers being sent at once, at most; unbounded when absent. */
  sendLimitBytes?: number;
  /** Idle bytes of piece messages' buffers the transport keeps to reuse (none when absent). */
  reuseBytes?: number;
}

/** Runs this thread; `storage` is called once, with the setup. */
export function runUploadThread<Setup extends UploadSetupBase>(storage: (setup: Setup) => UploadStorage): void {
  startupMark('upload worker: modules loaded');
  runWorker(
    WHERE,
    async () => {
      const setup = takeSetup<Setup | NoSetup>();
      if ('unused' in setup) return; // a stage job's idle rank
      startupMark('upload worker: setup received');
      const { store, trackerIsPeer, sendLimitBytes, reuseBytes } = storage(setup);
      const transport = new MpiTransport(COMM_WORLD, setup.backoff, reuseBytes);
      const upload = new Upload({
        rank: transport.rank,
        size: transport.size,
        outbox: new Outbox((dest, tag, data) => transport.send(dest, tag, data)),
        store,
        trackerIsPeer,
        allocate: (bytes) => transport.allocate(bytes),
        behaviour: uploadBehaviour(setup.faults, transport.rank, seededRandom(setup.seed * 104729 + transport.rank)),
        ...(sendLimitBytes !== undefined && {
          sendBudget: { limitBytes: sendLimitBytes, pendingBytes: () => transport.pendingBytes() },
        }),
      });
      // Loaded only when --trace is on.
      const tracing = setup.trace ? await import('../trace/worker-trace.js') : undefined;
      const trace = tracing?.workerRecorder(transport.rank, UPLOAD_THREAD);
      const served =
        tracing && trace
          ? tracing.watchServe(upload, transport, trace, {
              label: 'upload',
              sample: () => ({ served: upload.served, refused: upload.refused }),
            })
          : { role: upload, transport };
      serve(served.role, served.transport, Tag.Upload, rejectMalformed(WHERE));
      if (tracing && trace) tracing.postWorkerTrace(trace);
      startupMark('upload worker: done');
    },
    { describeError },
  );
}
