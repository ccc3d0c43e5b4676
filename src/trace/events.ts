/**
 * Chrome trace event format (the JSON that Perfetto and chrome://tracing open), the few
 * phases mpitorrent records: complete spans (X), instants (i), counters (C), and the metadata
 * (M) that names each process (rank) and thread.
 */

/** Microseconds, as the format counts time. */
export type Microseconds = number;

export type TraceArgs = Record<string, string | number | boolean>;

export interface CompleteEvent {
  ph: 'X';
  name: string;
  cat: string;
  ts: Microseconds;
  dur: Microseconds;
  pid: number;
  tid: number;
  args?: TraceArgs;
}

export interface InstantEvent {
  ph: 'i';
  name: string;
  cat: string;
  ts: Microseconds;
  pid: number;
  tid: number;
  /** Scope: the thread only. */
  s: 't';
  args?: TraceArgs;
}

export interface CounterEvent {
  ph: 'C';
  name: string;
  cat: string;
  ts: Microseconds;
  pid: number;
  tid: number;
  args: Record<string, number>;
}

export interface MetadataEvent {
  ph: 'M';
  name: 'process_name' | 'thread_name' | 'process_sort_index' | 'thread_sort_index';
  ts: 0;
  pid: number;
  tid: number;
  args: { name: string } | { sort_index: number };
}

/** The events a recorder makes: all but metadata. */
export type TimedEvent = CompleteEvent | InstantEvent | CounterEvent;
export type TraceEvent = TimedEvent | MetadataEvent;

/** What the recorders' events become in a file (JSON Object Format). */
export interface TraceFile {
  traceEvents: TraceEvent[];
  displayTimeUnit: 'ms' | 'ns';
  otherData?: Record<string, string | number>;
}
