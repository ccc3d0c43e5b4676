/** Entry of a peer's download worker thread: waits for its setup, then downloads. */
import { removeStaleOutputTemporaries, writeOutputFile } from '../io/output.js';
import { describeError } from '../errors/exit-status.js';
import { COMM_WORLD, runWorker } from '../mpi/index.js';
import { MpiTransport } from '../protocol/mpi-transport.js';
import { Outbox } from '../protocol/outbox.js';
import { seededRandom } from '../protocol/random.js';
import { serve } from '../protocol/serve.js';
import { Tag } from '../protocol/tags.js';
import { startupMark } from '../launch/startup-mark.js';
import { rejectMalformed, warn } from '../warnings.js';
import { Download, type SeedSparing } from './download.js';
import { sendMalformed } from './faults.js';
import { hashAsPayload } from './payload.js';
import { SegmentStore } from './store.js';
import { merklePayloads } from './merkle-payload.js';
import { DiskStore } from '../storage/disk-store.js';
import type { DownloadSetup } from './hand-off.js';
import { takeSetup } from './hand-off.js';
import { DOWNLOAD_THREAD } from '../trace/threads.js';

const WHERE = 'download worker';

/** Pieces only seeds have are dealt round-robin to the peers that are not seeds. */
function dealSeedPieces({ seeds, dealtTo }: { seeds: number[]; dealtTo: number[] }, rank: number): SeedSparing {
  const turn = dealtTo.indexOf(rank);
  return { seeds, mine: (segment) => turn !== -1 && segment % dealtTo.length === turn };
}

function sum(counts: Map<number, number>): number {
  let total = 0;
  for (const count of counts.values()) total += count;
  return total;
}
startupMark('download worker: modules loaded');

runWorker(
  WHERE,
  async () => {
    const setup = takeSetup<DownloadSetup | { unused: true }>();
    if ('unused' in setup) return; // a stage job's idle rank
    startupMark('download worker: setup received');
    const transport = new MpiTransport(COMM_WORLD, setup.backoff, setup.stage?.reuseBytes);
    const rank = transport.rank;
    // Stage mode: pieces on disk, checked by their merkle roots; the folders' times are set last.
    const disk = setup.stage && new DiskStore(setup.stage.tree);
    const geometry = setup.stage?.tree.geometry;
    // Loaded only when --trace is on.
    const tracing = setup.trace ? await import('../trace/worker-trace.js') : undefined;
    const trace = tracing?.workerRecorder(rank, DOWNLOAD_THREAD);
    const download = new Download({
      rank,
      outbox: new Outbox((dest, tag, data) => transport.send(dest, tag, data)),
      store: disk ?? new SegmentStore(setup.store),
      payloads: disk ? merklePayloads(setup.stage!.hashes, geometry!.length, geometry!.leaves) : hashAsPayload,
      hashesKnown: disk !== undefined,
      random: seededRandom(setup.seed * 7919 + rank),
      files: setup.files,
      writeOutput: disk ? () => disk.finish() : (name, hashes) => writeOutputFile(setup.outputDir, rank, name, hashes),
      options: setup.options,
      warn: (text) => warn(WHERE, text),
      ...(setup.seedSparing && { seedSparing: dealSeedPieces(setup.seedSparing, rank) }),
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
    if (!disk) removeStaleOutputTemporaries(setup.outputDir, rank);
    if (tracing && trace) tracing.postWorkerTrace(trace);
    startupMark('download worker: done');
  },
  { describeError },
);
