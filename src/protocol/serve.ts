/** Runs one role on this thread over a transport until the role is done. */
import { monotonicMs } from '../mpi/clock.js';
import { deliver } from './deliver.js';
import type { MalformedHandler, Role } from './role.js';
import type { Tag } from './tags.js';
import type { Transport } from './transport.js';

// Even with no deadline, look up now and then (cheap) so a role never sleeps unboundedly.
const MAX_WAIT_MS = 1000;

export function serve(
  role: Role,
  transport: Transport,
  tag: Tag,
  onMalformed: MalformedHandler,
  clock: () => number = monotonicMs,
): void {
  let now = clock();
  role.start(now);
  let next = role.tick(now);
  while (!role.done) {
    const packet = transport.receive(tag, Math.min(Math.max(next - now, 0), MAX_WAIT_MS));
    now = clock();
    if (packet !== undefined) {
      deliver(role, packet.source, packet.data, now, onMalformed);
      // Roles copy what they keep of a message (a piece is written before handle returns).
      transport.release?.(packet);
    }
    if (role.done) break;
    next = role.tick(now);
  }
  transport.flush();
  if (role.close === undefined) return;
  role.close(clock());
  transport.flush();
}
