/**
 * How a peer's main thread hands a worker its setup: a message, then a word of shared memory
 * that the worker waits on. The worker takes the message with receiveMessageOnPort, so it never
 * starts its event loop's message machinery for it (a 'message' listener costs a worker ~0.6 ms
 * of CPU, docs/decisions/010-worker-setup-through-atomics.md). Waiting in Atomics.wait is not
 * waiting inside MPI: the thread can
 * still be terminated, and process.exit and MPI_Abort end it.
 */
import { parentPort, receiveMessageOnPort, workerData, type Worker } from 'node:worker_threads';

/** Main thread: the word a worker waits on, to pass as `workerData.setupPosted`. */
export function setupSignal(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4));
}

/** Main thread: posts the worker's setup and wakes it. */
export function postSetup(worker: Worker, posted: Int32Array, setup: unknown): void {
  worker.postMessage(setup);
  Atomics.store(posted, 0, 1);
  Atomics.notify(posted, 0);
}

/** Worker: waits for its setup and returns it. */
export function takeSetup<T>(): T {
  const posted = (workerData as { setupPosted?: Int32Array } | null)?.setupPosted;
  if (parentPort === null || posted === undefined) throw new Error('this module runs only as a peer worker thread');
  Atomics.wait(posted, 0, 0);
  const received = receiveMessageOnPort(parentPort);
  if (received === undefined) throw new Error('woken for a setup that was not posted');
  return received.message as T;
}
