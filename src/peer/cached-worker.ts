/**
 * The entry of both peer workers in the bundled CLI: runs the worker's bundle, named by its
 * first argument, with V8's code cache (../code-cache.ts). When no cache fits, each worker
 * offers one as it ends, and the one that compiled the most is kept: later runs start from it.
 */
import { fileURLToPath } from 'node:url';

import { runWithCodeCache } from '../code-cache.js';

const loaded = runWithCodeCache(fileURLToPath(new URL(process.argv[2]!, import.meta.url)));
if (loaded.cache === 'missing' || loaded.cache === 'rejected') {
  process.once('exit', () => loaded.save());
}
