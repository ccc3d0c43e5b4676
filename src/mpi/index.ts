/**
 * A Node binding of MPI: import it and write MPI programs as with mpi4py.
 *
 *   import { runMain } from 'mpitorrent';
 *   await runMain((world) => { ... world.send(bytes, 1, 7) ... });
 */
export { Backoff, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
export { Communicator, type WaitMessageOptions } from './comm.js';
export {
  ANY_SOURCE, ANY_TAG, ERROR_CLASSES, PROC_NULL, THREAD_FUNNELED, THREAD_MULTIPLE,
  THREAD_SERIALIZED, THREAD_SINGLE, UNDEFINED, threadLevelName,
} from './constants.js';
export {
  COMM_SELF, COMM_WORLD, abort, finalize, finalized, init, initRequiring, initialized, isThreadMain,
  libraryVersion, processorName, queryThread, setPollerBackoff, version, wtick, wtime,
} from './environment.js';
export { MpiError } from './errors.js';
export { skipAbsentFabrics, type FabricProbe } from './fabrics.js';
export { Message } from './message.js';
export { prepareMpiEnv } from './mpi-env.js';
export { Request } from './request.js';
export { fatal, rankLabel, runMain, runWorker, watchWorker, type ExpectedError } from './run.js';
export type { ReceivedMessage, Status } from './status.js';
