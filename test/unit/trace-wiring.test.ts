/**
 * What --trace adds around the roles: the watched serve loop (waits, counters), the main
 * threads' phases, the tracker's run told afterwards, the clock offset of another host, and the
 * check that a thread's spans nest.
 */
import test from 'ava';

import { encode } from '../../src/protocol/codec.js';
import type { Message } from '../../src/protocol/messages.js';
import type { Role } from '../../src/protocol/role.js';
import { serve } from '../../src/protocol/serve.js';
import { Tag } from '../../src/protocol/tags.js';
import type { Packet, Transport } from '../../src/protocol/transport.js';
import type { Tracker } from '../../src/tracker/tracker.js';
import type { TimedEvent } from '../../src/trace/events.js';
import { clockOffset } from '../../src/trace/job-trace.js';
import { Phases } from '../../src/trace/phases.js';
import { TraceRecorder } from '../../src/trace/recorder.js';
import { traceTrackerRun } from '../../src/trace/tracker-trace.js';
import { spanNestingProblems } from '../../src/trace/validate.js';
import { SAMPLE_MS, WAIT_SPAN_US, watchServe } from '../../src/trace/watch-serve.js';

/** One clock in milliseconds for the role and the recorder (which counts microseconds). */
function sharedClock() {
  const clock = { ms: 1000 };
  const recorder = new TraceRecorder({ pid: 2, tid: 1, clock: () => clock.ms * 1000 });
  return { clock, recorder };
}

/** Hands out scripted packets; each receive takes the time the script says. */
class ScriptedTransport implements Transport {
  readonly rank = 2;
  readonly size = 3;
  flushes = 0;
  constructor(
    private readonly script: { afterMs: number; packet?: Packet }[],
    private readonly clock: { ms: number },
  ) {}
  send(): void {}
  receive(): Packet | undefined {
    const step = this.script.shift();
    if (step === undefined) return undefined;
    this.clock.ms += step.afterMs;
    return step.packet;
  }
  flush(): void {
    this.flushes++;
  }
}

/** Done after `count` messages; closes once. */
class Counting implements Role {
  handled = 0;
  closed = 0;
  constructor(private readonly count: number) {}
  start(): void {}
  handle(): void {
    this.handled++;
  }
  tick(): number {
    return Infinity;
  }
  get done(): boolean {
    return this.handled >= this.count;
  }
  close(): void {
    this.closed++;
  }
}

const packet = (source: number, message: Message): Packet => ({ source, data: encode(message) });
const stop: Message = { type: 'stop' };
const swarmRequest: Message = { type: 'swarm-request', fileId: 0, withHashes: false };

const names = (events: TimedEvent[], ph: TimedEvent['ph']) =>
  events.filter((event) => event.ph === ph).map((event) => event.name);

test('a watched serve loop: long waits become spans naming the sender, short ones only count', (t) => {
  const { clock, recorder } = sharedClock();
  const role = new Counting(3);
  const transport = new ScriptedTransport(
    [
      { afterMs: 5, packet: packet(1, swarmRequest) },
      { afterMs: 0.5, packet: packet(0, swarmRequest) },
      { afterMs: 3 }, // a timeout
      { afterMs: 2, packet: packet(0, stop) },
    ],
    clock,
  );
  const watched = watchServe(role, transport, recorder, {
    label: 'download',
    sample: () => ({ handled: role.handled }),
  });
  serve(
    watched.role,
    watched.transport,
    Tag.Download,
    () => t.fail('nothing is malformed'),
    () => clock.ms,
  );
  t.is(role.handled, 3, 'the role got every message');
  t.is(role.closed, 1, 'and was closed once');
  const events = recorder.drain();
  const waits = events.filter((event) => event.name === 'wait for a message');
  t.deepEqual(
    waits.map((event) => [event.ts, event.ph === 'X' && event.dur, event.args]),
    [
      [1_000_000, 5000, { from: 1 }],
      [1_005_500, 3000, { timeout: true }],
      [1_008_500, 2000, { from: 0 }],
    ],
    `waits of ${WAIT_SPAN_US} us or more`,
  );
  // The last sample (at close) has every message by type, and the role's own numbers.
  const counters = events.filter((event) => event.ph === 'C');
  const last = (name: string) => counters.filter((event) => event.name === name).at(-1)?.args;
  t.deepEqual(last('download messages'), { 'swarm-request': 2, stop: 1 });
  t.deepEqual(last('download'), { handled: 3 });
  t.true(names(events, 'C').includes('download waiting %'));
});

test(`counters are sampled at most every ${SAMPLE_MS} ms of the role's clock, the last with every message`, (t) => {
  const { clock, recorder } = sharedClock();
  const script = Array.from({ length: 40 }, () => ({ afterMs: 1, packet: packet(0, swarmRequest) }));
  const watched = watchServe(new Counting(40), new ScriptedTransport(script, clock), recorder, { label: 'tracker' });
  serve(
    watched.role,
    watched.transport,
    Tag.Tracker,
    () => {},
    () => clock.ms,
  );
  const events = recorder.drain();
  const samples = events.filter((event) => event.name === 'tracker waiting %');
  // 40 ms of messages: the start, one every 10 ms, and the close.
  t.true(samples.length >= 4 && samples.length <= 6, `${samples.length} samples`);
  t.deepEqual(samples.at(-1)?.args, { waiting: 100 }, 'it only waited');
  t.deepEqual(events.filter((event) => event.name === 'tracker messages').at(-1)?.args, { 'swarm-request': 40 });
});

test('phases: each step ends where the next starts, and end() closes the last', (t) => {
  const { clock, recorder } = sharedClock();
  const phases = new Phases(recorder, 'main');
  phases.next('registration');
  clock.ms += 2;
  phases.next('waiting');
  clock.ms += 3;
  phases.end();
  phases.end(); // nothing under way: no span
  t.deepEqual(
    recorder.drain().map((event) => [event.name, event.ts, event.ph === 'X' && event.dur]),
    [
      ['registration', 1_000_000, 2000],
      ['waiting', 1_002_000, 3000],
    ],
  );
});

test("the tracker's run: registration, swarm until the last peer was done, stopping, and each peer's end", (t) => {
  const { recorder } = sharedClock();
  const tracker = {
    startedAt: 10,
    readyAt: 12,
    finishedAt: 30,
    peerCount: 2,
    downloadsDoneAt: new Map([
      [2, 25],
      [1, 20],
    ]),
  } as unknown as Tracker;
  traceTrackerRun(recorder, tracker);
  const events = recorder.drain();
  t.deepEqual(
    events.map((event) => [event.name, event.ts, event.ph === 'X' ? event.dur : event.args?.rank]),
    [
      ['registration', 10_000, 2000],
      ['downloads done', 20_000, 1],
      ['downloads done', 25_000, 2],
      ['swarm', 12_000, 13_000],
      ['stopping', 25_000, 5000],
    ],
  );
  t.deepEqual(spanNestingProblems({ traceEvents: events }), []);
});

test("another node's clock: the midpoint of rank 0's call and the answer, less the rank's reading", (t) => {
  t.is(clockOffset({ asked: 1000, answered: 1400, reading: 50_000 }), 1200 - 50_000);
});

test("spans of a thread must nest: one that outlives its parent is named, other threads' do not count", (t) => {
  const span = (name: string, ts: number, dur: number, tid = 0) => ({ ph: 'X', name, pid: 1, tid, ts, dur });
  t.deepEqual(
    spanNestingProblems({
      traceEvents: [span('file', 0, 100), span('wait', 10, 20), span('wait', 30, 70), span('other', 50, 500, 1)],
    }),
    [],
  );
  t.deepEqual(spanNestingProblems({ traceEvents: [span('registration', 0, 100), span('waiting', 90, 50)] }), [
    '1/0: "waiting" at 90 us overlaps the end of "registration"',
  ]);
});
