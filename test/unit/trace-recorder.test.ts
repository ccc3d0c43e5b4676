/** The trace recorder (not wired in yet): per-thread buffers, the merge of ranks, the file. */
import test from 'ava';

import { mergeTraces, traceJson, type RankTrace } from '../../src/trace/merge.js';
import { NO_TRACE, TraceRecorder, type Tracer } from '../../src/trace/recorder.js';
import { traceProblems, traceTracks } from '../../src/trace/validate.js';

/** A clock that moves only when told. */
function fakeClock(start = 1_000_000) {
  let now = start;
  return { read: () => now, advance: (us: number) => void (now += us) };
}

/** Code as a thread would write it: the same calls whether tracing is on or off. */
function downloadFile(trace: Tracer, clock: { advance(us: number): void }): void {
  const started = trace.now();
  trace.instant('request', 'download', { segments: 4, to: 2 });
  clock.advance(250);
  trace.counter('in flight', { segments: 4 });
  clock.advance(750);
  trace.complete('file1', 'download', started, { segments: 4 });
}

test('a span runs from the time taken at its start to the time it is completed, with its args', (t) => {
  const clock = fakeClock();
  const trace = new TraceRecorder({ pid: 3, tid: 1, clock: clock.read });
  downloadFile(trace, clock);
  t.deepEqual(trace.drain(), [
    { ph: 'i', name: 'request', cat: 'download', ts: 1_000_000, s: 't', pid: 3, tid: 1, args: { segments: 4, to: 2 } },
    { ph: 'C', name: 'in flight', cat: 'counter', ts: 1_000_250, pid: 3, tid: 1, args: { segments: 4 } },
    { ph: 'X', name: 'file1', cat: 'download', ts: 1_000_000, dur: 1000, pid: 3, tid: 1, args: { segments: 4 } },
  ]);
  t.is(trace.size, 0, 'draining empties the buffer');
});

test('tracing off: the same calls are accepted and do nothing; its time is 0', (t) => {
  const clock = fakeClock();
  downloadFile(NO_TRACE, clock);
  t.false(NO_TRACE.enabled);
  t.is(NO_TRACE.now(), 0);
  t.true(Object.isFrozen(NO_TRACE), 'nothing can be attached to it');
});

test('a full buffer counts what it drops and says so in the trace, then starts again', (t) => {
  const clock = fakeClock();
  const trace = new TraceRecorder({ pid: 1, tid: 0, limit: 3, clock: clock.read });
  for (let i = 0; i < 5; i++) trace.instant(`event ${i}`, 'test');
  t.is(trace.size, 3);
  t.is(trace.dropped, 2);
  const events = trace.drain();
  t.deepEqual(
    events.map((event) => event.name),
    ['event 0', 'event 1', 'event 2', 'trace buffer full'],
  );
  t.deepEqual(events[3]!.args, { dropped: 2 });
  trace.instant('after', 'test');
  t.deepEqual(
    trace.drain().map((event) => event.name),
    ['after'],
  );
});

function twoRanks(): RankTrace[] {
  const clock = fakeClock(5_000_000);
  const tracker = new TraceRecorder({ pid: 0, tid: 0, clock: clock.read });
  const download = new TraceRecorder({ pid: 1, tid: 1, clock: clock.read });
  const upload = new TraceRecorder({ pid: 1, tid: 2, clock: clock.read });
  const registered = tracker.now();
  clock.advance(100);
  tracker.complete('registration', 'tracker', registered);
  downloadFile(download, clock);
  upload.instant('served', 'upload', { segments: 4 });
  return [
    // Rank 1's host runs 2 ms ahead of rank 0's: its offset brings it back.
    {
      rank: 1,
      role: 'peer',
      host: 'b',
      clockOffset: -2000,
      threads: [
        { tid: 0, name: 'main', events: [] },
        {
          tid: 1,
          name: 'download worker',
          events: download.drain().map((event) => ({ ...event, ts: event.ts + 2000 })),
        },
        { tid: 2, name: 'upload worker', events: upload.drain().map((event) => ({ ...event, ts: event.ts + 2000 })) },
      ],
    },
    { rank: 0, role: 'tracker', host: 'a', threads: [{ tid: 0, name: 'main', events: tracker.drain() }] },
  ];
}

test("merged: a process per rank and a named track per thread, time from 0 on rank 0's clock, in order", (t) => {
  const file = mergeTraces(twoRanks(), { ranks: 2 });
  t.deepEqual(traceProblems(file), []);
  t.deepEqual(traceTracks(file), ['0/0', '1/0', '1/1', '1/2'], 'as many tracks as threads');
  const names = file.traceEvents
    .filter((event) => event.ph === 'M' && 'name' in event.args)
    .map((event) => `${event.pid}/${event.tid} ${(event.args as { name: string }).name}`);
  t.deepEqual(names, [
    '0/0 rank 0 (tracker on a)',
    '0/0 main',
    '1/0 rank 1 (peer on b)',
    '1/0 main',
    '1/1 download worker',
    '1/2 upload worker',
  ]);
  const timed = file.traceEvents.filter((event) => event.ph !== 'M');
  // In time order; at one time a span before what it holds (file1 was recorded after request).
  t.deepEqual(
    timed.map((event) => [event.name, event.ts]),
    [
      ['registration', 0],
      ['file1', 100],
      ['request', 100],
      ['in flight', 350],
      ['served', 1100],
    ],
  );
  t.is(file.otherData?.ranks, 2);
  t.is(file.otherData?.startedAt, new Date(5_000).toISOString());
});

test('the file is JSON that reads back as the merged trace', (t) => {
  const file = mergeTraces(twoRanks());
  const text = traceJson(file);
  t.deepEqual(JSON.parse(text), file);
  t.is(text.split('\n').length, file.traceEvents.length + 3, 'one event a line');
});

test('what the format requires is checked: span durations, counter numbers, thread ids, known phases', (t) => {
  const good = mergeTraces(twoRanks());
  const broken = (change: (events: Record<string, unknown>[]) => void): string[] => {
    const copy = structuredClone(good) as unknown as { traceEvents: Record<string, unknown>[] };
    change(copy.traceEvents);
    return traceProblems(copy);
  };
  const span = good.traceEvents.findIndex((event) => event.ph === 'X');
  const counter = good.traceEvents.findIndex((event) => event.ph === 'C');
  t.regex(broken((events) => delete events[span]!.dur)[0]!, new RegExp(`^traceEvents\\.${span}\\.dur: `));
  t.regex(
    broken((events) => (events[counter]!.args = { segments: 'four' }))[0]!,
    new RegExp(`^traceEvents\\.${counter}\\.args\\.segments: `),
  );
  t.regex(broken((events) => (events[0]!.tid = 1.5))[0]!, /^traceEvents\.0\.tid: /);
  t.regex(broken((events) => (events[0]!.ph = 'Q'))[0]!, /^traceEvents\.0\.ph: /);
  t.deepEqual(traceProblems({ events: [] }), ['traceEvents: Invalid input: expected array, received undefined']);
});
