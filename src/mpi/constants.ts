/** MPI's constants, with the values of the MPI library the addon was built against. */
import { native } from './native.js';

const c = native.constants;

export const ANY_SOURCE = c.ANY_SOURCE;
export const ANY_TAG = c.ANY_TAG;
export const PROC_NULL = c.PROC_NULL;
export const UNDEFINED = c.UNDEFINED;
export const THREAD_SINGLE = c.THREAD_SINGLE;
export const THREAD_FUNNELED = c.THREAD_FUNNELED;
export const THREAD_SERIALIZED = c.THREAD_SERIALIZED;
export const THREAD_MULTIPLE = c.THREAD_MULTIPLE;
/** Error class name ("MPI_ERR_RANK") to its number in this MPI library. */
export const ERROR_CLASSES: Readonly<Record<string, number>> = Object.freeze({ ...c.errorClasses });

const threadLevelNames = new Map<number, string>([
  [THREAD_SINGLE, 'MPI_THREAD_SINGLE'],
  [THREAD_FUNNELED, 'MPI_THREAD_FUNNELED'],
  [THREAD_SERIALIZED, 'MPI_THREAD_SERIALIZED'],
  [THREAD_MULTIPLE, 'MPI_THREAD_MULTIPLE'],
]);

export function threadLevelName(level: number): string {
  return threadLevelNames.get(level) ?? `thread level ${level}`;
}
