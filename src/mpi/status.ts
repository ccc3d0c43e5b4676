/** What a receive or probe tells about a message. */
import { native } from './native.js';

/** What MPI says about a message received or probed. */
export interface Status {
  /** The sender's rank. */
  readonly source: number;
  /** The message's tag. */
  readonly tag: number;
  /** The message's size in bytes. */
  readonly count: number;
}

/** A message received into a fresh buffer. */
export interface ReceivedMessage extends Status {
  /** The message's bytes, in a Buffer of exactly its size. */
  readonly data: Buffer;
}

const block = native.status;

/** The size in bytes of the message the last native receive or probe of this thread saw. */
export function lastCount(): number {
  return block[2]!;
}

/** Reads the status the last native receive or probe of this thread wrote. */
export function lastStatus(): Status {
  return { source: block[0]!, tag: block[1]!, count: block[2]! };
}
