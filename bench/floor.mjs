#!/usr/bin/env node
// The Node floor of bench/swarm.mjs: what any Node MPI program shaped like mpitorrent pays
// before its protocol. Every peer (rank > 0) starts two worker threads before MPI_Init, as
// dist/main.js does; each loads the addon and ends (bench/floor-worker.cjs). The main thread
// loads the addon, calls MPI_Init_thread (MPI_THREAD_MULTIPLE) once its workers are online (as
// dist/main.js must: dist/mpi/mpi-env.js says why), waits for them, finalizes and exits. The
// addon is loaded directly, not through dist/mpi: the floor holds nothing of ours but it and the
// variables mpitorrent sets before starting workers (dist/mpi/mpi-env.js: among them, no wait for
// fabrics the node does not have). An ES module, as dist/main.js must be (`node dist/main.js`
// in a "type": "module" package).
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

import { prepareMpiEnv } from '../dist/mpi/mpi-env.js';

prepareMpiEnv();
const addonPath = process.env.MPITORRENT_ADDON
  ? resolve(process.env.MPITORRENT_ADDON)
  : fileURLToPath(new URL('../build/Release/mpi.node', import.meta.url));
const addon = createRequire(import.meta.url)(addonPath);

const rank = process.env.OMPI_COMM_WORLD_RANK ?? process.env.PMI_RANK ?? process.env.PMIX_RANK;
const workerFile = new URL('./floor-worker.cjs', import.meta.url);
// Marks as dist/main.js's, for bench/startup.mjs (a no-op without its preload).
const startupMark = globalThis.mpitorrentStartupMark ?? (() => {});
startupMark('main: starting workers');
// Listened to from the start: a worker of the floor may be done before MPI_Init is.
function startWorker() {
  const worker = new Worker(workerFile);
  return { online: once(worker, 'online'), exited: once(worker, 'exit') };
}
// `--every-rank`: rank 0 has workers too, as in a stage job (it writes a copy).
const withWorkers = rank !== undefined && (rank !== '0' || process.argv.includes('--every-rank'));
const workers = withWorkers ? [startWorker(), startWorker()] : [];
startupMark('main: workers constructed');
await Promise.all(workers.map((worker) => worker.online));
const provided = addon.initThread(addon.constants.THREAD_MULTIPLE);
if (provided < addon.constants.THREAD_MULTIPLE) throw new Error(`MPI provides thread level ${provided}`);
await Promise.all(workers.map((worker) => worker.exited));
addon.finalize();
process.exit(0);
