/**
 * The entry of both peer workers in the bundled CLI: runs the worker's bundle, named by its
 * first argument, with V8's code cache (../launch/code-cache.ts). When no cache fits, each worker
 * offers one as it ends, and the one that compiled the most is kept: later runs start from it.
 */
import { join } from 'node:path';

import { runWithCodeCache, saveWhenThreadEnds } from '../launch/code-cache.js';

// Runs only as the CommonJS bundle dist/peer/cached-worker.cjs (tsc's build starts the workers
// directly), so `require` is this bundle's, and resolves from the same folder as theirs.
const loaded = runWithCodeCache(join(import.meta.dirname, process.argv[2]!), { require });
saveWhenThreadEnds(loaded);
