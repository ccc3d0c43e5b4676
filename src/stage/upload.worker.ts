/**
 * Entry of a stage writer's upload worker thread (../peer/upload-thread.ts): pieces read from
 * the destination on disk, rank 0 a peer too, and at most --memory's share of bytes being sent.
 */
import type { StageUploadSetup } from '../peer/hand-off.js';
import { runUploadThread } from '../peer/upload-thread.js';
import { DiskStore } from '../storage/disk-store.js';

runUploadThread<StageUploadSetup>(({ stage, sendLimitBytes }) => ({
  store: new DiskStore(stage.tree),
  trackerIsPeer: true,
  sendLimitBytes,
  reuseBytes: stage.reuseBytes,
}));
