import test from 'ava';

import { hashAsPayload } from '../../src/peer/payload.js';
import { prepareStore, registration, wantedFiles } from '../../src/peer/course-setup.js';
import type { Ready } from '../../src/protocol/messages.js';
import { hashes, input } from '../helpers/swarm-inputs.js';

const A = hashes('setup-a', 3);
const peer = input(2, { a: A, empty: [] }, ['c', 'b']);
const ready: Ready = {
  type: 'ready',
  peerCount: 3,
  files: [
    { id: 4, name: 'a', segmentCount: 3 },
    { id: 0, name: 'empty', segmentCount: 0 },
    { id: 1, name: 'b', segmentCount: 5 },
    { id: 2, name: 'c', segmentCount: 2 },
  ],
};

test('the registration carries the input path, owned hashes and wanted files with their lines', (t) => {
  t.deepEqual(registration(peer), {
    type: 'register',
    path: 'in2.txt',
    owned: [
      { name: 'a', line: 2, hashes: A },
      { name: 'empty', line: 6, hashes: [] },
    ],
    wanted: [
      { name: 'c', line: 8 },
      { name: 'b', line: 9 },
    ],
  });
});

test("wanted files come in the input's order, with the tracker's ids", (t) => {
  t.deepEqual(wantedFiles(ready, peer), [
    { id: 2, name: 'c', segmentCount: 2 },
    { id: 1, name: 'b', segmentCount: 5 },
  ]);
  const partial: Ready = { ...ready, files: ready.files.filter((file) => file.name !== 'b') };
  t.throws(() => wantedFiles(partial, peer), { message: 'the tracker gave no id for wanted file b' });
});

test("the store holds every owned segment's payload and nothing wanted yet", (t) => {
  const store = prepareStore(ready, peer, hashAsPayload);
  A.forEach((hash, segment) => {
    t.true(store.has(4, segment));
    t.true(hashAsPayload.verify(hash, store.read(4, segment), segment));
  });
  t.false(store.has(1, 0));
  t.is(store.segmentCount(1), 5);
  t.is(store.segmentCount(2), 2);
  const missing: Ready = { ...ready, files: ready.files.filter((file) => file.name !== 'a') };
  t.throws(() => prepareStore(missing, peer, hashAsPayload), { message: 'the tracker gave no id for owned file a' });
});

test('a payload is genuine only when it is exactly the hash text, case included', (t) => {
  const hash = 'ABCDEF0123456789abcdef0123456789';
  t.true(hashAsPayload.verify(hash, hashAsPayload.payloadOf(hash), 0));
  t.false(hashAsPayload.verify(hash, hashAsPayload.payloadOf(hash.toLowerCase()), 0));
  t.false(hashAsPayload.verify(hash, hashAsPayload.payloadOf(hash).subarray(0, 31), 0));
  t.false(hashAsPayload.verify(hash, new Uint8Array(0), 0));
  t.is(hashAsPayload.payloadOf(hash).length, hashAsPayload.slotSize);
});
