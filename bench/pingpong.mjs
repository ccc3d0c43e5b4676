// The Node side of the binding benchmark: the same blocking ping-pong as bench/pingpong.c,
// through the public API (dist/mpi), on the main thread or on a worker thread.
//
//   node bench/pingpong.mjs main|worker <repetitions> size:iterations:warmups...
//
// For each size: `warmups` + `repetitions` runs of `iterations` round trips, each timed
// (half round trip = a run's time / iterations / 2); the first `warmups` are dropped. Warm-ups
// take exactly the timed path, so V8 has optimized all of it before the first timed run.
// Buffers are allocated once and reused (send from one, recv into another), as a program
// written for speed would. Rank 0 prints one JSON line shaped like the C program's.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

import { COMM_WORLD, runMain, runWorker, watchWorker } from '../dist/mpi/index.js';

const TAG = 7;

function parsePlan(args) {
  const [variant, repetitions, ...sizes] = args;
  return {
    variant,
    repetitions: Number(repetitions),
    sizes: sizes.map((item) => {
      const [size, iterations, warmups] = item.split(':').map(Number);
      return { size, iterations, warmups };
    }),
  };
}

/** Runs the plan on this thread; returns rank 0's half round trips per size. */
function pingPong(plan) {
  const world = COMM_WORLD;
  const rank = world.rank;
  const peer = 1 - rank;
  const largest = Math.max(1, ...plan.sizes.map(({ size }) => size));
  const out = Buffer.alloc(largest, rank + 1);
  const into = Buffer.alloc(largest);
  const empty = Buffer.alloc(0);
  const results = [];
  for (const { size, iterations, warmups } of plan.sizes) {
    // Views made once per size, outside the timed loop.
    const sendView = out.subarray(0, size);
    const recvView = into.subarray(0, size);
    const halfRoundTripUs = [];
    for (let rep = 0; rep < warmups + plan.repetitions; ++rep) {
      world.send(empty, peer, TAG + 1); // line both ranks up
      world.recv(empty, peer, TAG + 1);
      const start = performance.now();
      if (rank === 0) {
        for (let i = 0; i < iterations; ++i) {
          world.send(sendView, peer, TAG);
          world.recv(recvView, peer, TAG);
        }
      } else {
        for (let i = 0; i < iterations; ++i) {
          world.recv(recvView, peer, TAG);
          world.send(sendView, peer, TAG);
        }
      }
      const elapsedMs = performance.now() - start;
      halfRoundTripUs.push((elapsedMs * 1000) / iterations / 2);
    }
    results.push({ size, iterations, halfRoundTripUs: halfRoundTripUs.slice(warmups) });
  }
  return results;
}

if (isMainThread) {
  const plan = parsePlan(process.argv.slice(2));
  await runMain(async (world) => {
    if (world.size < 2) throw new Error('run with mpirun -np 2');
    let results;
    if (plan.variant === 'worker') {
      const worker = new Worker(new URL(import.meta.url), { workerData: plan });
      const exited = watchWorker(worker, 'ping-pong worker');
      worker.on('message', (message) => {
        results = message;
      });
      await exited; // the main thread's event loop sleeps meanwhile
    } else {
      results = pingPong(plan);
    }
    if (world.rank === 0) {
      process.stdout.write(JSON.stringify({ impl: `node-${plan.variant}`, results }) + '\n');
    }
  });
} else {
  runWorker('ping-pong worker', () => {
    parentPort.postMessage(pingPong(workerData));
  });
}
