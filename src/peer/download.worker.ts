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
import { Download } from './download.js';
import { sendMalformed } from './faults.js';
import { hashAsPayload } from './payload.js';
import { SegmentStore } from './store.js';
import type { DownloadSetup } from './worker-setup.js';
import { takeSetup } from './worker-start.js';

const WHERE = 'download worker';
startupMark('download worker: modules loaded');

runWorker(WHERE, async () => {
  const setup = takeSetup<DownloadSetup>();
  startupMark('download worker: setup received');
  const transport = new MpiTransport(COMM_WORLD, setup.backoff);
  const rank = transport.rank;
  const download = new Download({
    rank,
    outbox: new Outbox((dest, tag, data) => transport.send(dest, tag, data)),
    store: new SegmentStore(setup.store),
    payloads: hashAsPayload,
    random: seededRandom(setup.seed * 7919 + rank),
    files: setup.files,
    writeOutput: (name, hashes) => writeOutputFile(setup.outputDir, rank, name, hashes),
    options: setup.options,
    warn: (text) => warn(WHERE, text),
  });
  if (setup.faults.malformed.has(rank)) {
    sendMalformed((dest, tag, data) => transport.send(dest, tag, data), rank, transport.size);
  }
  serve(download, transport, Tag.Download, rejectMalformed(WHERE));
  removeStaleOutputTemporaries(setup.outputDir, rank);
  startupMark('download worker: done');
}, { describeError });
