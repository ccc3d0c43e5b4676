/**
 * MpiTransport's waits while sends are in flight (docs/decisions/016-stage-large-messages.md),
 * over a fake communicator: its waitMessage returns at once and records the timeout asked for,
 * and each send completes on its Nth test.
 */
import test from 'ava';

import type { Communicator, Request } from '../../src/mpi/index.js';
import { MpiTransport, REMOTE_SEND_POLL_US } from '../../src/protocol/mpi-transport.js';
import { Tag } from '../../src/protocol/tags.js';

const SLICE_MS = REMOTE_SEND_POLL_US / 1000;
const TIMEOUT_MS = 10_000; // never waited for: the fake returns at once

/** A communicator whose sends to `dest` complete on their `testsToDone[dest]`th test (never if absent). */
function fakeComm(testsToDone: Record<number, number>) {
  const waits: number[] = []; // each waitMessage's timeoutMs
  const events: string[] = [];
  const comm = {
    rank: 0,
    size: 4,
    isend(_data: Uint8Array, dest: number): Request {
      let tests = 0;
      return {
        test: () => {
          events.push(`test ${dest}`);
          return ++tests >= (testsToDone[dest] ?? Infinity) ? { source: 0, tag: 0, count: 0 } : undefined;
        },
      } as unknown as Request;
    },
    waitMessage(_source: number, _tag: number, options: { timeoutMs: number }) {
      waits.push(options.timeoutMs);
      events.push('wait');
      return undefined;
    },
  };
  return { comm: comm as unknown as Communicator, waits, events };
}

const MiB = new Uint8Array(1024 * 1024);

test('a send to another node in flight: waits in slices of the cap, testing it between, then the rest', (t) => {
  const { comm, waits, events } = fakeComm({ 2: 4 });
  const transport = new MpiTransport(comm, {}, { localRanks: [0, 1] });
  transport.send(2, Tag.Download, MiB); // its first test, in send
  t.is(transport.receive(Tag.Upload, TIMEOUT_MS), undefined);
  // The second test in receive's first reap; two slices, each followed by a test; the rest.
  t.deepEqual(events, ['test 2', 'test 2', 'wait', 'test 2', 'wait', 'test 2', 'wait']);
  t.deepEqual(waits.slice(0, 2), [SLICE_MS, SLICE_MS]);
  t.true(waits[2]! > SLICE_MS && waits[2]! <= TIMEOUT_MS);
  t.is(transport.pendingBytes(), 0, 'the send was reaped');
});

test('a wait shorter than the cap is one wait', (t) => {
  const { comm, waits } = fakeComm({});
  const transport = new MpiTransport(comm, {}, { localRanks: [0] });
  transport.send(3, Tag.Download, MiB);
  transport.receive(Tag.Upload, 0);
  t.deepEqual(waits, [0]);
});

test('sends on this node in flight do not shorten the wait', (t) => {
  const { comm, waits } = fakeComm({});
  const transport = new MpiTransport(comm, {}, { localRanks: [0, 1] });
  transport.send(1, Tag.Download, MiB); // never completes
  transport.receive(Tag.Upload, TIMEOUT_MS);
  t.deepEqual(waits, [TIMEOUT_MS]);
  t.is(transport.pendingBytes(), MiB.byteLength, 'still held');
});

test('once the sends to other nodes are done, those on this node do not shorten the rest', (t) => {
  const { comm, waits } = fakeComm({ 3: 3 });
  const transport = new MpiTransport(comm, {}, { localRanks: [0, 1] });
  transport.send(1, Tag.Download, MiB); // never completes
  transport.send(3, Tag.Download, MiB); // done on its third test: after one slice
  transport.receive(Tag.Upload, TIMEOUT_MS);
  t.is(waits.length, 2);
  t.is(waits[0], SLICE_MS);
  t.true(waits[1]! > SLICE_MS);
  t.is(transport.pendingBytes(), MiB.byteLength, 'the send on this node is still held');
});

test('without localRanks (the course) no send shortens the wait', (t) => {
  const { comm, waits } = fakeComm({});
  const transport = new MpiTransport(comm);
  transport.send(3, Tag.Download, MiB);
  transport.receive(Tag.Upload, TIMEOUT_MS);
  t.deepEqual(waits, [TIMEOUT_MS]);
});

test('nothing in flight: one wait of the whole timeout', (t) => {
  const { comm, waits, events } = fakeComm({});
  const transport = new MpiTransport(comm, {}, { localRanks: [0] });
  transport.receive(Tag.Upload, TIMEOUT_MS);
  t.deepEqual(waits, [TIMEOUT_MS]);
  t.deepEqual(events, ['wait']);
});
