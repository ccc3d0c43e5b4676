/**
 * Pins the addon's exports to their TypeScript declaration (src/mpi/native.ts), both ways:
 * the lists below must name every key of NativeAddon / NativeConstants and nothing else
 * (checked by the compiler: see `npm run typecheck`), and the loaded addon must export
 * exactly these names (checked here). Loading the addon does not start MPI.
 */
import test from 'ava';

import { native, type NativeAddon, type NativeConstants } from '../../../src/mpi/native.js';

/** The keys of T whose values are functions. */
type FunctionKeys<T> = { [K in keyof T]: T[K] extends (...args: never[]) => unknown ? K : never }[keyof T];

/** `true` only when the list names every key; otherwise the missing keys, as a type error. */
type Covers<Listed, All> = [Exclude<All, Listed>] extends [never] ? true : Exclude<All, Listed>;

const FUNCTIONS = [
  'setErrorClass',
  // environment
  'initThread',
  'initialized',
  'finalized',
  'finalize',
  'abort',
  'queryThread',
  'isThreadMain',
  'wtime',
  'wtick',
  'processorName',
  'libraryVersion',
  'version',
  // communicators
  'commRank',
  'commSize',
  'commDup',
  'commSplit',
  'commSplitType',
  'commFree',
  'tagUpperBound',
  // point to point
  'send',
  'ssend',
  'recv',
  'sendrecv',
  'probe',
  'iprobe',
  'mprobe',
  'improbe',
  'mrecv',
  'isend',
  'irecv',
  'test',
  'wait',
  'cancel',
  'waitAsync',
  'recvAsync',
  'setPollerBackoff',
  // collectives
  'barrier',
  'bcast',
  'allgather',
  'allgatherv',
  'gather',
  'gatherv',
  'allreduce',
  'ibarrier',
  'ibcast',
] as const satisfies readonly FunctionKeys<NativeAddon>[];

const VALUES = ['constants', 'status'] as const satisfies readonly Exclude<
  keyof NativeAddon,
  FunctionKeys<NativeAddon>
>[];

const CONSTANTS = [
  'ANY_SOURCE',
  'ANY_TAG',
  'PROC_NULL',
  'UNDEFINED',
  'SUCCESS',
  'THREAD_SINGLE',
  'THREAD_FUNNELED',
  'THREAD_SERIALIZED',
  'THREAD_MULTIPLE',
  'COMM_WORLD',
  'COMM_SELF',
  'COMM_TYPE_SHARED',
  'ops',
  'errorClasses',
] as const satisfies readonly (keyof NativeConstants)[];

// Compile-time: a key declared in native.ts but missing above fails `npm run typecheck` here,
// naming the key; `satisfies` above rejects names that are not declared.
const _everyExportListed: Covers<(typeof FUNCTIONS)[number] | (typeof VALUES)[number], keyof NativeAddon> = true;
const _everyConstantListed: Covers<(typeof CONSTANTS)[number], keyof NativeConstants> = true;

const sorted = (names: Iterable<string>): string[] => [...names].sort();

test('no name is listed twice', (t) => {
  t.is(new Set([...FUNCTIONS, ...VALUES]).size, FUNCTIONS.length + VALUES.length);
  t.is(new Set(CONSTANTS).size, CONSTANTS.length);
});

test('the addon exports exactly the declared names', (t) => {
  t.deepEqual(sorted(Object.keys(native)), sorted([...FUNCTIONS, ...VALUES]));
});

test('declared functions are functions, named as exported', (t) => {
  for (const name of FUNCTIONS) {
    t.is(typeof native[name], 'function', name);
    t.is(native[name].name, name);
  }
});

test('the constants are exactly the declared ones, as numbers', (t) => {
  t.deepEqual(sorted(Object.keys(native.constants)), sorted(CONSTANTS));
  for (const name of CONSTANTS) {
    if (name !== 'errorClasses' && name !== 'ops') t.true(Number.isInteger(native.constants[name]), name);
  }
  t.is(native.constants.errorClasses.MPI_SUCCESS, 0);
  t.true(Number.isInteger(native.constants.errorClasses.MPI_ERR_RANK));
});

test("the reduction operations are MPI's, each with its own index", (t) => {
  const ops = native.constants.ops;
  t.deepEqual(
    sorted(Object.keys(ops)),
    sorted(['SUM', 'PROD', 'MAX', 'MIN', 'LAND', 'LOR', 'LXOR', 'BAND', 'BOR', 'BXOR']),
  );
  t.is(new Set(Object.values(ops)).size, Object.keys(ops).length);
});

test('status is an Int32Array of [source, tag, count]', (t) => {
  t.true(native.status instanceof Int32Array);
  t.is(native.status.length, 3);
});
