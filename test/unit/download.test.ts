import test, { type ExecutionContext } from 'ava';

import { DEFAULT_DOWNLOAD_OPTIONS, Download, SILENCE_TIMEOUTS } from '../../src/peer/download.js';
import { hashAsPayload } from '../../src/peer/payload.js';
import { StalledDownloadError } from '../../src/peer/stalled-download-error.js';
import { SegmentStore } from '../../src/peer/store.js';
import { MemoryNetwork } from '../../src/protocol/memory-network.js';
import type { HolderUpdate, Message, MessageType } from '../../src/protocol/messages.js';
import { ProtocolError } from '../../src/protocol/protocol-error.js';
import { seededRandom } from '../../src/protocol/random.js';
import { Tag } from '../../src/protocol/tags.js';
import { hashes } from '../helpers/swarm-inputs.js';
import { added, all, DownloadHarness, payloadOf, removed, type Sent } from '../helpers/role-harness.js';

const requests = DownloadHarness.requests;
const ofType = <T extends MessageType>(sent: Sent[], type: T): Extract<Message, { type: T }>[] =>
  sent.filter((item) => item.message.type === type).map((item) => item.message as Extract<Message, { type: T }>);
const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);
const garbage = (): Uint8Array => new Uint8Array(32).fill(0x21);

/** A download of one file `file1` (id 0) whose first swarm lists `holders`. */
function started(t: ExecutionContext, segments: number, holders: HolderUpdate[], options = {}, seed = 1) {
  const list = hashes(`download-${segments}`, segments);
  const h = new DownloadHarness({ files: [{ id: 0, name: 'file1', segmentCount: segments }], options, seed });
  h.download.start(0);
  t.deepEqual(h.take(), [
    { dest: 0, tag: Tag.Tracker, message: { type: 'swarm-request', fileId: 0, withHashes: true } },
  ]);
  h.give(0, { type: 'swarm', fileId: 0, hashes: list, holders });
  return { h, list };
}

test('asks the tracker for each wanted file, with hashes, and nothing more until it answers', (t) => {
  const h = new DownloadHarness({
    files: [
      { id: 3, name: 'a', segmentCount: 10 },
      { id: 1, name: 'b', segmentCount: 4 },
    ],
  });
  h.download.start(0);
  h.download.tick(0);
  h.download.tick(60_000);
  t.deepEqual(
    h.take().map((item) => item.message),
    [
      { type: 'swarm-request', fileId: 3, withHashes: true },
      { type: 'swarm-request', fileId: 1, withHashes: true },
    ],
  );
  t.false(h.download.finished);
});

test('a peer that wants nothing is done at once, and says so', (t) => {
  const h = new DownloadHarness({ files: [] });
  h.download.start(0);
  t.true(h.download.finished);
  t.deepEqual(h.take(), [
    {
      dest: 0,
      tag: Tag.Tracker,
      message: { type: 'downloads-done', downloadsBySource: [], badBySource: [], messagesSent: 1 },
    },
  ]);
  t.is(h.download.tick(0), Infinity);
});

test('a file with no segments is written empty as soon as its swarm comes', (t) => {
  const { h } = started(t, 0, [all(2)]);
  t.deepEqual(h.outputs, new Map([['file1', []]]));
  t.deepEqual(
    h.take().map((item) => item.message),
    [
      { type: 'update', fileId: 0, segments: [], complete: true, wantSwarm: false },
      { type: 'downloads-done', downloadsBySource: [], badBySource: [], messagesSent: 3 },
    ],
  );
  t.true(h.download.finished);
});

test('rarest first: a segment only one holder has is asked for first', (t) => {
  for (let seed = 1; seed <= 30; seed++) {
    const { h } = started(t, 8, [all(2), added(3, [0, 1, 2, 3, 4, 6, 7])], { window: 1, batch: 1 }, seed);
    t.deepEqual(requests(h.take()), [{ dest: 2, fileId: 0, segments: [5] }], `seed ${seed}`);
  }
});

test('rarest first all along: segments are asked for from the rarest to the most common', (t) => {
  for (let seed = 1; seed <= 10; seed++) {
    // Segments 8..11 have one holder, 4..7 two, 0..3 three.
    const { h, list } = started(
      t,
      12,
      [all(2), added(3, range(0, 8)), added(4, range(0, 4))],
      { window: 1, batch: 1 },
      seed,
    );
    const order: number[] = [];
    for (;;) {
      const asked = requests(h.take());
      if (asked.length === 0) break;
      t.is(asked.length, 1);
      order.push(...asked[0]!.segments);
      h.answer(asked[0]!.dest, 0, asked[0]!.segments, list);
    }
    t.deepEqual(
      order.slice(0, 4).sort((a, b) => a - b),
      [8, 9, 10, 11],
      `seed ${seed}`,
    );
    t.deepEqual(
      order.slice(4, 8).sort((a, b) => a - b),
      [4, 5, 6, 7],
      `seed ${seed}`,
    );
    t.deepEqual(
      order.slice(8).sort((a, b) => a - b),
      [0, 1, 2, 3],
      `seed ${seed}`,
    );
    t.deepEqual(h.outputs.get('file1'), list);
  }
});

test('keeps `window` segments in flight, in full requests of `batch`, spread over the holders', (t) => {
  const { h, list } = started(t, 100, [all(2), all(3), all(4)], { window: 32, batch: 8 });
  let outstanding = requests(h.take());
  const segmentsOf = (list: { segments: number[] }[]): number[] => list.flatMap((request) => request.segments);
  t.is(segmentsOf(outstanding).length, 32);
  t.is(new Set(segmentsOf(outstanding)).size, 32, 'no segment asked twice');
  t.true(
    outstanding.every((request) => request.segments.length === 8),
    'full requests',
  );
  const perHolder = [2, 3, 4].map((rank) => outstanding.filter((request) => request.dest === rank).length);
  t.true(
    Math.max(...perHolder) - Math.min(...perHolder) <= 1,
    `least busy first, in requests: ${perHolder.join(', ')}`,
  );

  const asked = new Set(segmentsOf(outstanding));
  let held = 0;
  while (outstanding.length > 0) {
    const [first, ...rest] = outstanding;
    h.answer(first!.dest, 0, first!.segments, list);
    held += first!.segments.length;
    const fresh = requests(h.take());
    for (const segment of segmentsOf(fresh)) {
      t.false(asked.has(segment), `segment ${segment} asked twice`);
      asked.add(segment);
    }
    outstanding = [...rest, ...fresh];
    t.is(segmentsOf(outstanding).length, Math.min(32, 100 - held), 'the window is refilled at once');
    t.true(fresh.every((request) => request.segments.length <= 8));
  }
  t.deepEqual(h.outputs.get('file1'), list);
});

test('batches: segments for one holder go out in as few requests as the batch size allows', (t) => {
  const { h } = started(t, 20, [all(2)], { window: 20, batch: 8 });
  t.deepEqual(
    requests(h.take()).map((request) => request.segments.length),
    [8, 8, 4],
  );
});

test('reports every `reportEvery` segments, and at completion; writes the file once', (t) => {
  const { h, list } = started(t, 25, [all(2)], { window: 32, batch: 1, reportEvery: 10 });
  const asked = requests(h.take());
  t.is(asked.length, 25);
  const updates: { segments: number[]; complete: boolean; wantSwarm: boolean; after: number }[] = [];
  asked.forEach((request, i) => {
    h.answer(2, 0, request.segments, list);
    for (const update of ofType(h.take(), 'update')) updates.push({ ...update, after: i + 1 });
  });
  // The second report does not ask for a swarm: the first one's is still on its way.
  t.deepEqual(
    updates.map(({ segments, complete, wantSwarm, after }) => [segments.length, complete, wantSwarm, after]),
    [
      [10, false, true, 10],
      [10, false, false, 20],
      [5, true, false, 25],
    ],
  );
  t.deepEqual(
    updates.flatMap(({ segments }) => segments).sort((a, b) => a - b),
    range(0, 25),
    'every segment reported once',
  );
  t.deepEqual(h.outputs, new Map([['file1', list]]));

  // The peer ends only once the swarm it asked for came.
  t.false(h.download.finished);
  h.give(0, { type: 'swarm', fileId: 0, hashes: null, holders: [] });
  t.true(h.download.finished);
  const done = ofType(h.take(), 'downloads-done');
  t.deepEqual(done, [
    {
      type: 'downloads-done',
      downloadsBySource: [{ rank: 2, count: 25 }],
      badBySource: [],
      messagesSent: h.recorder.all.length,
    },
  ]);
});

test('with batches, each report carries at least `reportEvery` segments, and fewer than one batch more', (t) => {
  const { h, list } = started(t, 100, [all(2), all(3)], { window: 32, batch: 8, reportEvery: 10 });
  let outstanding = requests(h.take());
  const reported: number[] = [];
  while (outstanding.length > 0) {
    const [first, ...rest] = outstanding;
    h.answer(first!.dest, 0, first!.segments, list);
    const sent = h.take();
    for (const update of ofType(sent, 'update')) {
      if (!update.complete)
        t.true(update.segments.length >= 10 && update.segments.length < 18, `${update.segments.length} segments`);
      reported.push(...update.segments);
      if (!update.complete) h.give(0, { type: 'swarm', fileId: 0, hashes: null, holders: [] });
    }
    outstanding = [...rest, ...requests(sent), ...requests(h.take())];
  }
  t.deepEqual(
    reported.sort((a, b) => a - b),
    range(0, 100),
  );
  t.true(h.download.finished);
});

test('a refused segment is asked of another holder', (t) => {
  for (let seed = 1; seed <= 10; seed++) {
    const { h, list } = started(t, 1, [all(2), all(3)], { window: 1, batch: 1 }, seed);
    const [first] = requests(h.take());
    t.deepEqual(first?.segments, [0]);
    h.give(first!.dest, { type: 'segments', fileId: 0, segments: [], refused: [0] });
    const other = first!.dest === 2 ? 3 : 2;
    t.deepEqual(requests(h.take()), [{ dest: other, fileId: 0, segments: [0] }], `seed ${seed}`);
    h.answer(other, 0, [0], list);
    t.deepEqual(h.outputs.get('file1'), list);
  }
});

test('a segment refused by its only holder: asks the tracker again, takes a new holder', (t) => {
  const { h, list } = started(t, 3, [all(2)], { stallTimeoutMs: 1000 });
  const [request] = requests(h.take());
  t.deepEqual([request!.dest, [...request!.segments].sort()], [2, [0, 1, 2]]);
  h.give(2, {
    type: 'segments',
    fileId: 0,
    segments: [0, 2].map((segment) => ({ segment, payload: payloadOf(list[segment]!) })),
    refused: [1],
  });
  t.deepEqual(requests(h.take()), []);
  const next = h.download.tick(10);
  t.true(next > 10 && next <= 1010, 'it wants to be woken up before the stall deadline');
  t.deepEqual(
    h.take().map((item) => item.message),
    [{ type: 'swarm-request', fileId: 0, withHashes: false }],
  );
  h.give(0, { type: 'swarm', fileId: 0, hashes: null, holders: [all(3)] }, 20);
  t.deepEqual(requests(h.take()), [{ dest: 3, fileId: 0, segments: [1] }]);
  h.answer(3, 0, [1], list, 30);
  t.deepEqual(h.outputs.get('file1'), list);
});

test('a segment nobody will send ends with StalledDownloadError naming the file and segment', (t) => {
  const { h, list } = started(t, 3, [all(2)], { stallTimeoutMs: 1000 });
  h.take();
  h.give(2, { type: 'segments', fileId: 0, segments: [{ segment: 0, payload: payloadOf(list[0]!) }], refused: [2, 1] });
  h.download.tick(0);
  h.give(0, { type: 'swarm', fileId: 0, hashes: null, holders: [] }, 5);
  h.download.tick(999);
  const error = t.throws(() => h.download.tick(1000), { instanceOf: StalledDownloadError });
  t.is(error?.message, 'file1 segment 2: no holder sent data matching its hash (no peer offers it)');
  t.is((error as StalledDownloadError).exitCode, 4);
});

test('bad data is reported to the tracker naming its sender, and asked for again', (t) => {
  const { h, list } = started(t, 1, [all(2), all(3)], { window: 1, batch: 1 });
  const [first] = requests(h.take());
  h.answer(first!.dest, 0, [0], list, 0, garbage);
  const sent = h.take();
  t.deepEqual(ofType(sent, 'bad-segment'), [{ type: 'bad-segment', fileId: 0, segment: 0, sender: first!.dest }]);
  t.is(sent.find((item) => item.message.type === 'bad-segment')?.dest, 0);
  const [again] = requests(sent);
  t.deepEqual(again, { dest: first!.dest === 2 ? 3 : 2, fileId: 0, segments: [0] });
  h.answer(again!.dest, 0, [0], list);
  t.deepEqual(h.outputs.get('file1'), list);
  t.deepEqual(h.store.read(0, 0), payloadOf(list[0]!), 'only the genuine payload is stored');
  t.deepEqual([...h.download.badBySource], [[first!.dest, 1]]);
});

test('after `strikeLimit` bad payloads a holder is never asked again for that file', (t) => {
  // Rank 2 lies and is the only holder of 4..7 (the rarest, asked first); rank 3 holds 0..3.
  const { h, list } = started(t, 8, [all(2), added(3, range(0, 4))], {
    window: 1,
    batch: 1,
    strikeLimit: 3,
    stallTimeoutMs: 1000,
  });
  const askedOf = new Map<number, number[]>();
  const bad: number[] = [];
  for (;;) {
    const sent = h.take();
    bad.push(...ofType(sent, 'bad-segment').map((report) => report.sender));
    const asked = requests(sent);
    if (asked.length === 0) break;
    for (const { dest, segments } of asked) {
      askedOf.set(dest, [...(askedOf.get(dest) ?? []), ...segments]);
      h.answer(dest, 0, segments, list, 0, dest === 2 ? garbage : payloadOf);
    }
  }
  t.deepEqual(bad, [2, 2, 2]);
  t.is(askedOf.get(2)?.length, 3, 'asked three times, then never again');
  t.true(askedOf.get(2)!.every((segment) => segment >= 4));
  t.deepEqual(askedOf.get(3)?.sort(), [0, 1, 2, 3]);
  // 4..7 now have no usable holder: the download asks the tracker, and takes a new one.
  h.download.tick(1);
  t.deepEqual(ofType(h.take(), 'swarm-request'), [{ type: 'swarm-request', fileId: 0, withHashes: false }]);
  h.give(0, { type: 'swarm', fileId: 0, hashes: null, holders: [added(4, range(0, 8))] }, 2);
  for (;;) {
    const asked = requests(h.take());
    if (asked.length === 0) break;
    for (const { dest, segments } of asked) {
      t.not(dest, 2);
      h.answer(dest, 0, segments, list, 3);
    }
  }
  t.deepEqual(h.outputs.get('file1'), list);
  t.deepEqual([...h.download.badBySource], [[2, 3]]);
});

test('a holder the tracker removes is not asked again', (t) => {
  const { h, list } = started(t, 40, [all(2), all(3)], { window: 4, batch: 1, reportEvery: 10 });
  let outstanding = requests(h.take());
  let removedYet = false;
  while (outstanding.length > 0) {
    const [first, ...rest] = outstanding;
    h.answer(first!.dest, 0, first!.segments, list);
    const sent = h.take();
    let fresh = requests(sent);
    if (removedYet) for (const request of fresh) t.is(request.dest, 3, 'rank 2 was removed');
    for (const update of ofType(sent, 'update')) {
      if (update.complete) continue;
      h.give(0, { type: 'swarm', fileId: 0, hashes: null, holders: removedYet ? [] : [removed(2)] });
      removedYet = true;
      fresh = [...fresh, ...requests(h.take())];
    }
    outstanding = [...rest, ...fresh];
  }
  t.true(removedYet);
  t.deepEqual(h.outputs.get('file1'), list);
});

test('a file whose only holder always sends bad data ends with StalledDownloadError, not a loop', (t) => {
  const { h, list } = started(t, 5, [all(2)], { window: 32, batch: 8, strikeLimit: 3, stallTimeoutMs: 1000 });
  const [request] = requests(h.take());
  h.answer(2, 0, request!.segments, list, 0, garbage);
  t.is(ofType(h.take(), 'bad-segment').length, 5);
  t.deepEqual(requests(h.take()), [], 'no more requests to the liar');
  const next = h.download.tick(0);
  t.true(Number.isFinite(next));
  h.give(0, { type: 'swarm', fileId: 0, hashes: null, holders: [removed(2)] }, 1);
  t.deepEqual(requests(h.take()), []);
  const error = t.throws(() => h.download.tick(1000), { instanceOf: StalledDownloadError });
  t.is(error?.message, 'file1 segment 1: no holder sent data matching its hash (bad data from rank 2 (5 segments))');
});

test('an unanswered request is asked of another holder after the timeout; a late answer is a duplicate', (t) => {
  for (let seed = 1; seed <= 10; seed++) {
    const { h, list } = started(t, 1, [all(2), all(3)], { window: 1, batch: 1, requestTimeoutMs: 100 }, seed);
    const [first] = requests(h.take());
    t.is(h.download.tick(50), 100, 'wakes up at the timeout');
    t.deepEqual(requests(h.take()), []);
    h.download.tick(100);
    const other = first!.dest === 2 ? 3 : 2;
    t.deepEqual(requests(h.take()), [{ dest: other, fileId: 0, segments: [0] }], `seed ${seed}`);
    h.answer(other, 0, [0], list, 120);
    t.deepEqual(h.outputs.get('file1'), list);
    t.false(h.download.finished, 'the slow holder still owes an answer');
    h.answer(first!.dest, 0, [0], list, 150);
    t.is(h.download.duplicates, 1);
    t.deepEqual(h.outputs.get('file1'), list, 'the late answer changes nothing');
    t.true(h.download.finished);
    const [done] = ofType(h.take(), 'downloads-done');
    t.deepEqual(done?.downloadsBySource, [{ rank: other, count: 1 }]);
    t.false(h.download.done, 'only the tracker ends the worker');
  }
});

test('a holder that never answers does not keep the peer from finishing; only the tracker ends the worker', (t) => {
  const { h, list } = started(t, 1, [all(2), all(3)], { window: 1, batch: 1, requestTimeoutMs: 100 });
  const [first] = requests(h.take());
  h.download.tick(100);
  const [second] = requests(h.take());
  h.answer(second!.dest, 0, [0], list, 120);
  t.false(h.download.finished, 'waits a while for the answer owed');
  const silence = h.download.tick(120);
  t.is(silence, SILENCE_TIMEOUTS * 100, 'until the holder has been silent too long');
  h.download.tick(silence);
  t.true(h.download.finished);
  t.is(h.download.tick(silence), Infinity, 'no deadline left once finished');
  // A holder given up may still answer late: taken quietly until the tracker's stop.
  h.answer(first!.dest, 0, [0], list, silence + 10);
  t.is(h.download.duplicates, 1);
  t.false(h.download.done);
  t.throws(() => h.give(2, { type: 'stop' }), {
    instanceOf: ProtocolError,
    message: 'only the tracker can stop a download worker',
  });
  h.give(0, { type: 'stop' });
  t.true(h.download.done);
  t.not(first!.dest, second!.dest);
});

test('a stop before the downloads are finished is rejected', (t) => {
  const { h } = started(t, 4, [all(2)]);
  t.throws(() => h.give(0, { type: 'stop' }), {
    instanceOf: ProtocolError,
    message: 'a stop before this peer finished its downloads',
  });
  t.false(h.download.done);
});

test('an only holder that never answers is given up, and the download ends naming it', (t) => {
  const { h } = started(t, 2, [all(2)], { window: 2, batch: 2, requestTimeoutMs: 100, stallTimeoutMs: 300 });
  let now = 0;
  let error: unknown;
  try {
    for (let step = 0; step < 1000; step++) now = h.download.tick(now);
  } catch (thrown) {
    error = thrown;
  }
  t.true(error instanceof StalledDownloadError);
  t.is((error as Error).message, 'file1 segment 1: no holder sent data matching its hash (no answer from rank 2)');
  t.true(now <= SILENCE_TIMEOUTS * 100 + 300, `gave up at ${now} ms`);
  const asked = requests(h.recorder.all).length;
  t.true(asked <= SILENCE_TIMEOUTS + 1, `asked the silent holder ${asked} times`);
});

test('a silent holder is given up while another holder serves the file', (t) => {
  const segments = 40;
  const { h, list } = started(t, segments, [all(2), all(3)], { window: 1, batch: 1, requestTimeoutMs: 100 });
  const [first] = requests(h.take());
  const silent = first!.dest;
  let now = 0;
  let askedSilent = 1;
  // The first holder asked never answers; the other answers each request 10 ms after it.
  for (let step = 0; step < 1000 && !h.download.finished; step++) {
    now += 10;
    const sent = h.take();
    for (const request of requests(sent)) {
      if (request.dest === silent) askedSilent++;
      else h.answer(request.dest, 0, request.segments, list, now);
    }
    for (const update of ofType(sent, 'update').filter((update) => update.wantSwarm)) {
      h.give(0, { type: 'swarm', fileId: update.fileId, hashes: null, holders: [] }, now);
    }
    h.download.tick(now);
  }
  t.deepEqual(h.outputs.get('file1'), list);
  t.true(askedSilent <= SILENCE_TIMEOUTS + 1, `asked the silent holder ${askedSilent} times`);
  t.true(now < segments * 100, `finished at ${now} ms, not one timeout per segment`);
});

test('segments not asked of their sender are rejected as ProtocolError', (t) => {
  const { h, list } = started(t, 4, [all(2)], { window: 2, batch: 2 });
  t.deepEqual(requests(h.take()).flatMap((request) => request.segments).length, 2);
  const [asked] = requests(h.recorder.all);
  const notAsked = range(0, 4).find((segment) => !asked!.segments.includes(segment))!;
  const rejects = (source: number, message: Message, pattern: RegExp): void => {
    const error = t.throws(() => h.give(source, message), { instanceOf: ProtocolError });
    t.regex(error?.message ?? '', pattern);
  };
  const answer = (segments: number[]): Message => ({
    type: 'segments',
    fileId: 0,
    refused: [],
    segments: segments.map((segment) => ({ segment, payload: payloadOf(list[segment]!) })),
  });
  rejects(3, answer([asked!.segments[0]!]), /sent segment \d+ of file1, which was not asked of it/);
  rejects(2, answer([notAsked]), new RegExp(`sent segment ${notAsked} of file1, which was not asked of it`));
  rejects(2, { type: 'segments', fileId: 0, segments: [], refused: [notAsked] }, /which was not asked of it/);
  rejects(2, answer([99]), /sent segment 99 of file1, which was not asked of it/);
  rejects(2, { type: 'segments', fileId: 7, segments: [], refused: [] }, /file id 7 is not one this peer wants/);
  t.is(h.download.downloadsBySource.size, 0, 'nothing was taken from a rejected message');
  h.give(2, answer(asked!.segments));
  rejects(2, answer([asked!.segments[0]!]), /which was not asked of it/);
  t.deepEqual([...h.download.downloadsBySource], [[2, 2]], 'an answer counts once');
});

test('a message mixing asked and unasked segments is rejected whole', (t) => {
  const { h, list } = started(t, 4, [all(2)], { window: 2, batch: 2 });
  const [asked] = requests(h.take());
  const notAsked = range(0, 4).find((segment) => !asked!.segments.includes(segment))!;
  const lie = [asked!.segments[0]!, notAsked].map((segment) => ({ segment, payload: payloadOf(list[segment]!) }));
  t.throws(() => h.give(2, { type: 'segments', fileId: 0, segments: lie, refused: [] }), { instanceOf: ProtocolError });
  t.is(h.download.downloadsBySource.size, 0);
  t.deepEqual(h.take(), []);
  // The genuine answer is still taken in full.
  h.answer(2, 0, asked!.segments, list);
  t.deepEqual([...h.download.downloadsBySource], [[2, 2]]);
});

test('the download worker rejects every message type but swarm, segments and stop', (t) => {
  const { h } = started(t, 4, [all(2)]);
  const wrong: Message[] = [
    { type: 'register', path: 'in2.txt', owned: [], wanted: [] },
    { type: 'ready', peerCount: 3, files: [] },
    { type: 'swarm-request', fileId: 0, withHashes: true },
    { type: 'update', fileId: 0, segments: [], complete: false, wantSwarm: true },
    { type: 'bad-segment', fileId: 0, segment: 0, sender: 2 },
    { type: 'downloads-done', downloadsBySource: [], badBySource: [], messagesSent: 0 },
    { type: 'segment-request', fileId: 0, segments: [0] },
    { type: 'upload-stats', servedTo: [], refused: 0, messagesSent: 0 },
  ];
  for (const message of wrong) {
    for (const source of [0, 2]) {
      const error = t.throws(() => h.give(source, message), { instanceOf: ProtocolError });
      t.is(error?.message, `a download worker does not take ${message.type} messages`);
    }
  }
});

test('swarms that make no sense are rejected', (t) => {
  const list = hashes('nonsense', 10);
  const first = (holders: HolderUpdate[]): Message => ({ type: 'swarm', fileId: 0, hashes: list, holders });
  const cases: [number, Message, string][] = [
    [2, first([all(2)]), 'a swarm from a peer'],
    [0, { type: 'swarm', fileId: 5, hashes: list, holders: [] }, 'file id 5 is not one this peer wants'],
    [0, first([all(1)]), 'a swarm lists the receiver as a holder'],
    [0, first([{ rank: 3, change: 1, bitfield: new Uint8Array(3) }]), 'a bitfield of 3 bytes for 10 segments'],
    [0, first([added(3, [10])]), 'segment 10 of file1 does not exist'],
    [0, { type: 'swarm', fileId: 0, hashes: null, holders: [] }, 'a swarm of file1 without its hashes'],
    [0, { type: 'swarm', fileId: 0, hashes: list.slice(1), holders: [] }, '9 hashes for the 10 segments of file1'],
  ];
  for (const [source, message, text] of cases) {
    const h = new DownloadHarness({ files: [{ id: 0, name: 'file1', segmentCount: 10 }] });
    h.download.start(0);
    t.throws(() => h.give(source, message), { instanceOf: ProtocolError, message: text });
  }
  const { h } = started(t, 10, [all(2)]);
  t.throws(
    () => h.give(0, { type: 'swarm', fileId: 0, hashes: null, holders: [] }),
    {
      instanceOf: ProtocolError,
      message: 'a swarm of file1 that was not asked for',
    },
    'the tracker answers requests and updates only',
  );
});

test('files take turns: every wanted file makes progress at once', (t) => {
  const files = [
    { id: 0, name: 'a', segmentCount: 30 },
    { id: 1, name: 'b', segmentCount: 30 },
  ];
  const h = new DownloadHarness({ files, options: { window: 10, batch: 1 } });
  h.download.start(0);
  h.take();
  h.give(0, { type: 'swarm', fileId: 0, hashes: hashes('a', 30), holders: [all(2)] });
  t.is(requests(h.take()).length, 10, 'with one file known, it takes the whole window');
  const h2 = new DownloadHarness({ files, options: { window: 10, batch: 1 } });
  h2.download.start(0);
  h2.take();
  h2.give(0, { type: 'swarm', fileId: 1, hashes: hashes('b', 30), holders: [all(2)] });
  h2.give(0, { type: 'swarm', fileId: 0, hashes: hashes('a', 30), holders: [all(2)] });
  const before = requests(h2.take());
  t.true(
    before.every((request) => request.fileId === 1),
    'file b filled the window first',
  );
  // As answers come, the freed room alternates between the files.
  for (const request of before.slice(0, 4)) h2.answer(2, 1, request.segments, hashes('b', 30));
  const after = requests(h2.take()).map((request) => request.fileId);
  t.deepEqual(after.sort(), [0, 0, 1, 1]);
});

test('requests carry the asked segments exactly, with no duplicates across requests', (t) => {
  const { h } = started(
    t,
    64,
    [
      all(2),
      added(
        3,
        range(0, 64).filter((i) => i % 2 === 0),
      ),
    ],
    { window: 64, batch: 5 },
  );
  const asked = requests(h.take());
  const segments = asked.flatMap((request) => request.segments);
  t.deepEqual(
    [...segments].sort((a, b) => a - b),
    range(0, 64),
  );
  for (const request of asked) {
    t.true(request.segments.length <= 5);
    if (request.dest === 3)
      t.true(
        request.segments.every((segment) => segment % 2 === 0),
        'only what the holder has',
      );
  }
  t.true(asked.every((request) => request.fileId === 0));
});

test('over a network: unsolicited segments show up in the rejections, and the download still finishes right', (t) => {
  const list = hashes('rogue', 20);
  const network = new MemoryNetwork(3, 5);
  const tracker = network.outbox(0);
  let finished = false;
  // Rank 0: answers swarm requests and updates as the tracker would, with rank 2 as the only holder.
  network.attach(0, Tag.Tracker, {
    start() {},
    tick: () => Infinity,
    handle(source, message) {
      if (message.type === 'swarm-request') {
        tracker.send(source, Tag.Download, { type: 'swarm', fileId: 0, hashes: list, holders: [all(2)] });
      } else if (message.type === 'update' && !message.complete) {
        tracker.send(source, Tag.Download, { type: 'swarm', fileId: 0, hashes: null, holders: [] });
      } else if (message.type === 'downloads-done') {
        finished = true;
        tracker.send(source, Tag.Download, { type: 'stop' });
      }
    },
    get done() {
      return finished;
    },
  });
  // Rank 2: sends a segment before anyone asked, then answers each request twice.
  const rogue = network.outbox(2);
  const answer = (segments: number[]): Message => ({
    type: 'segments',
    fileId: 0,
    refused: [],
    segments: segments.map((segment) => ({ segment, payload: payloadOf(list[segment]!) })),
  });
  let answers = 0;
  network.attach(2, Tag.Upload, {
    start: () => rogue.send(1, Tag.Download, answer([0])),
    tick: () => Infinity,
    handle(_source, message) {
      if (message.type !== 'segment-request') return;
      answers++;
      rogue.send(1, Tag.Download, answer(message.segments));
      if (answers === 1) rogue.send(1, Tag.Download, answer(message.segments));
    },
    get done() {
      return finished;
    },
  });
  const outputs = new Map<string, readonly string[]>();
  const download = new Download({
    rank: 1,
    outbox: network.outbox(1),
    random: seededRandom(1),
    files: [{ id: 0, name: 'file1', segmentCount: 20 }],
    store: SegmentStore.create([{ id: 0, segmentCount: 20, slotSize: 32 }]),
    payloads: hashAsPayload,
    writeOutput: (name, written) => outputs.set(name, written),
    options: { ...DEFAULT_DOWNLOAD_OPTIONS, window: 8, batch: 4 },
  });
  network.attach(1, Tag.Download, download);
  network.run();
  t.deepEqual(outputs.get('file1'), list);
  t.deepEqual(network.undelivered(), new Map());
  t.is(network.rejections.length, 2);
  for (const rejection of network.rejections) {
    t.like(rejection, { receiver: 1, source: 2 });
    t.true(rejection.reason instanceof ProtocolError);
    t.regex(rejection.reason.message, /^sent segment \d+ of file1, which was not asked of it$/);
  }
  t.deepEqual([...download.downloadsBySource], [[2, 20]], 'each segment counted once');
  t.is(download.duplicates, 0);
});

test('seed sparing: a segment only seeds have is asked of them by the one peer it is dealt to', (t) => {
  const list = hashes('sparing', 12);
  const sorted = (segments: number[]) => [...segments].sort((a, b) => a - b);
  // Rank 1 of peers 1, 2, 3: segments 0, 3, 6 and 9 are its to fetch from seed 0.
  const h = new DownloadHarness({
    files: [{ id: 0, name: 'file1', segmentCount: 12 }],
    options: { window: 12, batch: 1, reportEvery: 1 },
    seedSparing: { seeds: [0], mine: (segment) => segment % 3 === 0 },
  });
  h.download.start(0);
  h.take();
  h.give(0, { type: 'swarm', fileId: 0, hashes: list, holders: [all(0)] });
  const fromSeed = requests(h.take());
  t.true(fromSeed.every((request) => request.dest === 0));
  t.deepEqual(sorted(fromSeed.flatMap((request) => request.segments)), [0, 3, 6, 9]);

  // One answer comes; the report asks for news: peer 2 now has 1, 4 and 5, which the seed has
  // too. They are asked of peer 2, not the seed.
  const [early, ...later] = fromSeed;
  h.answer(0, 0, early!.segments, list, 5);
  t.deepEqual(
    ofType(h.take(), 'update').map((update) => update.wantSwarm),
    [true],
  );
  h.give(0, { type: 'swarm', fileId: 0, hashes: null, holders: [added(2, [1, 4, 5])] }, 10);
  const fromPeer = requests(h.take());
  t.true(
    fromPeer.every((request) => request.dest === 2),
    JSON.stringify(fromPeer),
  );
  t.deepEqual(sorted(fromPeer.flatMap((request) => request.segments)), [1, 4, 5]);

  // All answered; what is left only the seed has and is dealt to others: nothing is asked ...
  for (const request of [...later, ...fromPeer]) h.answer(request.dest, 0, request.segments, list, 20);
  const idle = requests(h.take());
  // ... but an idle peer asks the seed anyway, one request at a time, rather than wait.
  t.is(idle.length, 1, JSON.stringify(idle));
  t.is(idle[0]!.dest, 0);
  t.true([2, 7, 8, 10, 11].includes(idle[0]!.segments[0]!));
});

test('with its hashes known, a download waits for the first swarm however long the tracker takes', (t) => {
  const h = new DownloadHarness({
    files: [{ id: 0, name: 'file1', segmentCount: 3 }],
    options: { stallTimeoutMs: 1000 },
    hashesKnown: true,
  });
  h.download.start(0);
  t.deepEqual(h.take(), [
    { dest: 0, tag: Tag.Tracker, message: { type: 'swarm-request', fileId: 0, withHashes: false } },
  ]);
  // The tracker's rank is busy (reading its share of SOURCE): no swarm for far longer than the stall timeout.
  for (const now of [0, 999, 1000, 5000, 60_000]) t.notThrows(() => h.download.tick(now));
  h.give(0, { type: 'swarm', fileId: 0, hashes: null, holders: [all(2)] }, 60_001);
  const asked = requests(h.take());
  t.deepEqual(asked.flatMap((request) => request.segments).sort(), [0, 1, 2]);
});
