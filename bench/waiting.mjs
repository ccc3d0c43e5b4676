// How a thread should wait for an MPI message: latency against the CPU it burns while idle.
//
//   mpirun -np N node bench/waiting.mjs <strategy> <idle ms> <round trips> <gap samples> <gap ms>
//
// Every rank runs two worker threads shaped like mpitorrent's (each receives on its own tag)
// and an idle main thread. All 2N workers first wait for `idle ms` while each rank measures the
// CPU its whole process uses (process.cpuUsage: every thread, the addon's poller included).
// Then rank 0's worker A ping-pongs 1-byte messages with rank 1's worker A, every receive
// using the strategy, while every other worker keeps waiting: `round trips` back to back,
// then `gap samples` round trips each after a silence drawn uniformly from [gap ms, 2 gap ms)
// (the receiver has gone to sleep by then, so this shows what the sleep cap costs in wake-up
// time; the random length keeps the ping from landing at the same point of every sleep).
//
// Strategies (the receive in every worker):
//   blocking         comm.recv into a buffer: MPI_Recv, which spins in Open MPI
//   js-<cap>         comm.waitMessage: MPI_Improbe polls, then Atomics.wait sleeps doubling to <cap> µs
//   poller-<cap>     await comm.irecv(buffer).wait(): the addon's native poller thread tests it
//   hybrid-<cap>     await comm.recvAsync(): polls on this thread first, then the poller
// For poller and hybrid, <cap> is the poller thread's sleep cap (setPollerBackoff). A suffix
// -s<n> sets the polls before the first sleep (Backoff's or the poller's `spins`).
//
// Each rank prints one JSON line; rank 0's carries the round-trip times.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { setTimeout as sleep } from 'node:timers/promises';

import {
  ANY_SOURCE,
  Backoff,
  COMM_WORLD,
  DEFAULT_BACKOFF,
  runMain,
  runWorker,
  setPollerBackoff,
  watchWorker,
} from '../dist/mpi/index.js';

const TAG_A = 11; // worker A: the request/reply stream
const TAG_B = 12; // worker B: only ever told to stop
const GO = 0;
const PING = 1;
const PONG = 2;
const STOP = 3;
// What the addon's poller uses unless told otherwise (native/poller.cc, struct Backoff).
const POLLER_DEFAULTS = { spins: 64, sleepStartUs: 10, sleepCapUs: 1000 };
const SETTLE_MS = 200; // lets every worker reach its steady idle state before measuring

function parseStrategy(name) {
  const match = /^(blocking|js|poller|hybrid)(?:-(\d+))?(?:-s(\d+))?$/.exec(name);
  if (!match) throw new Error(`unknown strategy ${name}: blocking, or js|poller|hybrid-<cap>[-s<spins>]`);
  const optional = (text) => (text === undefined ? undefined : Number(text));
  return { name, kind: match[1], capUs: optional(match[2]), spins: optional(match[3]) };
}

/**
 * The strategy's receive: returns the message's first byte and its source, synchronously or
 * as a promise (the caller awaits only promises, so sync strategies pay no microtask).
 */
function makeReceive(strategy, comm) {
  const buffer = Buffer.alloc(1);
  switch (strategy.kind) {
    case 'blocking':
      return (source, tag) => {
        const status = comm.recv(buffer, source, tag);
        return { kind: buffer[0], source: status.source };
      };
    case 'js': {
      const backoff = new Backoff({
        sleepCapUs: strategy.capUs ?? DEFAULT_BACKOFF.sleepCapUs,
        spins: strategy.spins ?? DEFAULT_BACKOFF.spins,
      });
      return (source, tag) => {
        const message = comm.waitMessage(source, tag, { backoff });
        return { kind: message.data[0], source: message.source };
      };
    }
    case 'poller':
      return async (source, tag) => {
        const status = await comm.irecv(buffer, source, tag).wait();
        return { kind: buffer[0], source: status.source };
      };
    case 'hybrid':
      return async (source, tag) => {
        const message = await comm.recvAsync(source, tag);
        return { kind: message.data[0], source: message.source };
      };
    default:
      throw new Error(`unknown strategy kind ${strategy.kind}`);
  }
}

/** Waits for messages on `tag`, answers pings, returns at the stop message. */
async function respond(receive, comm, tag) {
  const pong = Buffer.from([PONG]);
  for (;;) {
    let message = receive(ANY_SOURCE, tag);
    if (message instanceof Promise) message = await message;
    if (message.kind === STOP) return;
    if (message.kind === PING) comm.send(pong, message.source, tag);
  }
}

/** Rank 0's worker A: waits for the go, times the round trips, then stops everyone. */
async function drive(receive, comm, plan) {
  let message = receive(ANY_SOURCE, TAG_A);
  if (message instanceof Promise) message = await message;
  if (message.kind !== GO) throw new Error(`expected the go message, got kind ${message.kind}`);
  const ping = Buffer.from([PING]);
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  const roundTripUs = [];
  const afterGapUs = [];
  for (let i = 0; i < plan.roundTrips + plan.gapSamples; ++i) {
    const afterGap = i >= plan.roundTrips;
    if (afterGap) Atomics.wait(sleeper, 0, 0, plan.gapMs * (1 + Math.random())); // the peer falls asleep
    const start = performance.now();
    comm.send(ping, 1, TAG_A);
    let reply = receive(1, TAG_A);
    if (reply instanceof Promise) reply = await reply;
    const elapsedUs = (performance.now() - start) * 1000;
    if (reply.kind !== PONG) throw new Error(`expected a pong, got kind ${reply.kind}`);
    (afterGap ? afterGapUs : roundTripUs).push(elapsedUs);
  }
  const stop = Buffer.from([STOP]);
  for (let rank = 0; rank < comm.size; ++rank) {
    if (rank !== 0) comm.send(stop, rank, TAG_A);
    comm.send(stop, rank, TAG_B);
  }
  return { roundTripUs, afterGapUs };
}

async function workerMain({ strategy, role, plan }) {
  const comm = COMM_WORLD;
  const receive = makeReceive(strategy, comm);
  parentPort.postMessage({ ready: true });
  if (role === 'A' && comm.rank === 0) {
    parentPort.postMessage({ stream: await drive(receive, comm, plan) });
  } else {
    await respond(receive, comm, role === 'A' ? TAG_A : TAG_B);
  }
}

function quantile(sorted, q) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    medianUs: quantile(sorted, 0.5),
    p90Us: quantile(sorted, 0.9),
    p99Us: quantile(sorted, 0.99),
    maxUs: sorted.at(-1) ?? null,
  };
}

async function main(world) {
  const [strategyName, idleMs, roundTrips, gapSamples, gapMs] = process.argv.slice(2);
  const strategy = parseStrategy(strategyName);
  const plan = {
    idleMs: Number(idleMs),
    roundTrips: Number(roundTrips),
    gapSamples: Number(gapSamples),
    gapMs: Number(gapMs),
  };
  if (world.size < 2) throw new Error('run with mpirun -np 2 or more');
  if (strategy.kind === 'poller' || strategy.kind === 'hybrid') {
    setPollerBackoff({
      spins: strategy.spins ?? POLLER_DEFAULTS.spins,
      sleepStartUs: POLLER_DEFAULTS.sleepStartUs,
      sleepCapUs: strategy.capUs ?? POLLER_DEFAULTS.sleepCapUs,
    });
  }

  let stream;
  let readyCount = 0;
  let allReady;
  const ready = new Promise((resolve) => {
    allReady = resolve;
  });
  const exits = ['A', 'B'].map((role) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { strategy, role, plan } });
    worker.on('message', (message) => {
      if (message.ready && ++readyCount === 2) allReady();
      if (message.stream) stream = message.stream;
    });
    return watchWorker(worker, `worker ${role}`);
  });
  await ready;
  world.barrier(); // every rank's workers are waiting now
  await sleep(SETTLE_MS);

  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  await sleep(plan.idleMs); // this thread's event loop sleeps; only the waiting costs CPU
  const cpu = process.cpuUsage(cpuBefore);
  const wallMs = performance.now() - wallBefore;

  if (world.rank === 0) world.send(Buffer.from([GO]), 0, TAG_A);
  await Promise.all(exits);

  const report = {
    strategy: strategy.name,
    np: world.size,
    rank: world.rank,
    idleCpuCores: (cpu.user + cpu.system) / 1000 / wallMs,
    idleWallMs: wallMs,
  };
  if (stream) {
    report.roundTrip = summarize(stream.roundTripUs);
    report.afterGap = { gapMs: plan.gapMs, ...summarize(stream.afterGapUs) };
  }
  process.stdout.write(JSON.stringify(report) + '\n');
}

if (isMainThread) {
  await runMain(main);
} else {
  runWorker(`worker ${workerData.role}`, () => workerMain(workerData));
}
