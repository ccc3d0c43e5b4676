/** Checks, at start-up, that a folder the run will write into is there and writable. */
import { accessSync, constants, statSync } from 'node:fs';

import { describeFsError } from './fs-reason.js';

/** Why files cannot be written in `dir`, or undefined if they can. */
export function unwritableFolderReason(dir: string): string | undefined {
  try {
    if (!statSync(dir).isDirectory()) return 'not a folder';
    accessSync(dir, constants.W_OK);
    return undefined;
  } catch (error) {
    return describeFsError(error, { ENOENT: 'no such folder' });
  }
}
