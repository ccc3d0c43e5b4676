/** Decodes a message and hands it to a role; malformed ones are rejected, naming the sender. */
import { decode } from './codec.js';
import { ProtocolError } from './protocol-error.js';
import type { MalformedHandler, Role } from './role.js';

export function deliver(
  role: Role,
  source: number,
  data: Uint8Array,
  now: number,
  onMalformed: MalformedHandler,
): void {
  try {
    role.handle(source, decode(data), now);
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error;
    onMalformed(source, error);
  }
}
