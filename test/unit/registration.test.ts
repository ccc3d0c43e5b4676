import test from 'ava';

import { InputError } from '../../src/io/input-error.js';
import type { Register } from '../../src/protocol/messages.js';
import { catalogue, filesOf, type PeerInputError } from '../../src/tracker/registration.js';

const hash = (n: number): string => n.toString(16).padStart(32, '0');
const hashes = (from: number, count: number): string[] => Array.from({ length: count }, (_, i) => hash(from + i));

function register(
  rank: number,
  owned: [string, number, string[]][],
  wanted: [string, number][] = [],
): [number, Register] {
  return [
    rank,
    {
      type: 'register',
      path: `in${rank}.txt`,
      owned: owned.map(([name, line, list]) => ({ name, line, hashes: list })),
      wanted: wanted.map(([name, line]) => ({ name, line })),
    },
  ];
}

function fails(
  t: import('ava').ExecutionContext,
  registrations: [number, Register][],
  message: string,
  rank: number,
): void {
  const error = t.throws(() => catalogue(new Map(registrations)), { instanceOf: InputError }) as
    PeerInputError | undefined;
  t.is(error?.message, message);
  t.is(error?.rank, rank);
}

test('files get ids in rank order, then in listing order; owners are recorded', (t) => {
  const { files, byName } = catalogue(
    new Map([
      register(3, [
        ['c', 2, hashes(0, 3)],
        ['a', 6, hashes(10, 2)],
      ]),
      register(1, [
        ['b', 2, hashes(20, 1)],
        ['a', 4, hashes(10, 2)],
      ]),
      register(
        2,
        [],
        [
          ['c', 2],
          ['b', 3],
        ],
      ),
    ]),
  );
  t.deepEqual(
    files.map((file) => [file.id, file.name, file.segmentCount]),
    [
      [0, 'b', 1],
      [1, 'a', 2],
      [2, 'c', 3],
    ],
  );
  t.deepEqual(
    files.map((file) => file.owners.map((owner) => owner.rank)),
    [[1], [1, 3], [3]],
  );
  t.deepEqual(byName.get('a')?.owners, [
    { rank: 1, path: 'in1.txt', line: 4 },
    { rank: 3, path: 'in3.txt', line: 6 },
  ]);
  t.is(byName.get('c'), files[2]);
});

test("filesOf lists the owned files, then the wanted ones, with the tracker's ids", (t) => {
  const registrations = new Map([
    register(1, [
      ['x', 2, hashes(0, 4)],
      ['y', 7, []],
    ]),
    register(
      2,
      [['z', 2, hashes(9, 2)]],
      [
        ['y', 5],
        ['x', 6],
      ],
    ),
    register(3, [], []),
  ]);
  const { byName } = catalogue(registrations);
  t.deepEqual(filesOf(registrations.get(2)!, byName), [
    { id: 2, name: 'z', segmentCount: 2 },
    { id: 1, name: 'y', segmentCount: 0 },
    { id: 0, name: 'x', segmentCount: 4 },
  ]);
  t.deepEqual(filesOf(registrations.get(3)!, byName), []);
});

test("the same file with different hashes: names the later rank's file and line, and the first copy", (t) => {
  const first = hashes(0, 5);
  const later = [...first];
  later[3] = hash(99);
  fails(
    t,
    [
      register(1, [['file1', 2, first]]),
      register(2, [
        ['other', 2, hashes(50, 1)],
        ['file1', 4, first],
      ]),
      register(4, [['file1', 9, later]]),
    ],
    `in4.txt line 9: file1 differs from the copy in in1.txt line 2 (rank 1): segment 4 has hash ${hash(99)} instead of ${hash(3)}`,
    4,
  );
});

test('the same file with a different number of segments', (t) => {
  fails(
    t,
    [register(2, [['file1', 2, hashes(0, 5)]]), register(3, [['file1', 3, hashes(0, 6)]])],
    'in3.txt line 3: file1 differs from the copy in in2.txt line 2 (rank 2): 6 segments instead of 5',
    3,
  );
  fails(
    t,
    [register(1, [['file1', 2, hashes(0, 2)]]), register(2, [['file1', 2, []]])],
    'in2.txt line 2: file1 differs from the copy in in1.txt line 2 (rank 1): 0 segments instead of 2',
    2,
  );
});

test('the order registrations arrived in does not matter: the lower rank is the first copy', (t) => {
  fails(
    t,
    [register(5, [['f', 2, hashes(1, 2)]]), register(2, [['f', 7, hashes(0, 2)]])],
    `in5.txt line 2: f differs from the copy in in2.txt line 7 (rank 2): segment 1 has hash ${hash(1)} instead of ${hash(0)}`,
    5,
  );
});

test("a wanted file nobody owns names the wanting peer's file and line", (t) => {
  fails(
    t,
    [
      register(1, [['file1', 2, hashes(0, 1)]]),
      register(
        2,
        [],
        [
          ['file1', 2],
          ['file9', 3],
        ],
      ),
      register(3, [], [['file8', 2]]),
    ],
    'in2.txt line 3: wants file9, which no peer owns',
    2,
  );
});

test("a file owned later by a higher rank still satisfies a lower rank's want", (t) => {
  const { byName } = catalogue(new Map([register(1, [], [['late', 2]]), register(6, [['late', 2, hashes(0, 3)]])]));
  t.is(byName.get('late')?.segmentCount, 3);
});
