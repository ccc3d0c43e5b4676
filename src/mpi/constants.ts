/** MPI's constants, with the values of the MPI library the addon was built against. */
import { native } from './native.js';

const c = native.constants;

/** Receive from any rank (MPI_ANY_SOURCE). */
export const ANY_SOURCE = c.ANY_SOURCE;
/** Receive any tag (MPI_ANY_TAG). */
export const ANY_TAG = c.ANY_TAG;
/** The rank no one has: a send to it or a receive from it does nothing at once (MPI_PROC_NULL). */
export const PROC_NULL = c.PROC_NULL;
/** MPI_UNDEFINED: as a color in Communicator.split, "not in any part". */
export const UNDEFINED = c.UNDEFINED;
/** Thread level: only one thread in the process (MPI_THREAD_SINGLE). */
export const THREAD_SINGLE = c.THREAD_SINGLE;
/** Thread level: only the thread that called init calls MPI (MPI_THREAD_FUNNELED). */
export const THREAD_FUNNELED = c.THREAD_FUNNELED;
/** Thread level: any thread calls MPI, one at a time (MPI_THREAD_SERIALIZED). */
export const THREAD_SERIALIZED = c.THREAD_SERIALIZED;
/** Thread level: any thread calls MPI at any time (MPI_THREAD_MULTIPLE); the binding's default. */
export const THREAD_MULTIPLE = c.THREAD_MULTIPLE;
/** Communicator.splitType: the ranks that can share memory, i.e. one node (MPI_COMM_TYPE_SHARED). */
export const COMM_TYPE_SHARED = c.COMM_TYPE_SHARED;
/** Error class name ("MPI_ERR_RANK") to its number in this MPI library. */
export const ERROR_CLASSES: Readonly<Record<string, number>> = Object.freeze({ ...c.errorClasses });

/** Sum (MPI_SUM). */
export const SUM = 'SUM';
/** Product (MPI_PROD). */
export const PROD = 'PROD';
/** Maximum (MPI_MAX). */
export const MAX = 'MAX';
/** Minimum (MPI_MIN). */
export const MIN = 'MIN';
/** Logical and, on integer arrays: 1 where every rank's element is non-zero, else 0 (MPI_LAND). */
export const LAND = 'LAND';
/** Logical or, on integer arrays (MPI_LOR). */
export const LOR = 'LOR';
/** Logical exclusive or, on integer arrays (MPI_LXOR). */
export const LXOR = 'LXOR';
/** Bitwise and, on integer arrays (MPI_BAND). */
export const BAND = 'BAND';
/** Bitwise or, on integer arrays (MPI_BOR). */
export const BOR = 'BOR';
/** Bitwise exclusive or, on integer arrays (MPI_BXOR). */
export const BXOR = 'BXOR';

/** A reduction operation of Communicator.allreduce, named as in MPI without the prefix. */
export type ReduceOp =
  | typeof SUM
  | typeof PROD
  | typeof MAX
  | typeof MIN
  | typeof LAND
  | typeof LOR
  | typeof LXOR
  | typeof BAND
  | typeof BOR
  | typeof BXOR;

const threadLevelNames = new Map<number, string>([
  [THREAD_SINGLE, 'MPI_THREAD_SINGLE'],
  [THREAD_FUNNELED, 'MPI_THREAD_FUNNELED'],
  [THREAD_SERIALIZED, 'MPI_THREAD_SERIALIZED'],
  [THREAD_MULTIPLE, 'MPI_THREAD_MULTIPLE'],
]);

/** The MPI name of a thread level, e.g. "MPI_THREAD_MULTIPLE", for messages. */
export function threadLevelName(level: number): string {
  return threadLevelNames.get(level) ?? `thread level ${level}`;
}
