/**
 * Entry of a stage writer's download worker thread (../peer/download-thread.ts): pieces written
 * to the destination on disk, checked against their merkle roots; the folders' times are set
 * last. Pieces only seeds have are fetched sparingly (download.ts, SeedSparing).
 */
import { runDownloadThread } from '../peer/download-thread.js';
import type { SeedSparing } from '../peer/download.js';
import type { StageDownloadSetup } from '../peer/hand-off.js';
import { merklePayloads } from '../peer/merkle-payload.js';
import { DiskStore } from '../storage/disk-store.js';

/** Pieces only seeds have are dealt round-robin to the peers that are not seeds. */
function dealSeedPieces({ seeds, dealtTo }: StageDownloadSetup['seedSparing'], rank: number): SeedSparing {
  const turn = dealtTo.indexOf(rank);
  return { seeds, mine: (segment) => turn !== -1 && segment % dealtTo.length === turn };
}

runDownloadThread<StageDownloadSetup>(({ stage, seedSparing }, rank) => {
  const disk = new DiskStore(stage.tree);
  const { geometry } = stage.tree;
  return {
    store: disk,
    payloads: merklePayloads(stage.hashes, geometry.length, geometry.leaves),
    hashesKnown: true,
    writeOutput: () => disk.finish(),
    seedSparing: dealSeedPieces(seedSparing, rank),
    reuseBytes: stage.reuseBytes,
  };
});
