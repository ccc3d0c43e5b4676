import test from 'ava';

import { encode } from '../../src/protocol/codec.js';
import { deliver } from '../../src/protocol/deliver.js';
import { MemoryNetwork } from '../../src/protocol/memory-network.js';
import type { Message } from '../../src/protocol/messages.js';
import { ProtocolError } from '../../src/protocol/protocol-error.js';
import type { Role } from '../../src/protocol/role.js';
import { Tag } from '../../src/protocol/tags.js';

/** Receives `expected` messages, recording (source, the u32 of a bad-segment) in order. */
class Sink implements Role {
  readonly got: [number, number][] = [];
  constructor(private readonly expected: number) {}
  start(): void {}
  handle(source: number, message: Message): void {
    if (message.type !== 'bad-segment') throw new ProtocolError(`unexpected ${message.type}`);
    this.got.push([source, message.segment]);
  }
  tick(): number {
    return Infinity;
  }
  get done(): boolean {
    return this.got.length >= this.expected;
  }
}

const numbered = (segment: number): Message => ({ type: 'bad-segment', fileId: 0, segment, sender: 1 });

function interleaving(seed: number): [number, number][] {
  const network = new MemoryNetwork(4, seed);
  const sink = new Sink(60);
  network.attach(0, Tag.Tracker, sink);
  for (const rank of [1, 2, 3]) for (let i = 0; i < 20; i++) network.outbox(rank).send(0, Tag.Tracker, numbered(i));
  network.run();
  return sink.got;
}

test("each sender's messages arrive in order; senders interleave by seed", (t) => {
  const got = interleaving(1);
  for (const rank of [1, 2, 3]) {
    t.deepEqual(
      got.filter(([source]) => source === rank).map(([, n]) => n),
      Array.from({ length: 20 }, (_, i) => i),
    );
  }
  t.deepEqual(interleaving(1), got, 'the same seed, the same order');
  t.notDeepEqual(interleaving(2), got, 'another seed, another order');
  t.notDeepEqual(
    got.map(([source]) => source),
    [...got.map(([source]) => source)].sort(),
    'interleaved, not one sender after another',
  );
});

test('time moves to the next deadline when nothing is in flight', (t) => {
  const network = new MemoryNetwork(1);
  const ticks: number[] = [];
  let done = false;
  network.attach(0, Tag.Tracker, {
    start() {},
    handle() {},
    tick(now) {
      ticks.push(now);
      if (now >= 250) done = true;
      return now < 100 ? 100 : 250;
    },
    get done() {
      return done;
    },
  });
  network.run();
  t.is(network.now, 250);
  t.true(ticks.includes(100) && ticks.includes(250));
  t.true(
    ticks.every((now, i) => i === 0 || now >= ticks[i - 1]!),
    'time never goes back',
  );
});

test('a role waiting with no message and no deadline is a deadlock, named', (t) => {
  const network = new MemoryNetwork(2);
  network.attach(1, Tag.Download, new Sink(1));
  t.throws(() => network.run(), { message: 'deadlock: no message in flight and no deadline; waiting: 1:3' });
});

test('malformed messages are rejected with the sender named, and the role goes on', (t) => {
  const network = new MemoryNetwork(3);
  const sink = new Sink(1);
  network.attach(0, Tag.Tracker, sink);
  network.outbox(1).send(0, Tag.Tracker, { type: 'stop' });
  network.outbox(2).send(0, Tag.Tracker, numbered(7));
  network.run();
  t.deepEqual(sink.got, [[2, 7]]);
  t.is(network.rejections.length, 1);
  t.like(network.rejections[0], { receiver: 0, source: 1 });
  t.is(network.rejections[0]!.reason.message, 'unexpected stop');
});

test('messages never received are reported per rank and tag', (t) => {
  const network = new MemoryNetwork(3);
  network.attach(0, Tag.Tracker, new Sink(1));
  network.outbox(1).send(0, Tag.Tracker, numbered(1));
  network.outbox(1).send(0, Tag.Tracker, numbered(2));
  network.outbox(1).send(2, Tag.Upload, { type: 'stop' });
  network.run();
  t.deepEqual(
    network.undelivered(),
    new Map([
      ['0:1', 1],
      ['2:4', 1],
    ]),
  );
  t.throws(() => network.outbox(1).send(3, Tag.Upload, { type: 'stop' }), {
    message: 'rank 1 sent to rank 3, which does not exist',
  });
});

test('an outbox counts what it sends', (t) => {
  const network = new MemoryNetwork(2);
  const outbox = network.outbox(1);
  outbox.send(0, Tag.Tracker, { type: 'stop' });
  outbox.send(0, Tag.Tracker, { type: 'stop' });
  t.is(outbox.sent, 2);
});

test('deliver: bad bytes and protocol errors go to the handler; any other error is a bug and propagates', (t) => {
  const rejected: [number, string][] = [];
  const onMalformed = (source: number, reason: Error): void => void rejected.push([source, reason.message]);
  const sink = new Sink(10);
  deliver(sink, 4, new Uint8Array(0), 0, onMalformed);
  deliver(sink, 5, encode({ type: 'stop' }), 0, onMalformed);
  deliver(sink, 6, encode(numbered(3)), 0, onMalformed);
  t.deepEqual(rejected, [
    [4, 'empty message'],
    [5, 'unexpected stop'],
  ]);
  t.deepEqual(sink.got, [[6, 3]]);
  const broken: Role = {
    start() {},
    tick: () => Infinity,
    done: false,
    handle() {
      throw new TypeError('bug');
    },
  };
  t.throws(() => deliver(broken, 1, encode({ type: 'stop' }), 0, onMalformed), { instanceOf: TypeError });
});
