/**
 * The environment variables the binding sets for MPI, and when that is safe. glibc's setenv can
 * move the table of variables and free the old one while another thread is walking it in
 * getenv, and that thread then crashes. Node walks it while it starts a worker, and MPI_Init
 * adds variables too (Open MPI: three): a peer died so, rarely
 * (docs/decisions/013-setenv-race-mpi-init-after-online.md). So a program
 * sets these before it starts any worker, and starts MPI only once its workers are running
 * JavaScript (their 'online' event).
 */
import { skipAbsentFabrics, type FabricProbe } from './fabrics.js';

/**
 * UCX (MPICH's network layer) rewrites the machine code of mmap, brk and friends inside
 * MPI_Init to watch memory events, while Node's other threads (V8's compiler and GC, the module
 * loader) may be running that code: a segfault or a malloc deadlock in about one job of 60 here.
 * Without the events UCX only loses its registration cache. UCX reads this when libmpi loads, so
 * the addon's loader calls it first. A value the user set wins.
 */
export function avoidUcxMemoryHooks(env: NodeJS.ProcessEnv = process.env): void {
  env.UCX_MEM_EVENTS ??= 'no';
}

/**
 * Every variable the binding would set later (when the addon loads, in init()), set now. For a
 * program's main thread before it starts worker threads; in a worker, process.env is a copy.
 */
export function prepareMpiEnv(env: NodeJS.ProcessEnv = process.env, probe?: FabricProbe): void {
  avoidUcxMemoryHooks(env);
  skipAbsentFabrics(env, probe);
}
