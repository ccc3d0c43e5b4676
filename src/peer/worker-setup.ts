/** What a peer's main thread posts to its workers once the tracker says go. */
import type { BackoffOptions } from '../mpi/backoff.js';
import type { FileInfo } from '../protocol/messages.js';
import type { DownloadOptions } from './download.js';
import type { Faults } from './faults.js';
import type { StoredFile } from './store.js';

export interface DownloadSetup {
  files: FileInfo[];
  store: StoredFile[];
  options: DownloadOptions;
  backoff: BackoffOptions;
  seed: number;
  outputDir: string;
  faults: Faults;
}

export interface UploadSetup {
  store: StoredFile[];
  backoff: BackoffOptions;
  seed: number;
  faults: Faults;
}
