/** MPI's lifecycle and facts about the library. */
import { Communicator } from './comm.js';
import { THREAD_MULTIPLE, threadLevelName } from './constants.js';
import { MpiError } from './errors.js';
import { skipAbsentFabrics } from './fabrics.js';
import { native } from './native.js';
import * as validate from './validate.js';

/** Every rank of the job. */
export const COMM_WORLD = new Communicator(native.constants.COMM_WORLD);
/** This rank alone. */
export const COMM_SELF = new Communicator(native.constants.COMM_SELF);

/**
 * MPI_Init_thread, once per process (worker threads share it; later calls are harmless and
 * return the level first provided). Returns the thread level MPI provides. On a node without a
 * high-speed fabric, Open MPI is first told to use ob1 unless a PML or MTL was chosen
 * (skipAbsentFabrics): the transport it would pick anyway, without ~0.2 s of waiting.
 */
export function init(required = THREAD_MULTIPLE): number {
  const level = validate.integer('required', required, 0, 3);
  if (!native.initialized()) skipAbsentFabrics();
  return native.initThread(level);
}

/** init(), failing clearly when MPI cannot give the thread level asked for. */
export function initRequiring(required = THREAD_MULTIPLE): number {
  const provided = init(required);
  if (provided < required) {
    const error = new MpiError(
      `this MPI library provides ${threadLevelName(provided)}, but ${threadLevelName(required)} is needed ` +
        '(Open MPI must be built with thread support; see the README, Troubleshooting)',
    );
    Object.defineProperty(error, 'code', { value: 'ERR_MPI_THREAD_LEVEL', enumerable: true });
    throw error;
  }
  return provided;
}

/** Whether MPI_Init has been called (MPI_Initialized); true after finalize too. */
export const initialized = (): boolean => native.initialized();
/** Whether MPI_Finalize has been called (MPI_Finalized). */
export const finalized = (): boolean => native.finalized();
/** MPI_Finalize: once, from the thread that called init, after workers using MPI have ended. */
export const finalize = (): void => native.finalize();
/** The thread level MPI provides (MPI_Query_thread). */
export const queryThread = (): number => native.queryThread();
/** Whether this thread called init (MPI_Is_thread_main). */
export const isThreadMain = (): boolean => native.isThreadMain();
/** Seconds since an arbitrary time in the past (MPI_Wtime). */
export const wtime = (): number => native.wtime();
/** The resolution of wtime, in seconds (MPI_Wtick). */
export const wtick = (): number => native.wtick();
/** This node's name as MPI knows it (MPI_Get_processor_name). */
export const processorName = (): string => native.processorName();
/** The MPI library's own version text, e.g. "Open MPI v4.1.4, ...". */
export const libraryVersion = (): string => native.libraryVersion();
/** The MPI standard version the library implements: [major, minor]. */
export const version = (): [number, number] => native.version();

/** The largest tag this MPI accepts (the MPI_TAG_UB attribute; at least 32767). */
export const tagUpperBound = (): number => native.tagUpperBound();

/** MPI_Abort on COMM_WORLD: ends every rank of the job with `code`. */
export function abort(code = 1): never {
  return COMM_WORLD.abort(code);
}

/** How the addon's poller thread (behind recvAsync and Request.wait) waits when idle. */
export function setPollerBackoff(options: { spins: number; sleepStartUs: number; sleepCapUs: number }): void {
  native.setPollerBackoff(
    validate.integer('spins', options.spins, 0, 1e9),
    validate.integer('sleepStartUs', options.sleepStartUs, 1, 1e9),
    validate.integer('sleepCapUs', options.sleepCapUs, 1, 1e9),
  );
}
