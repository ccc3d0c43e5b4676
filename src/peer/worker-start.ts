/** The first message a worker gets from its peer's main thread: its setup. */
import { parentPort } from 'node:worker_threads';

export function nextSetup<T>(): Promise<T> {
  const port = parentPort;
  if (port === null) throw new Error('this module runs only as a worker thread');
  return new Promise((resolve) => port.once('message', (setup: T) => resolve(setup)));
}
