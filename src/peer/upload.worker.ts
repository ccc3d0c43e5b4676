/** Entry of a peer's upload worker thread: waits for its setup, then serves segments. */
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
import { SegmentStore } from './store.js';
import { DiskStore } from '../storage/disk-store.js';
import { Upload } from './upload.js';
import type { UploadSetup } from './hand-off.js';
import { takeSetup } from './hand-off.js';
import { UPLOAD_THREAD } from '../trace/threads.js';

const WHERE = 'upload worker';
startupMark('upload worker: modules loaded');

runWorker(
  WHERE,
  async () => {
    const setup = takeSetup<UploadSetup | { unused: true }>();
    if ('unused' in setup) return; // a stage job's idle rank
    startupMark('upload worker: setup received');
    const transport = new MpiTransport(COMM_WORLD, setup.backoff, setup.stage?.reuseBytes);
    const upload = new Upload({
      rank: transport.rank,
      size: transport.size,
      outbox: new Outbox((dest, tag, data) => transport.send(dest, tag, data)),
      store: setup.stage ? new DiskStore(setup.stage.tree) : new SegmentStore(setup.store),
      trackerIsPeer: setup.stage !== undefined,
      allocate: (bytes) => transport.allocate(bytes),
      behaviour: uploadBehaviour(setup.faults, transport.rank, seededRandom(setup.seed * 104729 + transport.rank)),
      ...(setup.sendLimitBytes !== undefined && {
        sendBudget: { limitBytes: setup.sendLimitBytes, pendingBytes: () => transport.pendingBytes() },
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
