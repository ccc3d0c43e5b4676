// Start-up marks, preloaded by bench/startup.mjs in every thread of every rank:
//   MPITORRENT_STARTUP_MARKS=DIR node --require bench/startup-marks.cjs dist/main.js
// Records, for each thread, when (epoch ms) and at what CPU cost it reached:
//   - "thread: first line": this preload, the first code Node runs for us in the thread;
//   - every mark of the program: it calls globalThis.mpitorrentStartupMark?.(step) (src/launch/startup-mark.ts),
//     which this preload installs; without it a mark costs one optional call;
//   - the addon's dlopen, MPI_Init_thread and MPI_Finalize (wrapped here: src/mpi stays as is);
//   - "thread: exit".
// and writes DIR/rank<R>-thread<T>.json at the thread's exit.
'use strict';

const dir = process.env.MPITORRENT_STARTUP_MARKS;
if (dir) {
  const fs = require('node:fs');
  const path = require('node:path');
  const { threadId } = require('node:worker_threads');

  const env = process.env;
  const rank = env.OMPI_COMM_WORLD_RANK ?? env.PMI_RANK ?? env.PMIX_RANK ?? 'x';
  const marks = [];

  // This thread's own CPU time (ns) from the scheduler; process.cpuUsage() counts all threads.
  // The kernel brings a running thread's count up to date only at a tick (4 ms here) or when
  // the thread sleeps: a 20 µs sleep first makes the reading exact (it costs ~80 µs of wall).
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  const threadCpuMs = () => {
    try {
      Atomics.wait(sleeper, 0, 0, 0.02);
      return Number(fs.readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ')[0]) / 1e6;
    } catch {
      return NaN;
    }
  };
  const record = (name) => {
    const cpu = process.cpuUsage();
    marks.push({
      name,
      at: performance.timeOrigin + performance.now(),
      threadCpuMs: threadCpuMs(),
      processCpuMs: (cpu.user + cpu.system) / 1000,
    });
  };
  record('thread: first line');

  globalThis.mpitorrentStartupMark = record;

  // The addon: time its dlopen, then wrap the calls that start and stop MPI.
  const originalDlopen = process.dlopen;
  process.dlopen = function dlopen(module, filename, ...rest) {
    record('addon: dlopen start');
    const result = originalDlopen.call(this, module, filename, ...rest);
    record('addon: dlopen end');
    const addon = module.exports;
    for (const [call, label] of [
      ['initThread', 'MPI_Init_thread'],
      ['finalize', 'MPI_Finalize'],
    ]) {
      const original = addon[call];
      if (typeof original !== 'function') continue;
      addon[call] = (...args) => {
        record(`${label} start`);
        try {
          return original(...args);
        } finally {
          record(`${label} end`);
        }
      };
    }
    return result;
  };

  process.on('exit', () => {
    record('thread: exit');
    const file = path.join(dir, `rank${rank}-thread${threadId}.json`);
    fs.writeFileSync(
      file,
      JSON.stringify({
        rank: Number(rank),
        threadId,
        pid: process.pid,
        timeOrigin: performance.timeOrigin,
        marks,
      }),
    );
  });
}
