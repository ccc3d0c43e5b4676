/**
 * Whether a trace file has what the Chrome trace event format requires of each event (name,
 * ph, ts, pid, tid; dur for spans; numbers for counters; a name for metadata), with zod.
 */
import { z } from 'zod';

const common = {
  name: z.string().min(1),
  pid: z.number().int().nonnegative(),
  tid: z.number().int().nonnegative(),
  ts: z.number().nonnegative(),
};
const args = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional();

const event = z.discriminatedUnion('ph', [
  z.object({ ...common, ph: z.literal('X'), cat: z.string(), dur: z.number().nonnegative(), args }),
  z.object({ ...common, ph: z.literal('i'), cat: z.string(), s: z.enum(['g', 'p', 't']), args }),
  z.object({ ...common, ph: z.literal('C'), cat: z.string(), args: z.record(z.string(), z.number()) }),
  z.object({
    ...common,
    ph: z.literal('M'),
    name: z.enum(['process_name', 'thread_name', 'process_sort_index', 'thread_sort_index']),
    args: z.union([z.object({ name: z.string() }), z.object({ sort_index: z.number().int() })]),
  }),
]);

const file = z.object({
  traceEvents: z.array(event),
  displayTimeUnit: z.enum(['ms', 'ns']).optional(),
});

/** What is wrong with `value` as a trace file, at most `limit` problems; [] when nothing. */
export function traceProblems(value: unknown, limit = 10): string[] {
  const checked = file.safeParse(value);
  if (checked.success) return [];
  return checked.error.issues.slice(0, limit).map((issue) => `${issue.path.join('.') || '(file)'}: ${issue.message}`);
}

/** The tracks a viewer shows: one per (pid, tid) that has events or a name. */
export function traceTracks(value: { traceEvents: { pid: number; tid: number }[] }): string[] {
  return [...new Set(value.traceEvents.map((event) => `${event.pid}/${event.tid}`))].sort();
}

interface SpanLike {
  ph: string;
  name: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
}

/** Microseconds of rounding allowed where one span ends and another starts. */
const NESTING_SLACK_US = 1;

/**
 * Spans (X) of one thread that overlap without one holding the other: Chrome's viewer and
 * Perfetto draw a thread's spans as a stack and cannot show those. At most `limit` problems.
 */
export function spanNestingProblems(value: { traceEvents: readonly SpanLike[] }, limit = 10): string[] {
  const byThread = new Map<string, SpanLike[]>();
  for (const event of value.traceEvents) {
    if (event.ph !== 'X') continue;
    const key = `${event.pid}/${event.tid}`;
    const spans = byThread.get(key);
    if (spans) spans.push(event);
    else byThread.set(key, [event]);
  }
  const problems: string[] = [];
  for (const [thread, spans] of byThread) {
    spans.sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
    const open: SpanLike[] = [];
    for (const span of spans) {
      while (open.length > 0 && open.at(-1)!.ts + open.at(-1)!.dur! <= span.ts + NESTING_SLACK_US) open.pop();
      const parent = open.at(-1);
      if (parent !== undefined && span.ts + span.dur! > parent.ts + parent.dur! + NESTING_SLACK_US) {
        problems.push(`${thread}: "${span.name}" at ${span.ts} us overlaps the end of "${parent.name}"`);
        if (problems.length >= limit) return problems;
      }
      open.push(span);
    }
  }
  return problems;
}
