/**
 * The entry of every peer worker in the bundled build: runs the worker's bundle, whose path is
 * its first argument, with V8's code cache (../launch/code-cache.ts). When no cache fits, each
 * worker offers one as it ends, and the one that compiled the most is kept: later runs start from it.
 */
import { resolve } from 'node:path';

import { runWithCodeCache, saveWhenThreadEnds } from '../launch/code-cache.js';

// Runs only as the CommonJS bundle dist/peer/cached-worker.cjs (tsc's build starts the workers
// directly), so `require` is this bundle's; the workers' bundles require only Node's modules.
const loaded = runWithCodeCache(resolve(import.meta.dirname, process.argv[2]!), { require });
saveWhenThreadEnds(loaded);
