import test from 'ava';

import type { UploadBehaviour } from '../../src/peer/upload.js';
import type { Message, Segments } from '../../src/protocol/messages.js';
import { ProtocolError } from '../../src/protocol/protocol-error.js';
import { Tag } from '../../src/protocol/tags.js';
import { hashes } from '../helpers/swarm-inputs.js';
import { payloadOf, UploadHarness } from '../helpers/role-harness.js';

const FILE = hashes('upload', 10);
const HELD = [0, 1, 2, 3, 5, 6, 7, 8, 9]; // not 4

function harness(behaviour?: UploadBehaviour): UploadHarness {
  return new UploadHarness({
    rank: 1,
    size: 6,
    files: [{ id: 2, hashes: FILE, held: HELD }],
    ...(behaviour ? { behaviour } : {}),
  });
}

const reply = (segments: number[], refused: number[], fileId = 2): Segments => ({
  type: 'segments',
  fileId,
  refused,
  segments: segments.map((segment) => ({ segment, payload: payloadOf(FILE[segment]!) })),
});

test('serves the segments it holds and refuses the rest explicitly', (t) => {
  const h = harness();
  h.give(3, { type: 'segment-request', fileId: 2, segments: [3, 4, 10, 0xffff_ffff, 0] });
  t.deepEqual(h.take(), [{ dest: 3, tag: Tag.Download, message: reply([3, 0], [4, 10, 0xffff_ffff]) }]);
  h.give(4, { type: 'segment-request', fileId: 9, segments: [0, 1] });
  t.deepEqual(h.take(), [{ dest: 4, tag: Tag.Download, message: reply([], [0, 1], 9) }], 'a file it does not have');
  t.is(h.upload.served, 2);
  t.is(h.upload.refused, 5);
  t.deepEqual(
    [...h.upload.servedTo],
    [
      [3, 2],
      [4, 0],
    ],
  );
});

test('a segment written later (downloaded meanwhile) is served from then on', (t) => {
  const h = harness();
  h.give(2, { type: 'segment-request', fileId: 2, segments: [4] });
  t.deepEqual(h.take()[0]?.message, reply([], [4]));
  h.store.write(2, 4, payloadOf(FILE[4]!));
  h.give(2, { type: 'segment-request', fileId: 2, segments: [4] });
  t.deepEqual(h.take()[0]?.message, reply([4], []));
});

test('on stop from the tracker it ends, and reports what it served only on close (its answers sent)', (t) => {
  const h = harness();
  h.give(5, { type: 'segment-request', fileId: 2, segments: [0, 1, 4] });
  h.give(2, { type: 'segment-request', fileId: 2, segments: [2] });
  h.give(5, { type: 'segment-request', fileId: 2, segments: [3] });
  h.take();
  t.false(h.upload.done);
  h.give(0, { type: 'stop' });
  t.true(h.upload.done);
  t.deepEqual(h.take(), [], 'no report before its answers have left');
  h.upload.close();
  t.deepEqual(h.take(), [
    {
      dest: 0,
      tag: Tag.Tracker,
      message: {
        type: 'upload-stats',
        servedTo: [
          { rank: 2, count: 1 },
          { rank: 5, count: 3 },
        ],
        refused: 1,
        messagesSent: 4,
      },
    },
  ]);
  t.is(h.upload.tick(1000), Infinity);
});

test('only another peer may ask for segments, and only the tracker may stop it', (t) => {
  const h = harness();
  for (const source of [0, 1, 6, 100]) {
    const error = t.throws(() => h.give(source, { type: 'segment-request', fileId: 2, segments: [0] }), {
      instanceOf: ProtocolError,
    });
    t.is(error?.message, `a segment request from rank ${source}, which is not another peer`);
  }
  t.throws(() => h.give(3, { type: 'stop' }), {
    instanceOf: ProtocolError,
    message: 'only the tracker can stop an upload worker',
  });
  t.false(h.upload.done);
  t.deepEqual(h.take(), []);
  t.is(h.upload.served, 0);
});

test('the upload worker rejects every message type but segment-request and stop', (t) => {
  const h = harness();
  const wrong: Message[] = [
    { type: 'register', path: 'in2.txt', owned: [], wanted: [] },
    { type: 'ready', peerCount: 3, files: [] },
    { type: 'swarm-request', fileId: 2, withHashes: true },
    { type: 'swarm', fileId: 2, hashes: null, holders: [] },
    { type: 'update', fileId: 2, segments: [], complete: false, wantSwarm: true },
    { type: 'bad-segment', fileId: 2, segment: 0, sender: 2 },
    { type: 'downloads-done', downloadsBySource: [], badBySource: [], messagesSent: 0 },
    { type: 'segments', fileId: 2, segments: [], refused: [] },
    { type: 'upload-stats', servedTo: [], refused: 0, messagesSent: 0 },
  ];
  for (const message of wrong) {
    for (const source of [0, 3]) {
      const error = t.throws(() => h.give(source, message), { instanceOf: ProtocolError });
      t.is(error?.message, `an upload worker does not take ${message.type} messages`);
    }
  }
  t.deepEqual(h.take(), []);
});

test('a corrupting behaviour changes what is sent, never what is stored', (t) => {
  const totals: number[] = [];
  const h = harness({
    payload: (stored) => {
      const copy = stored.slice();
      copy[0] = copy[0]! ^ 0xff;
      return copy;
    },
    delayMs: () => 0,
    served: (total) => totals.push(total),
  });
  h.give(3, { type: 'segment-request', fileId: 2, segments: [0, 1] });
  h.give(3, { type: 'segment-request', fileId: 2, segments: [4, 5] });
  const sent = h.take().map((item) => item.message as Segments);
  const expected = (segment: number): Uint8Array => {
    const bytes = payloadOf(FILE[segment]!);
    bytes[0] = bytes[0]! ^ 0xff;
    return bytes;
  };
  t.deepEqual(sent[0]?.segments, [
    { segment: 0, payload: expected(0) },
    { segment: 1, payload: expected(1) },
  ]);
  t.deepEqual(sent[1]?.segments, [{ segment: 5, payload: expected(5) }]);
  for (const segment of [0, 1, 5]) t.deepEqual(h.store.read(2, segment), payloadOf(FILE[segment]!));
  t.deepEqual(totals, [2, 3], 'told the running total after each answer');
});

test('a slow behaviour holds each answer back for its delay', (t) => {
  const h = harness({ payload: (stored) => stored, delayMs: () => 100, served: () => {} });
  h.give(3, { type: 'segment-request', fileId: 2, segments: [0] }, 0);
  h.give(4, { type: 'segment-request', fileId: 2, segments: [1] }, 30);
  t.deepEqual(h.take(), []);
  t.is(h.upload.tick(50), 100, 'wakes up when the first answer is due');
  t.deepEqual(h.take(), []);
  t.is(h.upload.tick(100), 130);
  t.deepEqual(h.take(), [{ dest: 3, tag: Tag.Download, message: reply([0], []) }]);
  t.is(h.upload.tick(130), Infinity);
  t.deepEqual(h.take(), [{ dest: 4, tag: Tag.Download, message: reply([1], []) }]);
});

test('answers held back for different delays each go out when their own delay ends', (t) => {
  const delays = [500, 100];
  const h = harness({ payload: (stored) => stored, delayMs: () => delays.shift() ?? 0, served: () => {} });
  h.give(3, { type: 'segment-request', fileId: 2, segments: [0] }, 0);
  h.give(4, { type: 'segment-request', fileId: 2, segments: [1] }, 0);
  t.is(h.upload.tick(0), 100);
  h.upload.tick(100);
  t.deepEqual(
    h.take().map((item) => item.dest),
    [4],
    'the short delay is not stuck behind the long one',
  );
  t.is(h.upload.tick(100), 500);
  h.upload.tick(500);
  t.deepEqual(
    h.take().map((item) => item.dest),
    [3],
  );
});

test('stop sends every answer still held back, then the report', (t) => {
  const h = harness({ payload: (stored) => stored, delayMs: () => 10_000, served: () => {} });
  h.give(3, { type: 'segment-request', fileId: 2, segments: [0, 4] }, 0);
  h.give(0, { type: 'stop' }, 5);
  t.true(h.upload.done);
  h.upload.close();
  t.deepEqual(
    h.take().map((item) => [item.dest, item.message.type]),
    [
      [3, 'segments'],
      [0, 'upload-stats'],
    ],
  );
});

test('with a send budget, requests wait while earlier answers are still being sent, then go in order', (t) => {
  // A transport whose every answer (32 bytes a segment here) stays pending until `pending` is reset.
  let pending = 0;
  const h: UploadHarness = new UploadHarness({
    rank: 1,
    size: 6,
    files: [{ id: 2, hashes: FILE, held: HELD }],
    sendBudget: { limitBytes: 48, pendingBytes: () => pending },
  });
  const send = h.recorder.outbox.sendEncoded.bind(h.recorder.outbox);
  h.recorder.outbox.sendEncoded = (dest, tag, data) => {
    pending += 32;
    send(dest, tag, data);
  };
  const answered = () => h.take().map((item) => [item.dest, (item.message as Segments).segments.map((s) => s.segment)]);
  // Nothing pending: an answer goes even when it alone exceeds the budget (96 bytes > 48).
  h.give(2, { type: 'segment-request', fileId: 2, segments: [0, 1, 2] }, 0);
  t.deepEqual(answered(), [[2, [0, 1, 2]]]);
  h.give(3, { type: 'segment-request', fileId: 2, segments: [5] }, 1);
  h.give(2, { type: 'segment-request', fileId: 2, segments: [6] }, 2);
  t.deepEqual(answered(), [], 'over the budget: both wait');
  t.is(h.upload.tick(3), 4, 'and it looks again soon');
  pending = 0;
  t.is(h.upload.tick(4), 5, 'one more is waiting');
  t.deepEqual(answered(), [[3, [5]]], 'the oldest first, as the budget allows (then 32 + 32 > 48)');
  pending = 0;
  t.is(h.upload.tick(5), Infinity);
  t.deepEqual(answered(), [[2, [6]]]);
});

test('with a send budget, stop still answers every waiting request before the upload ends', (t) => {
  let pending = 1000;
  const h = new UploadHarness({
    rank: 1,
    size: 6,
    files: [{ id: 2, hashes: FILE, held: HELD }],
    sendBudget: { limitBytes: 48, pendingBytes: () => pending },
  });
  h.give(3, { type: 'segment-request', fileId: 2, segments: [5] }, 0);
  h.give(0, { type: 'stop' }, 1);
  t.false(h.upload.done, 'a request still waits');
  pending = 0;
  h.upload.tick(2);
  t.true(h.upload.done);
  t.deepEqual(
    h.take().map((item) => item.message.type),
    ['segments'],
  );
});
