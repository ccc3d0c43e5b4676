import test from 'ava';

import { decode, encode, encodeSegmentsWithRoom } from '../../src/protocol/codec.js';
import { HolderChange, type Message, type MessageType } from '../../src/protocol/messages.js';
import { ProtocolError } from '../../src/protocol/protocol-error.js';
import { WireWriter } from '../../src/protocol/wire.js';

const hash = (n: number): string => n.toString(16).padStart(32, '0');
const payload = (n: number, length = 32): Uint8Array => Uint8Array.from({ length }, (_, i) => (n * 31 + i) & 0xff);

/** At least one message of every type, with the edge cases of each field. */
const SAMPLES: { name: string; message: Message }[] = [
  {
    name: 'register',
    message: {
      type: 'register',
      path: 'in1.txt',
      owned: [
        { name: 'file1', line: 2, hashes: [hash(1), hash(2)] },
        { name: 'empty', line: 5, hashes: [] },
      ],
      wanted: [{ name: 'file2', line: 7 }],
    },
  },
  { name: 'register, nothing owned or wanted', message: { type: 'register', path: '', owned: [], wanted: [] } },
  {
    name: 'register, Unicode names',
    message: {
      type: 'register',
      path: 'données/in1.txt',
      owned: [{ name: 'файл-文件-📁-e\u0301', line: 4_000_000_000, hashes: [hash(0xabc)] }],
      wanted: [{ name: 'ζ\u0000nul', line: 0 }],
    },
  },
  {
    name: 'ready',
    message: {
      type: 'ready',
      peerCount: 5,
      files: [
        { id: 0, name: 'file1', segmentCount: 80 },
        { id: 3, name: 'é', segmentCount: 0 },
      ],
    },
  },
  { name: 'cannot-start', message: { type: 'cannot-start', message: 'in3.txt line 4: bad hash — «x»', exitCode: 3 } },
  { name: 'cannot-start, empty message', message: { type: 'cannot-start', message: '', exitCode: 0 } },
  { name: 'ready, no files', message: { type: 'ready', peerCount: 1, files: [] } },
  { name: 'swarm-request with hashes', message: { type: 'swarm-request', fileId: 7, withHashes: true } },
  { name: 'swarm-request without hashes', message: { type: 'swarm-request', fileId: 0xffff_ffff, withHashes: false } },
  {
    name: 'swarm, every holder change',
    message: {
      type: 'swarm',
      fileId: 2,
      hashes: [hash(1), hash(2), hash(3)],
      holders: [
        { rank: 1, change: HolderChange.All },
        { rank: 2, change: HolderChange.Bitfield, bitfield: Uint8Array.of(0b1010_0000) },
        { rank: 3, change: HolderChange.Added, added: [0, 2] },
        { rank: 4, change: HolderChange.Removed },
        { rank: 5, change: HolderChange.Added, added: [] },
        { rank: 6, change: HolderChange.Bitfield, bitfield: new Uint8Array(0) },
      ],
    },
  },
  {
    name: 'swarm with SHA-256-sized, upper-case hashes',
    message: {
      type: 'swarm',
      fileId: 1,
      hashes: [hash(1).repeat(2), 'ABCDEF0123456789'.repeat(4)],
      holders: [],
    },
  },
  { name: 'swarm without hashes or holders', message: { type: 'swarm', fileId: 0, hashes: null, holders: [] } },
  { name: 'swarm with an empty hash list', message: { type: 'swarm', fileId: 0, hashes: [], holders: [] } },
  {
    name: 'update',
    message: { type: 'update', fileId: 1, segments: [9, 3, 0xffff_ffff], complete: false, wantSwarm: true },
  },
  {
    name: 'update, complete and empty',
    message: { type: 'update', fileId: 1, segments: [], complete: true, wantSwarm: false },
  },
  { name: 'bad-segment', message: { type: 'bad-segment', fileId: 4, segment: 17, sender: 3 } },
  {
    name: 'downloads-done',
    message: {
      type: 'downloads-done',
      downloadsBySource: [
        { rank: 1, count: 10 },
        { rank: 4, count: 0xffff_ffff },
      ],
      badBySource: [{ rank: 2, count: 3 }],
      messagesSent: 42,
    },
  },
  {
    name: 'downloads-done, empty lists',
    message: { type: 'downloads-done', downloadsBySource: [], badBySource: [], messagesSent: 1 },
  },
  { name: 'segment-request', message: { type: 'segment-request', fileId: 3, segments: [5, 1, 2] } },
  { name: 'segment-request, empty', message: { type: 'segment-request', fileId: 3, segments: [] } },
  {
    name: 'segments',
    message: {
      type: 'segments',
      fileId: 1,
      segments: [
        { segment: 0, payload: payload(0) },
        { segment: 9, payload: new Uint8Array(0) },
      ],
      refused: [4, 5],
    },
  },
  {
    name: 'segments, nothing sent, nothing refused',
    message: { type: 'segments', fileId: 1, segments: [], refused: [] },
  },
  { name: 'stop', message: { type: 'stop' } },
  {
    name: 'upload-stats',
    message: { type: 'upload-stats', servedTo: [{ rank: 2, count: 8 }], refused: 1, messagesSent: 9 },
  },
  { name: 'upload-stats, empty', message: { type: 'upload-stats', servedTo: [], refused: 0, messagesSent: 0 } },
];

const ALL_TYPES = [
  'register',
  'cannot-start',
  'ready',
  'swarm-request',
  'swarm',
  'update',
  'bad-segment',
  'downloads-done',
  'segment-request',
  'segments',
  'stop',
  'upload-stats',
] as const satisfies readonly MessageType[];
// Fails to compile when a message type is added to messages.ts but not to the list above.
const everyTypeListed: Exclude<MessageType, (typeof ALL_TYPES)[number]> extends never ? true : never = true;
void everyTypeListed;

test('the samples cover every message type', (t) => {
  t.deepEqual([...new Set(SAMPLES.map(({ message }) => message.type))].sort(), [...ALL_TYPES].sort());
});

for (const { name, message } of SAMPLES) {
  test(`round trip: ${name}`, (t) => {
    t.deepEqual(decode(encode(message)), message);
  });
}

test('every message type has its own code in the first byte', (t) => {
  const codes = new Map<number, MessageType>();
  for (const { message } of SAMPLES) {
    const code = encode(message)[0]!;
    const other = codes.get(code);
    if (other !== undefined) t.is(other, message.type, `code ${code} is used by two types`);
    codes.set(code, message.type);
  }
  t.is(codes.size, ALL_TYPES.length);
});

test('round trip of large lists', (t) => {
  const segments = Array.from({ length: 100_000 }, (_, i) => (i * 2_654_435_761) >>> 0);
  const messages: Message[] = [
    { type: 'segment-request', fileId: 1, segments },
    { type: 'update', fileId: 1, segments, complete: true, wantSwarm: false },
    {
      type: 'segments',
      fileId: 2,
      segments: Array.from({ length: 2000 }, (_, i) => ({ segment: i, payload: payload(i, i % 64) })),
      refused: segments.slice(0, 5000),
    },
    {
      type: 'swarm',
      fileId: 3,
      hashes: Array.from({ length: 20_000 }, (_, i) => hash(i)),
      holders: Array.from({ length: 1000 }, (_, i) =>
        i % 2 === 0
          ? { rank: i + 1, change: HolderChange.Bitfield, bitfield: payload(i, 2500) }
          : { rank: i + 1, change: HolderChange.Added, added: segments.slice(i, i + 50) },
      ),
    },
    {
      type: 'register',
      path: 'in9.txt',
      owned: Array.from({ length: 300 }, (_, i) => ({
        name: `f${i}`,
        line: i,
        hashes: Array.from({ length: 30 }, (_, j) => hash(i * 30 + j)),
      })),
      wanted: Array.from({ length: 300 }, (_, i) => ({ name: `w${i}`, line: i })),
    },
  ];
  for (const message of messages) t.deepEqual(decode(encode(message)), message);
});

test('decodes a message that sits inside a larger buffer', (t) => {
  const message: Message = {
    type: 'segments',
    fileId: 5,
    segments: [{ segment: 2, payload: payload(2) }],
    refused: [1],
  };
  const bytes = encode(message);
  const buffer = new Uint8Array(bytes.length + 13).fill(0xee);
  buffer.set(bytes, 7);
  t.deepEqual(decode(buffer.subarray(7, 7 + bytes.length)), message);
});

test('decoded payloads are views into the message, not copies (every receive has its own buffer)', (t) => {
  const bytes = encode({ type: 'segments', fileId: 0, segments: [{ segment: 0, payload: payload(1) }], refused: [] });
  const decoded = decode(bytes);
  t.deepEqual(decoded, { type: 'segments', fileId: 0, segments: [{ segment: 0, payload: payload(1) }], refused: [] });
  const view = (decoded as { segments: { payload: Uint8Array }[] }).segments[0]!.payload;
  t.is(view.buffer, bytes.buffer);
});

test('a segments message encoded with room for its payloads is the same bytes as encode gives', (t) => {
  const segments = [
    { segment: 3, payload: payload(1) },
    { segment: 9, payload: new Uint8Array([7, 8, 9]) },
  ];
  const { data, payloads } = encodeSegmentsWithRoom(
    5,
    segments.map(({ segment, payload: p }) => ({ segment, length: p.length })),
    [1, 2],
  );
  segments.forEach(({ payload: p }, i) => payloads[i]!.set(p));
  t.deepEqual(data, encode({ type: 'segments', fileId: 5, segments, refused: [1, 2] }));
});

function rejects(t: import('ava').ExecutionContext, bytes: Uint8Array, message: RegExp): void {
  const error = t.throws(() => decode(bytes), { instanceOf: ProtocolError });
  t.regex(error?.message ?? '', message);
}

test('rejects an empty message', (t) => {
  rejects(t, new Uint8Array(0), /^empty message$/);
});

test('rejects unknown type codes', (t) => {
  for (const code of [0, 13, 99, 255])
    rejects(t, Uint8Array.of(code, 0, 0, 0, 0), new RegExp(`^unknown message type ${code}$`));
});

for (const { name, message } of SAMPLES) {
  test(`rejects every truncation: ${name}`, (t) => {
    const bytes = encode(message);
    for (let length = 0; length < bytes.length; length++) {
      const error = t.throws(
        () => decode(bytes.slice(0, length)),
        { instanceOf: ProtocolError },
        `prefix of ${length} bytes`,
      );
      t.regex(
        error?.message ?? '',
        length === 0 ? /^empty message$/ : /^message truncated: /,
        `prefix of ${length} bytes`,
      );
    }
  });

  test(`rejects trailing bytes: ${name}`, (t) => {
    const bytes = encode(message);
    for (const extra of [1, 4, 100]) {
      const longer = new Uint8Array(bytes.length + extra);
      longer.set(bytes);
      rejects(t, longer, new RegExp(`^${extra} unexpected bytes? after a ${message.type} message$`));
    }
  });
}

test('truncation messages say what is missing and where', (t) => {
  const bytes = encode({ type: 'bad-segment', fileId: 4, segment: 17, sender: 3 });
  rejects(t, bytes.slice(0, 7), /^message truncated: segment needs 4 bytes at offset 5, 2 left$/);
});

test('rejects counts too large for the bytes left, before allocating', (t) => {
  const huge = 0xffff_ffff;
  const cases: [string, Uint8Array, RegExp][] = [
    ['u32 list', new WireWriter().u8(8).u32(0).u32(huge).finish(), /4294967295 segments cannot fit in 0 bytes/],
    [
      'u32 list, one too many',
      new WireWriter().u8(8).u32(0).u32(3).u32(1).u32(2).finish(),
      /3 segments cannot fit in 8 bytes/,
    ],
    ['list of holders', new WireWriter().u8(4).u32(0).u8(0).u32(huge).finish(), /4294967295 holders cannot fit/],
    [
      'list of files',
      new WireWriter().u8(2).u32(1).u32(huge).u32(0).finish(),
      /4294967295 files cannot fit in 4 bytes/,
    ],
    [
      'list of hashes',
      new WireWriter().u8(4).u32(0).u8(1).u32(0x4000_0000).u32(32).finish(),
      /^message truncated: 1073741824 hashes of 32 bytes cannot fit in 0 bytes$/,
    ],
    [
      'list of hashes, width huge',
      new WireWriter().u8(4).u32(0).u8(1).u32(2).u32(huge).finish(),
      /^message truncated: 2 hashes of 4294967295 bytes cannot fit in 0 bytes$/,
    ],
    ['rank counts', new WireWriter().u8(7).u32(huge).finish(), /downloads by source cannot fit/],
    [
      'payload length',
      new WireWriter().u8(9).u32(0).u32(1).u32(0).u32(huge).finish(),
      /payload needs 4294967295 bytes/,
    ],
    ['string length', new WireWriter().u8(1).u32(huge).finish(), /path needs 4294967295 bytes/],
    [
      'bitfield length',
      new WireWriter().u8(4).u32(0).u8(0).u32(1).u32(1).u8(HolderChange.Bitfield).u32(huge).finish(),
      /bitfield needs 4294967295 bytes/,
    ],
  ];
  for (const [what, bytes, message] of cases) {
    const before = process.memoryUsage().arrayBuffers;
    const error = t.throws(() => decode(bytes), { instanceOf: ProtocolError }, what);
    t.regex(error?.message ?? '', message, what);
    t.true(process.memoryUsage().arrayBuffers - before < 1 << 20, `${what}: no large allocation`);
  }
});

test('rejects strings that are not valid UTF-8', (t) => {
  const invalid = [
    Uint8Array.of(0xff),
    Uint8Array.of(0x61, 0xc3), // cut inside a two-byte sequence
    Uint8Array.of(0xc0, 0xaf), // overlong "/"
    Uint8Array.of(0xed, 0xa0, 0x80), // a lone surrogate
    Uint8Array.of(0xf4, 0x90, 0x80, 0x80), // past U+10FFFF
  ];
  for (const bytes of invalid) {
    rejects(t, new WireWriter().u8(1).bytes(bytes).u32(0).u32(0).finish(), /^path is not valid UTF-8$/);
    const ready = new WireWriter().u8(2).u32(1).u32(1).u32(0).bytes(bytes).u32(3).finish();
    rejects(t, ready, /^file name is not valid UTF-8$/);
  }
});

test('rejects hashes that are not ASCII, or of width 0', (t) => {
  // A swarm: file 0, with hashes, then no holders.
  const swarm = (count: number, width: number, bytes: Uint8Array): Uint8Array =>
    Uint8Array.from([...new WireWriter().u8(4).u32(0).u8(1).u32(count).u32(width).finish(), ...bytes, 0, 0, 0, 0]);
  rejects(t, swarm(1, 2, Uint8Array.of(0xc3, 0xa9)), /^hashes are not ASCII$/); // "é", valid UTF-8
  rejects(t, swarm(2, 1, Uint8Array.of(0x61, 0xff)), /^hashes are not valid UTF-8$/);
  rejects(t, swarm(5, 0, new Uint8Array(0)), /^5 hashes of width 0$/);
});

test('encodes only ASCII hashes of one length', (t) => {
  const swarm = (hashes: string[]): Message => ({ type: 'swarm', fileId: 0, hashes, holders: [] });
  t.throws(() => encode(swarm([hash(1), hash(2).slice(1)])), {
    instanceOf: RangeError,
    message: /strings of 32 and 31 characters/,
  });
  t.throws(() => encode(swarm(['é'.repeat(32)])), { instanceOf: RangeError, message: /not ASCII/ });
  t.throws(() => encode(swarm(['', ''])), { instanceOf: RangeError, message: /empty strings/ });
});

test('rejects an unknown holder change', (t) => {
  for (const change of [4, 7, 255]) {
    const bytes = new WireWriter().u8(4).u32(0).u8(0).u32(1).u32(2).u8(change).finish();
    rejects(t, bytes, new RegExp(`^unknown holder change ${change}$`));
  }
});
