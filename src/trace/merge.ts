/**
 * Rank 0's part: every rank's threads' events into one trace, a process (track group) per rank
 * and a track per thread, named, in rank and thread order, time starting at 0.
 */
import type { MetadataEvent, Microseconds, TimedEvent, TraceEvent, TraceFile } from './events.js';

export interface ThreadTrace {
  tid: number;
  /** 'main', 'download worker', ... */
  name: string;
  events: readonly TraceEvent[];
}

export interface RankTrace {
  rank: number;
  /** 'tracker', 'peer', ... */
  role: string;
  host?: string;
  /** Added to this rank's times: its clock's offset from rank 0's (0 on rank 0's host). */
  clockOffset?: Microseconds;
  threads: readonly ThreadTrace[];
}

function metadata(pid: number, tid: number, name: MetadataEvent['name'], args: MetadataEvent['args']): MetadataEvent {
  return { ph: 'M', name, ts: 0, pid, tid, args };
}

export function mergeTraces(ranks: readonly RankTrace[], otherData: Record<string, string | number> = {}): TraceFile {
  const events: TimedEvent[] = [];
  const names: MetadataEvent[] = [];
  for (const rank of [...ranks].sort((a, b) => a.rank - b.rank)) {
    const process = `rank ${rank.rank} (${rank.role}${rank.host ? ` on ${rank.host}` : ''})`;
    names.push(
      metadata(rank.rank, 0, 'process_name', { name: process }),
      metadata(rank.rank, 0, 'process_sort_index', { sort_index: rank.rank }),
    );
    for (const thread of rank.threads) {
      names.push(
        metadata(rank.rank, thread.tid, 'thread_name', { name: thread.name }),
        metadata(rank.rank, thread.tid, 'thread_sort_index', { sort_index: thread.tid }),
      );
      for (const event of thread.events) {
        if (event.ph === 'M') continue;
        events.push({ ...event, pid: rank.rank, tid: thread.tid, ts: event.ts + (rank.clockOffset ?? 0) });
      }
    }
  }
  // A loop, not Math.min(...ts): a spread of 100 000 arguments overflows the stack.
  let origin = events.length === 0 ? 0 : Infinity;
  for (const event of events) origin = Math.min(origin, event.ts);
  const shifted = events.map((event): TimedEvent => ({ ...event, ts: Math.round((event.ts - origin) * 1000) / 1000 }));
  // Stable: events of one thread at the same time keep their recorded order, but of spans that
  // start together the longer comes first, so viewers nest the shorter inside it (a span is
  // recorded when it ends, the shorter first).
  shifted.sort((a, b) => a.ts - b.ts || durationOf(b) - durationOf(a));
  return {
    traceEvents: [...names, ...shifted],
    displayTimeUnit: 'ms',
    otherData: { ...otherData, ...(events.length > 0 && { startedAt: new Date(origin / 1000).toISOString() }) },
  };
}

const durationOf = (event: TimedEvent): number => (event.ph === 'X' ? event.dur : 0);

/** The file's text: one event a line, so that large traces stay readable and diffable. */
export function traceJson(file: TraceFile): string {
  const events = file.traceEvents.map((event) => JSON.stringify(event)).join(',\n');
  const rest = JSON.stringify({
    displayTimeUnit: file.displayTimeUnit,
    ...(file.otherData && { otherData: file.otherData }),
  }).slice(1);
  return `{"traceEvents":[\n${events}\n],${rest}\n`;
}
