/** How roles send: encode, count, hand to the network. */
import { encode } from './codec.js';
import type { Message } from './messages.js';
import type { Tag } from './tags.js';

export type SendBytes = (dest: number, tag: Tag, data: Uint8Array) => void;

export class Outbox {
  readonly #sendBytes: SendBytes;
  /** Messages sent so far, for the statistics. */
  sent = 0;

  constructor(sendBytes: SendBytes) {
    this.#sendBytes = sendBytes;
  }

  send(dest: number, tag: Tag, message: Message): void {
    this.sendEncoded(dest, tag, encode(message));
  }

  /** A message already encoded (codec.ts's encodeSegmentsWithRoom). */
  sendEncoded(dest: number, tag: Tag, data: Uint8Array): void {
    this.sent++;
    this.#sendBytes(dest, tag, data);
  }
}
