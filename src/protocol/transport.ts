/**
 * What the protocol needs of a network: send bytes to a rank under a tag, and take the next
 * message for a tag. MpiTransport (mpi-transport.ts) is the real one; MemoryNetwork
 * (memory-network.ts) connects roles inside one process for tests.
 */
import type { Tag } from './tags.js';

export interface Packet {
  source: number;
  data: Uint8Array;
}

export interface Transport {
  readonly rank: number;
  readonly size: number;
  /** Queues a message and returns at once; the transport owns `data` from now on. */
  send(dest: number, tag: Tag, data: Uint8Array): void;
  /** The next message under `tag` from any rank, waiting at most `timeoutMs` (0: just look). */
  receive(tag: Tag, timeoutMs: number): Packet | undefined;
  /** Waits until every message sent has left this process. */
  flush(): void;
  /** A buffer for a message to send (send() takes it back); a fresh one if absent. */
  allocate?(bytes: number): Uint8Array;
  /** The receiver is done with the packet's bytes (nothing keeps a view of them). */
  release?(packet: Packet): void;
}
