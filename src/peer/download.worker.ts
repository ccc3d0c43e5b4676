/**
 * Entry of a course peer's download worker thread (download-thread.ts): segments in shared
 * memory, checked against their hash text, each file written to the output folder when complete.
 */
import { removeStaleOutputTemporaries, writeOutputFile } from '../io/output.js';
import { runDownloadThread } from './download-thread.js';
import type { DownloadSetup } from './hand-off.js';
import { hashAsPayload } from './payload.js';
import { SegmentStore } from './store.js';

runDownloadThread<DownloadSetup>((setup, rank) => ({
  store: new SegmentStore(setup.store),
  payloads: hashAsPayload,
  hashesKnown: false,
  writeOutput: (name, hashes) => writeOutputFile(setup.outputDir, rank, name, hashes),
  finish: () => removeStaleOutputTemporaries(setup.outputDir, rank),
}));
