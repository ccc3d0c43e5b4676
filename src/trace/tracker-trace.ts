/**
 * The tracker's run in the trace, told after it ends from what the tracker noted: its phases
 * (registration, the swarm until the last peer's downloads were done, the stop) and each peer's
 * end of downloads. The tracker's times are monotonicMs, the recorders' clock in milliseconds.
 */
import type { Tracker } from '../tracker/tracker.js';
import type { Tracer } from './recorder.js';

export function traceTrackerRun(tracer: Tracer, tracker: Tracker): void {
  const us = (ms: number): number => ms * 1000;
  const { startedAt, readyAt, finishedAt } = tracker;
  if (readyAt > startedAt) tracer.span('registration', 'tracker', us(startedAt), us(readyAt));
  let lastDone = readyAt;
  for (const [rank, at] of [...tracker.downloadsDoneAt].sort(([a], [b]) => a - b)) {
    tracer.instant('downloads done', 'tracker', { rank }, us(at));
    lastDone = Math.max(lastDone, at);
  }
  tracer.span('swarm', 'tracker', us(readyAt), us(lastDone), { peers: tracker.peerCount });
  if (finishedAt >= lastDone) tracer.span('stopping', 'tracker', us(lastDone), us(finishedAt));
}

/** The tracker's numbers at a counter sample (watch-serve.ts). */
export function trackerSample(tracker: Tracker): Record<string, number> {
  return { 'peers done': tracker.downloads.size, 'uploads reported': tracker.uploads.size };
}
