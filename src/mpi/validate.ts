/** Argument checks with one message format, so the addon can trust what it gets. */

/** A value as a message shows it: numbers with their type, views by their class. */
export function describe(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') return `${value} of type ${typeof value}`;
  if (value === null) return 'null';
  if (ArrayBuffer.isView(value)) return value.constructor.name;
  return `a value of type ${typeof value}`;
}

/** The TypeError for an argument of the wrong kind, in the binding's one message format. */
export function invalidArgument(name: string, expected: string, value: unknown): TypeError {
  return new TypeError(`Expected ${expected} for ${name} but received ${describe(value)}`);
}

/** An integer in [min, max]; RangeError when it is an integer out of range. */
export function integer(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw invalidArgument(name, `an integer between ${min} and ${max}`, value);
  }
  if (value < min || value > max) {
    throw new RangeError(`Expected an integer between ${min} and ${max} for ${name} but received ${value}`);
  }
  return value;
}

const MAX_COUNT = 2147483647;

/** Any TypedArray or DataView of at most 2^31-1 bytes. */
export function bytes(name: string, value: unknown): ArrayBufferView {
  if (!ArrayBuffer.isView(value)) throw invalidArgument(name, 'a TypedArray, Buffer or DataView', value);
  if (value.byteLength > MAX_COUNT) {
    throw new RangeError(`Expected at most ${MAX_COUNT} bytes for ${name} but received ${value.byteLength}`);
  }
  return value;
}

/** A function, e.g. a callback. */
export function fn(name: string, value: unknown): void {
  if (typeof value !== 'function') throw invalidArgument(name, 'a function', value);
}
