/**
 * The addon's whole surface, declared once, and the one place that loads it.
 * Calls are thin and 1:1 with MPI; they trust their arguments (comm.ts validates them).
 * Receives write their status into `status`: [source, tag, count].
 */
import { join, resolve } from 'node:path';

import { MpiError } from './errors.js';
import { avoidUcxMemoryHooks } from './mpi-env.js';

/** Completion callback of the native poller: `data` is set for received messages. */
export type PollerCallback = (
  error: Error | null,
  data: Buffer | undefined,
  source: number,
  tag: number,
  count: number,
) => void;

export interface NativeConstants {
  ANY_SOURCE: number;
  ANY_TAG: number;
  PROC_NULL: number;
  UNDEFINED: number;
  SUCCESS: number;
  THREAD_SINGLE: number;
  THREAD_FUNNELED: number;
  THREAD_SERIALIZED: number;
  THREAD_MULTIPLE: number;
  COMM_WORLD: number;
  COMM_SELF: number;
  COMM_TYPE_SHARED: number;
  /** Reduction operation name ("SUM") to the index allreduce takes. */
  ops: Record<string, number>;
  /** Error class name ("MPI_ERR_RANK") to its number in this MPI library. */
  errorClasses: Record<string, number>;
}

export interface NativeAddon {
  constants: NativeConstants;
  /** This thread's status block: [source, tag, count] of the last receive or probe. */
  status: Int32Array;
  /** Gives the addon the constructor it uses for every error it throws. */
  setErrorClass(constructor: new (message: string) => Error): void;

  // Environment (native/environment.cc)
  /** MPI_Init_thread, once per process; later calls return the level first provided. */
  initThread(required: number): number;
  initialized(): boolean;
  finalized(): boolean;
  /** Stops the poller thread, then MPI_Finalize. */
  finalize(): void;
  abort(comm: number, code: number): void;
  queryThread(): number;
  isThreadMain(): boolean;
  wtime(): number;
  wtick(): number;
  processorName(): string;
  libraryVersion(): string;
  version(): [number, number];

  // Communicators (native/comm.cc)
  commRank(comm: number): number;
  commSize(comm: number): number;
  commDup(comm: number): number;
  /** Returns the new communicator's handle, or -1 (MPI_COMM_NULL) for color MPI_UNDEFINED. */
  commSplit(comm: number, color: number, key: number): number;
  /** Returns the new communicator's handle, or -1 (MPI_COMM_NULL) for type MPI_UNDEFINED. */
  commSplitType(comm: number, type: number, key: number): number;
  commFree(comm: number): void;
  tagUpperBound(): number;

  // Point to point (native/p2p.cc); buffers are any ArrayBufferView, never copied.
  send(comm: number, data: ArrayBufferView, dest: number, tag: number): void;
  ssend(comm: number, data: ArrayBufferView, dest: number, tag: number): void;
  recv(comm: number, buffer: ArrayBufferView, source: number, tag: number): void;
  sendrecv(
    comm: number,
    data: ArrayBufferView,
    dest: number,
    sendTag: number,
    buffer: ArrayBufferView,
    source: number,
    recvTag: number,
  ): void;
  probe(comm: number, source: number, tag: number): void;
  iprobe(comm: number, source: number, tag: number): boolean;
  /** Returns a matched-message handle of this thread. */
  mprobe(comm: number, source: number, tag: number): number;
  /** Returns a matched-message handle, or -1 when nothing matches. */
  improbe(comm: number, source: number, tag: number): number;
  mrecv(message: number, buffer: ArrayBufferView): void;
  /** Returns a request handle of this thread; the caller keeps `data` alive until completion. */
  isend(comm: number, data: ArrayBufferView, dest: number, tag: number): number;
  irecv(comm: number, buffer: ArrayBufferView, source: number, tag: number): number;
  /** True when complete (status written, handle freed). */
  test(request: number): boolean;
  /** Blocks inside MPI until complete (status written, handle freed). */
  wait(request: number): void;
  cancel(request: number): void;
  /** Hands the request to the poller thread, which calls back on completion. */
  waitAsync(request: number, callback: PollerCallback): void;
  /** The poller thread receives the next matching message into a fresh buffer. */
  recvAsync(comm: number, source: number, tag: number, callback: PollerCallback): void;
  /** How the poller thread waits when idle. */
  setPollerBackoff(spins: number, sleepStartUs: number, sleepCapUs: number): void;

  // Collectives (native/collectives.cc). The MPI datatype follows the TypedArray's type (a
  // DataView's bytes are MPI_BYTE); counts and displacements are in elements.
  barrier(comm: number): void;
  bcast(comm: number, buffer: ArrayBufferView, root: number): void;
  allgather(comm: number, send: ArrayBufferView, recv: ArrayBufferView): void;
  allgatherv(comm: number, send: ArrayBufferView, recv: ArrayBufferView, counts: Int32Array, displs: Int32Array): void;
  /** `recv` is undefined on ranks other than the root. */
  gather(comm: number, send: ArrayBufferView, recv: ArrayBufferView | undefined, root: number): void;
  gatherv(
    comm: number,
    send: ArrayBufferView,
    recv: ArrayBufferView | undefined,
    counts: Int32Array | undefined,
    displs: Int32Array | undefined,
    root: number,
  ): void;
  /** `op` is an index of constants.ops; `recv === send` reduces in place (MPI_IN_PLACE). */
  allreduce(comm: number, send: ArrayBufferView, recv: ArrayBufferView, op: number): void;
  /** Returns a request handle of this thread. */
  ibarrier(comm: number): number;
  /** Returns a request handle of this thread; the caller keeps `buffer` alive until completion. */
  ibcast(comm: number, buffer: ArrayBufferView, root: number): number;
}

/**
 * Where the compiled addon lives; MPITORRENT_ADDON picks another build (cmake-js, MPICH),
 * relative to the working directory (require() would take a bare relative path for a package).
 */
export const addonPath = process.env.MPITORRENT_ADDON
  ? resolve(process.env.MPITORRENT_ADDON)
  : join(import.meta.dirname, '../../build/Release/mpi.node');

function load(): NativeAddon {
  avoidUcxMemoryHooks(); // before libmpi loads, which reads it
  let addon: NativeAddon;
  try {
    // What require() does with a .node file, without node:module, which a worker would
    // otherwise load for this alone (~0.2 ms with node:url,
    // docs/decisions/008-lean-worker-modules.md).
    const module = { exports: {} as unknown };
    process.dlopen(module, addonPath);
    addon = module.exports as NativeAddon;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `cannot load the MPI addon at ${addonPath}: ${reason}\n` +
        'Build it with `npm ci` (or `npm run build`); it needs MPI installed (apt-get install libopenmpi-dev).',
    );
  }
  addon.setErrorClass(MpiError); // once per thread: each worker has its own environment
  return addon;
}

export const native: NativeAddon = load();
