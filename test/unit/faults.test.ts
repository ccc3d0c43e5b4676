import test from 'ava';

import { malformedMessages, NO_FAULTS, sendMalformed, uploadBehaviour, type Faults } from '../../src/peer/faults.js';
import { decode } from '../../src/protocol/codec.js';
import { ProtocolError } from '../../src/protocol/protocol-error.js';
import { seededRandom } from '../../src/protocol/random.js';
import { Tag } from '../../src/protocol/tags.js';

const faults = (changes: Partial<Faults>): Faults => ({ ...NO_FAULTS, ...changes });
const payload = Uint8Array.from({ length: 32 }, (_, i) => i);

test('no fault applies to a rank: the behaviour is honest', (t) => {
  const behaviour = uploadBehaviour(faults({ corrupt: new Map([[2, 1]]) }), 3, seededRandom(1));
  t.is(behaviour.payload(payload), payload);
  t.is(behaviour.delayMs(), 0);
  t.notThrows(() => behaviour.served(1_000_000));
});

test('corruption with probability 1 changes every payload, never the stored one', (t) => {
  const behaviour = uploadBehaviour(faults({ corrupt: new Map([[2, 1]]) }), 2, seededRandom(1));
  const stored = payload.slice();
  for (let i = 0; i < 100; i++) t.notDeepEqual(behaviour.payload(stored), payload);
  t.deepEqual(stored, payload);
});

test('corruption with a probability corrupts about that share, reproducibly from the seed', (t) => {
  const count = (seed: number): number => {
    const behaviour = uploadBehaviour(faults({ corrupt: new Map([[2, 0.3]]) }), 2, seededRandom(seed));
    let corrupted = 0;
    for (let i = 0; i < 2000; i++) if (behaviour.payload(payload) !== payload) corrupted++;
    return corrupted;
  };
  t.true(count(5) > 450 && count(5) < 750, `${count(5)} of 2000`);
  t.is(count(5), count(5));
});

test('slow holders delay, crashing holders throw after K segments', (t) => {
  t.is(uploadBehaviour(faults({ slow: new Map([[4, 1500]]) }), 4, seededRandom(1)).delayMs(), 1500);
  const crashing = uploadBehaviour(faults({ crash: new Map([[4, 3]]) }), 4, seededRandom(1));
  t.notThrows(() => crashing.served(2));
  t.throws(() => crashing.served(3), { message: 'fault injection: upload worker crashed after 3 segments' });
});

test('every malformed message is rejected by the decoder or names something that does not exist', (t) => {
  const messages = malformedMessages();
  let undecodable = 0;
  for (const bytes of messages) {
    try {
      const message = decode(bytes);
      // The well-formed ones carry ids out of range: every role rejects them (tested in its own tests).
      t.true(
        JSON.stringify(message).includes('2147483647') || JSON.stringify(message).includes('4294967280'),
        JSON.stringify(message),
      );
    } catch (error) {
      t.true(error instanceof ProtocolError);
      undecodable++;
    }
  }
  t.true(undecodable >= 4, 'empty, unknown type, truncated, trailing bytes');
});

test('sendMalformed sends each malformed message to the tracker and to both workers of every other peer', (t) => {
  const sent: [number, number][] = [];
  sendMalformed((dest, tag) => sent.push([dest, tag]), 2, 4);
  const each = malformedMessages().length;
  t.is(sent.length, each * 5);
  t.is(sent.filter(([dest]) => dest === 2).length, 0, 'never to itself');
  t.is(sent.filter(([dest, tag]) => dest === 0 && tag === Tag.Tracker).length, each);
  for (const peer of [1, 3]) {
    t.is(sent.filter(([dest, tag]) => dest === peer && tag === Tag.Upload).length, each);
    t.is(sent.filter(([dest, tag]) => dest === peer && tag === Tag.Download).length, each);
  }
});
