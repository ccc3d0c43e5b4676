/**
 * A protocol role (tracker, download, upload) is a plain object driven by messages and time:
 * the same code runs under MPI (serve.ts, one thread per role) and in memory (tests).
 */
import type { Message } from './messages.js';

export interface Role {
  /** Sends the first messages. `now` is in milliseconds on any steady clock. */
  start(now: number): void;
  /** One decoded message from `source`. Throws a ProtocolError if it makes no sense. */
  handle(source: number, message: Message, now: number): void;
  /** Retries and timeouts; returns when it next wants to be ticked (Infinity: no need). */
  tick(now: number): number;
  /** True once the role has finished its work. */
  readonly done: boolean;
  /**
   * Called once after `done`, when every message the role sent has left this process; what it
   * sends here is flushed too. For reports that must not overtake the role's data.
   */
  close?(now: number): void;
}

/** What happens to a message that is malformed or makes no sense: reported, then dropped. */
export type MalformedHandler = (source: number, reason: Error) => void;
