/** What a peer's main thread posts to its workers once the tracker says go. */
import type { BackoffOptions } from '../mpi/backoff.js';
import type { FileInfo } from '../protocol/messages.js';
import type { DownloadOptions } from './download.js';
import type { Faults } from './faults.js';
import type { StoredFile } from './store.js';
import type { StoredTree } from '../storage/tree.js';

/** Stage mode: the destination on disk and every piece's hash (32 bytes a piece). */
export interface StageStoreSetup {
  tree: StoredTree;
  hashes: Uint8Array;
}

export interface DownloadSetup {
  files: FileInfo[];
  store: StoredFile[];
  options: DownloadOptions;
  backoff: BackoffOptions;
  seed: number;
  outputDir: string;
  faults: Faults;
  stage?: StageStoreSetup;
}

export interface UploadSetup {
  store: StoredFile[];
  backoff: BackoffOptions;
  seed: number;
  faults: Faults;
  stage?: StageStoreSetup;
}
