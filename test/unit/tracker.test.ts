import test from 'ava';

import { InputError } from '../../src/io/input-error.js';
import { HolderChange, type Message, type Register } from '../../src/protocol/messages.js';
import { ProtocolError } from '../../src/protocol/protocol-error.js';
import { Tag } from '../../src/protocol/tags.js';
import { PeerStartError } from '../../src/tracker/peer-start-error.js';
import { Tracker } from '../../src/tracker/tracker.js';
import { give, Recorder } from '../helpers/role-harness.js';
import { hashes } from '../helpers/swarm-inputs.js';

const FILE1 = hashes('tracker', 20);

const registration = (rank: number, owned: boolean, wanted: boolean): Register => ({
  type: 'register',
  path: `in${rank}.txt`,
  owned: owned ? [{ name: 'file1', line: 2, hashes: FILE1 }] : [],
  wanted: wanted ? [{ name: 'file1', line: 3 }] : [],
});

/** A tracker of 3 peers: rank 1 owns file1, ranks 2 and 3 want it; everyone registered. */
function registered(strikeLimit = 3) {
  const recorder = new Recorder();
  const distrusted: number[] = [];
  const tracker = new Tracker(
    4,
    recorder.outbox,
    { strikeLimit },
    { onDistrust: (_file, sender) => distrusted.push(sender) },
  );
  tracker.start(1000);
  give(tracker, 2, registration(2, false, true));
  give(tracker, 1, registration(1, true, false));
  give(tracker, 3, registration(3, false, true));
  return { tracker, recorder, distrusted };
}

test('says go to every peer once all have registered, with the ids of their files', (t) => {
  const recorder = new Recorder();
  const tracker = new Tracker(4, recorder.outbox, { strikeLimit: 3 });
  give(tracker, 2, registration(2, false, true));
  give(tracker, 1, registration(1, true, false));
  t.deepEqual(recorder.take(), [], 'nothing before the last registration');
  give(tracker, 3, registration(3, false, false));
  const sent = recorder.take();
  t.deepEqual(sent.map((item) => [item.dest, item.tag]).sort(), [
    [1, Tag.PeerMain],
    [2, Tag.PeerMain],
    [3, Tag.PeerMain],
  ]);
  const files = new Map(
    sent.map((item) => [item.dest, item.message.type === 'ready' ? item.message.files : undefined]),
  );
  t.deepEqual(files.get(1), [{ id: 0, name: 'file1', segmentCount: 20 }]);
  t.deepEqual(files.get(2), [{ id: 0, name: 'file1', segmentCount: 20 }]);
  t.deepEqual(files.get(3), []);
  t.true(sent.every((item) => item.message.type === 'ready' && item.message.peerCount === 3));
});

test('an input error found across registrations is thrown as an InputError, not a protocol error', (t) => {
  const tracker = new Tracker(3, new Recorder().outbox, { strikeLimit: 3 });
  give(tracker, 1, registration(1, true, false));
  const error = t.throws(() =>
    give(tracker, 2, { type: 'register', path: 'in2.txt', owned: [], wanted: [{ name: 'nope', line: 3 }] }),
  );
  t.true(error instanceof InputError && !(error instanceof ProtocolError));
  t.is(error?.message, 'in2.txt line 3: wants nope, which no peer owns');
});

test("peers that cannot start: once every peer has answered, the lowest rank's problem is reported, naming it", (t) => {
  const recorder = new Recorder();
  const tracker = new Tracker(5, recorder.outbox, { strikeLimit: 3 });
  give(tracker, 4, { type: 'cannot-start', message: 'in4.txt: cannot read: no such file', exitCode: 3 });
  give(tracker, 1, registration(1, true, false));
  give(tracker, 2, { type: 'cannot-start', message: '--output-dir out: no such folder', exitCode: 2 });
  const error = t.throws(() => give(tracker, 3, registration(3, false, true)), { instanceOf: PeerStartError });
  t.is(error?.message, '--output-dir out: no such folder');
  t.is(error?.rank, 2);
  t.is(error?.exitCode, 2);
  t.deepEqual(recorder.take(), [], 'no go-ahead to anyone');
  const again = new Tracker(3, new Recorder().outbox, { strikeLimit: 3 });
  give(again, 1, registration(1, true, false));
  t.throws(() => give(again, 1, { type: 'cannot-start', message: 'late', exitCode: 3 }), {
    instanceOf: ProtocolError,
    message: 'registered twice',
  });
});

test('answers swarm requests with hashes when asked, and with what changed since', (t) => {
  const { tracker, recorder } = registered();
  recorder.take();
  give(tracker, 2, { type: 'swarm-request', fileId: 0, withHashes: true });
  t.deepEqual(recorder.take(), [
    {
      dest: 2,
      tag: Tag.Download,
      message: { type: 'swarm', fileId: 0, hashes: FILE1, holders: [{ rank: 1, change: HolderChange.All }] },
    },
  ]);
  give(tracker, 3, { type: 'update', fileId: 0, segments: [4, 5], complete: false, wantSwarm: true });
  t.deepEqual(
    recorder.take(),
    [
      {
        dest: 3,
        tag: Tag.Download,
        message: { type: 'swarm', fileId: 0, hashes: null, holders: [{ rank: 1, change: HolderChange.All }] },
      },
    ],
    'an update is answered with a fresh swarm, never listing the asker',
  );
  give(tracker, 2, { type: 'swarm-request', fileId: 0, withHashes: false });
  t.deepEqual(
    recorder.take()[0]?.message,
    {
      type: 'swarm',
      fileId: 0,
      hashes: null,
      holders: [{ rank: 3, change: HolderChange.Bitfield, bitfield: Uint8Array.of(0b0000_1100, 0, 0) }],
    },
    'a 3-byte bitfield is smaller than two segment numbers',
  );
  give(tracker, 3, { type: 'update', fileId: 0, segments: [], complete: true, wantSwarm: false }, 3500);
  t.deepEqual(recorder.take(), [], 'a completing update needs no answer');
  t.is(tracker.catalogue!.files[0]!.completedAt.get(3), 2.5);
});

test('counts bad-segment reports and distrusts a sender once at the strike limit', (t) => {
  const { tracker, recorder, distrusted } = registered(2);
  recorder.take();
  give(tracker, 2, { type: 'swarm-request', fileId: 0, withHashes: true });
  recorder.take();
  give(tracker, 2, { type: 'bad-segment', fileId: 0, segment: 3, sender: 1 });
  t.deepEqual(distrusted, []);
  give(tracker, 3, { type: 'bad-segment', fileId: 0, segment: 4, sender: 1 });
  give(tracker, 3, { type: 'bad-segment', fileId: 0, segment: 5, sender: 1 });
  t.deepEqual(distrusted, [1]);
  t.is(tracker.catalogue!.files[0]!.strikes.get(1), 3);
  give(tracker, 2, { type: 'swarm-request', fileId: 0, withHashes: false });
  t.deepEqual(recorder.take()[0]?.message, {
    type: 'swarm',
    fileId: 0,
    hashes: null,
    holders: [{ rank: 1, change: HolderChange.Removed }],
  });
});

test('stops every upload once every peer is done, then every download once every upload reported', (t) => {
  const { tracker, recorder } = registered();
  recorder.take();
  const done: Message = { type: 'downloads-done', downloadsBySource: [], badBySource: [], messagesSent: 1 };
  give(tracker, 1, done);
  give(tracker, 3, done);
  t.deepEqual(recorder.take(), []);
  give(tracker, 2, done);
  t.deepEqual(
    recorder.take(),
    [1, 2, 3].map((dest) => ({ dest, tag: Tag.Upload, message: { type: 'stop' } })),
  );
  const stats: Message = { type: 'upload-stats', servedTo: [], refused: 0, messagesSent: 1 };
  give(tracker, 2, stats, 1500);
  give(tracker, 1, stats, 1600);
  t.false(tracker.done);
  t.deepEqual(recorder.take(), [], 'the downloads go on taking late answers until every upload reported');
  give(tracker, 3, stats, 1700);
  t.deepEqual(
    recorder.take(),
    [1, 2, 3].map((dest) => ({ dest, tag: Tag.Download, message: { type: 'stop' } })),
  );
  t.true(tracker.done);
  t.is(tracker.finishedAt, 1700);
  t.is(tracker.messagesSent, 3 + 3 + 3);
});

test('rejects messages that break the protocol', (t) => {
  const { tracker, recorder } = registered();
  recorder.take();
  const cases: [number, Message, string][] = [
    [0, { type: 'swarm-request', fileId: 0, withHashes: true }, 'rank 0 is not a peer'],
    [4, { type: 'swarm-request', fileId: 0, withHashes: true }, 'rank 4 is not a peer'],
    [2, { type: 'register', path: 'in2.txt', owned: [], wanted: [] }, 'registered twice'],
    [2, { type: 'swarm-request', fileId: 1, withHashes: true }, 'file id 1 does not exist'],
    [
      2,
      { type: 'update', fileId: 0, segments: [1, 20], complete: false, wantSwarm: true },
      'segment 20 of file1 does not exist (20 segments)',
    ],
    [2, { type: 'bad-segment', fileId: 0, segment: 1, sender: 2 }, 'bad-segment report names rank 2'],
    [2, { type: 'bad-segment', fileId: 0, segment: 1, sender: 0 }, 'bad-segment report names rank 0'],
    [2, { type: 'bad-segment', fileId: 0, segment: 1, sender: 9 }, 'bad-segment report names rank 9'],
    [
      2,
      { type: 'bad-segment', fileId: 0, segment: 20, sender: 1 },
      'bad-segment report of segment 20 of file1 (20 segments)',
    ],
  ];
  for (const [source, message, text] of cases) {
    t.throws(() => give(tracker, source, message), { instanceOf: ProtocolError, message: text });
  }
  const done: Message = { type: 'downloads-done', downloadsBySource: [], badBySource: [], messagesSent: 1 };
  give(tracker, 2, done);
  t.throws(() => give(tracker, 2, done), { instanceOf: ProtocolError, message: 'reported its downloads done twice' });
  const stats: Message = { type: 'upload-stats', servedTo: [], refused: 0, messagesSent: 1 };
  give(tracker, 2, stats);
  t.throws(() => give(tracker, 2, stats), { instanceOf: ProtocolError, message: 'reported its uploads twice' });
  t.deepEqual(recorder.take(), [], 'nothing was sent for a rejected message');
  t.is(tracker.catalogue!.files[0]!.holders.has(2), false, 'the rejected update changed nothing');
  t.is(tracker.catalogue!.files[0]!.strikes.size, 0, 'no rejected report counted');
});

test('the tracker rejects every message type it does not take', (t) => {
  const { tracker } = registered();
  const wrong: Message[] = [
    { type: 'ready', peerCount: 3, files: [] },
    { type: 'swarm', fileId: 0, hashes: null, holders: [] },
    { type: 'segment-request', fileId: 0, segments: [0] },
    { type: 'segments', fileId: 0, segments: [], refused: [] },
    { type: 'stop' },
  ];
  for (const message of wrong) {
    t.throws(() => give(tracker, 2, message), {
      instanceOf: ProtocolError,
      message: `the tracker does not take ${message.type} messages`,
    });
  }
});

test('before everyone registered, requests about files are rejected', (t) => {
  const tracker = new Tracker(3, new Recorder().outbox, { strikeLimit: 3 });
  give(tracker, 1, registration(1, true, false));
  t.throws(() => give(tracker, 1, { type: 'swarm-request', fileId: 0, withHashes: true }), {
    instanceOf: ProtocolError,
    message: 'file id 0 does not exist',
  });
});
