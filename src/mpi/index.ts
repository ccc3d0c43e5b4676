/**
 * A Node binding of MPI: import it and write MPI programs as with mpi4py.
 *
 * ```ts
 * import { runMain, SUM } from 'mpitorrent';
 *
 * await runMain((world) => {
 *   const total = new Int32Array(1);
 *   world.allreduce(Int32Array.of(world.rank), total, SUM);
 *   if (world.rank === 0) console.log(`ranks 0..${world.size - 1} add up to ${total[0]}`);
 * });
 * ```
 *
 * Run it with `mpirun -np 4 node program.js`. Calls are MPI's, with MPI's names, on buffers
 * MPI reads and writes in place; errors are exceptions (MpiError); a failing rank ends the
 * whole job (runMain).
 *
 * @packageDocumentation
 */
export { Backoff, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
export { Communicator, type Allocate, type WaitMessageOptions } from './comm.js';
export {
  ANY_SOURCE,
  ANY_TAG,
  BAND,
  BOR,
  BXOR,
  COMM_TYPE_SHARED,
  ERROR_CLASSES,
  LAND,
  LOR,
  LXOR,
  MAX,
  MIN,
  PROC_NULL,
  PROD,
  SUM,
  THREAD_FUNNELED,
  THREAD_MULTIPLE,
  THREAD_SERIALIZED,
  THREAD_SINGLE,
  UNDEFINED,
  threadLevelName,
  type ReduceOp,
} from './constants.js';
export type { TypedArray } from './elements.js';
export {
  COMM_SELF,
  COMM_WORLD,
  abort,
  finalize,
  finalized,
  init,
  initRequiring,
  initialized,
  isThreadMain,
  libraryVersion,
  processorName,
  queryThread,
  setPollerBackoff,
  tagUpperBound,
  version,
  wtick,
  wtime,
} from './environment.js';
export { MpiError } from './errors.js';
export { skipAbsentFabrics, type FabricProbe } from './fabrics.js';
export { Message } from './message.js';
export { prepareMpiEnv } from './mpi-env.js';
export { Request } from './request.js';
export {
  fatal,
  rankLabel,
  runMain,
  runWorker,
  watchWorker,
  type DescribeError,
  type ErrorReport,
  type FailureOptions,
  type FatalOptions,
  type RunMainOptions,
} from './run.js';
export type { ReceivedMessage, Status } from './status.js';
