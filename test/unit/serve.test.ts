import test from 'ava';

import { encode } from '../../src/protocol/codec.js';
import type { Message } from '../../src/protocol/messages.js';
import { ProtocolError } from '../../src/protocol/protocol-error.js';
import type { Role } from '../../src/protocol/role.js';
import { serve } from '../../src/protocol/serve.js';
import { Tag } from '../../src/protocol/tags.js';
import type { Packet, Transport } from '../../src/protocol/transport.js';

/** A transport that hands out scripted packets and lets a fake clock run while "waiting". */
class ScriptedTransport implements Transport {
  readonly rank = 1;
  readonly size = 3;
  readonly waits: number[] = [];
  readonly tags: number[] = [];
  flushes = 0;
  constructor(
    private readonly script: (Packet | undefined)[],
    private readonly clock: { now: number },
  ) {}
  send(): void {}
  receive(tag: number, timeoutMs: number): Packet | undefined {
    this.tags.push(tag);
    this.waits.push(timeoutMs);
    const packet = this.script.shift();
    if (packet === undefined) this.clock.now += timeoutMs;
    return packet;
  }
  flush(): void {
    this.flushes++;
  }
}

class Recording implements Role {
  readonly events: string[] = [];
  constructor(
    private readonly deadlines: (now: number) => number,
    private readonly endAfter: number,
  ) {}
  #handled = 0;
  start(now: number): void {
    this.events.push(`start ${now}`);
  }
  handle(source: number, message: Message): void {
    if (message.type === 'stop') throw new ProtocolError('no stop here');
    this.#handled++;
    this.events.push(`${message.type} from ${source}`);
  }
  tick(now: number): number {
    this.events.push(`tick ${now}`);
    return this.deadlines(now);
  }
  get done(): boolean {
    return this.#handled >= this.endAfter;
  }
}

const packet = (source: number, message: Message): Packet => ({ source, data: encode(message) });
const swarmRequest: Message = { type: 'swarm-request', fileId: 0, withHashes: false };

test('serves until done: waits no longer than the next deadline, and flushes at the end', (t) => {
  const clock = { now: 0 };
  const transport = new ScriptedTransport(
    [undefined, packet(2, swarmRequest), undefined, packet(2, swarmRequest)],
    clock,
  );
  const role = new Recording((now) => now + 40, 2);
  serve(
    role,
    transport,
    Tag.Tracker,
    () => t.fail('nothing malformed'),
    () => clock.now,
  );
  t.deepEqual(transport.waits, [40, 40, 40, 40]);
  t.true(transport.tags.every((tag) => tag === Tag.Tracker));
  t.deepEqual(
    role.events,
    ['start 0', 'tick 0', 'tick 40', 'swarm-request from 2', 'tick 40', 'tick 80', 'swarm-request from 2'],
    'no tick once done',
  );
  t.is(transport.flushes, 1);
});

test('with no deadline, it still looks up at least every second', (t) => {
  const clock = { now: 0 };
  const transport = new ScriptedTransport([undefined, undefined, packet(2, swarmRequest)], clock);
  serve(
    new Recording(() => Infinity, 1),
    transport,
    Tag.Upload,
    () => {},
    () => clock.now,
  );
  t.deepEqual(transport.waits, [1000, 1000, 1000]);
});

test('a deadline already past means just look, not wait', (t) => {
  const clock = { now: 500 };
  const transport = new ScriptedTransport([packet(1, swarmRequest)], clock);
  serve(
    new Recording(() => 100, 1),
    transport,
    Tag.Download,
    () => {},
    () => clock.now,
  );
  t.deepEqual(transport.waits, [0]);
});

test('malformed and senseless messages are handed to onMalformed with their sender, and serving goes on', (t) => {
  const clock = { now: 0 };
  const rejected: [number, string][] = [];
  const transport = new ScriptedTransport(
    [{ source: 2, data: new Uint8Array([0xee]) }, packet(1, { type: 'stop' }), packet(2, swarmRequest)],
    clock,
  );
  serve(
    new Recording(() => Infinity, 1),
    transport,
    Tag.Tracker,
    (source, reason) => rejected.push([source, reason.message]),
    () => clock.now,
  );
  t.deepEqual(rejected, [
    [2, 'unknown message type 238'],
    [1, 'no stop here'],
  ]);
});

test('each packet is released once its role has handled it, malformed ones too', (t) => {
  const clock = { now: 0 };
  const packets = [{ source: 2, data: new Uint8Array([0xee]) }, packet(1, swarmRequest), packet(2, swarmRequest)];
  const log: string[] = [];
  const transport = new ScriptedTransport([...packets], clock);
  const released: Packet[] = [];
  const releasing = Object.assign(transport, {
    release: (done: Packet) => (released.push(done), log.push(`release from ${done.source}`)),
  });
  const role = new Recording(() => Infinity, 2);
  const handle = role.handle.bind(role);
  role.handle = (source: number, message: Message) => (log.push(`handle from ${source}`), handle(source, message));
  serve(role, releasing, Tag.Download, () => log.push('malformed'));
  t.deepEqual(released, packets);
  t.deepEqual(log, [
    'malformed',
    'release from 2',
    'handle from 1',
    'release from 1',
    'handle from 2',
    'release from 2',
  ]);
});
