/**
 * Checks for the collectives on typed elements (allgather, gather, allreduce): which TypedArray,
 * how many elements, counts and displacements. MPI is told the datatype of the TypedArray (the
 * addon maps it), so send and receive buffers must hold the same type; a DataView is bytes.
 */
import { native } from './native.js';
import * as validate from './validate.js';

/** Any TypedArray; a Buffer is a Uint8Array. */
export type TypedArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

const INT_MAX = 2147483647;
const FLOATS = new Set(['Float32Array', 'Float64Array']);
const INTEGER_ONLY_OPS = new Set(['LAND', 'LOR', 'LXOR', 'BAND', 'BOR', 'BXOR']);

/** The element type MPI gets: the TypedArray's name ('Uint8Array' for a Buffer), or 'DataView'. */
export function elementType(view: ArrayBufferView): string {
  return (view as unknown as { [Symbol.toStringTag]: string })[Symbol.toStringTag];
}

/** How many elements MPI counts in the view (bytes for a DataView). */
export function lengthOf(view: ArrayBufferView): number {
  return view instanceof DataView ? view.byteLength : (view as TypedArray).length;
}

function overlap(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return (
    a.buffer === b.buffer && a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength
  );
}

/**
 * `value` as the receive buffer of `send`: a view of the same element type holding at least
 * `needed` elements, not overlapping `send`.
 */
export function receiveBuffer(name: string, value: unknown, send: ArrayBufferView, needed: number): ArrayBufferView {
  const recv = validate.bytes(name, value);
  const type = elementType(send);
  if (elementType(recv) !== type) throw validate.invalidArgument(name, `a ${type} like send`, recv);
  const length = lengthOf(recv);
  if (length < needed) {
    throw new RangeError(`Expected at least ${needed} elements for ${name} but received ${length}`);
  }
  if (overlap(send, recv)) throw new RangeError(`Expected ${name} not to overlap send`);
  return recv;
}

/** One count per rank, each in [0, 2^31-1], as the Int32Array the addon takes. */
export function counts(name: string, value: unknown, size: number): Int32Array {
  if (value === null || typeof value !== 'object' || typeof (value as ArrayLike<number>).length !== 'number') {
    throw validate.invalidArgument(name, 'an array of numbers', value);
  }
  const list = value as ArrayLike<unknown>;
  if (list.length !== size) {
    throw new RangeError(`Expected ${size} entries (one per rank) for ${name} but received ${list.length}`);
  }
  const result = new Int32Array(size);
  for (let i = 0; i < size; i++) result[i] = validate.integer(`${name}[${i}]`, list[i], 0, INT_MAX);
  return result;
}

/** Packed displacements for `counts`: each rank's elements right after the previous rank's. */
export function packedDispls(counts: Int32Array): Int32Array {
  const displs = new Int32Array(counts.length);
  let next = 0;
  for (let i = 0; i < counts.length; i++) {
    displs[i] = next;
    next += counts[i]!;
    if (next > INT_MAX)
      throw new RangeError(`Expected at most ${INT_MAX} elements in all but the counts add up to more`);
  }
  return displs;
}

/** The elements the receive buffer needs for these counts and displacements. */
export function extent(counts: Int32Array, displs: Int32Array): number {
  let end = 0;
  for (let i = 0; i < counts.length; i++) if (counts[i]! > 0) end = Math.max(end, displs[i]! + counts[i]!);
  return end;
}

/** The addon's index of a reduction on `send`'s type: logical and bitwise ones need integers. */
export function reduceOp(name: string, value: unknown, send: ArrayBufferView): number {
  const ops = native.constants.ops;
  if (typeof value !== 'string' || !Object.hasOwn(ops, value)) {
    const got = typeof value === 'string' ? JSON.stringify(value) : validate.describe(value);
    throw new TypeError(`Expected one of ${Object.keys(ops).join(', ')} for ${name} but received ${got}`);
  }
  const type = elementType(send);
  if (type === 'DataView') throw validate.invalidArgument('send', 'a TypedArray (a reduction needs a type)', send);
  if (INTEGER_ONLY_OPS.has(value) && FLOATS.has(type)) {
    throw new TypeError(`Expected an integer TypedArray for ${value} but received ${type}`);
  }
  return ops[value]!;
}
