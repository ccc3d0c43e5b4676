/**
 * The end of a traced job (--trace FILE), after every rank's work and before MPI_Finalize: rank
 * 0's main thread calls every other rank's at once (Tag.Trace, nonblocking: no thread waits
 * inside MPI), takes its clock reading and its threads' events, merges them (merge.ts) and
 * writes FILE whole (temporary file, then rename).
 *
 * Clocks: every rank records on its host's monotonic clock (recorder.ts), which all processes of
 * a host share: ranks on rank 0's host need no offset. A rank on another host answers rank 0's
 * call with its clock, and rank 0 takes it as the midpoint of its call and the answer
 * (Cristian's method: off by at most half that round trip). Times are then shifted to rank 0's
 * wall clock, so the trace says when the job ran.
 */
import { statSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname } from 'node:path';

import { UsageError } from '../errors/usage-error.js';
import { unwritableFolderReason } from '../io/folder.js';
import { describeFsError } from '../io/fs-reason.js';
import { removeStaleTemporaries, writeWhole } from '../io/write-whole.js';
import type { Communicator } from '../mpi/index.js';
import { Tag } from '../protocol/tags.js';
import type { Microseconds } from './events.js';
import { mergeTraces, traceJson, type RankTrace } from './merge.js';
import { monotonicMicroseconds } from './recorder.js';
import { ThreadTraces } from './thread-traces.js';

const TRACE_RANK = 0;

/** A rank's answer to rank 0's call: where it runs and its clock, just before answering. */
export interface ClockReading {
  host: string;
  clock: Microseconds;
}

/** What rank 0 learns of another rank: when it asked, when the answer came, the answer. */
export interface ClockExchange {
  asked: Microseconds;
  answered: Microseconds;
  reading: ClockReading;
}

/**
 * What to add to a rank's times to put them on rank 0's clock: 0 on rank 0's host, else the
 * midpoint of the exchange less the rank's reading.
 */
export function clockOffset(rank0Host: string, exchange: ClockExchange): Microseconds {
  if (exchange.reading.host === rank0Host) return 0;
  return (exchange.asked + exchange.answered) / 2 - exchange.reading.clock;
}

/** Why FILE cannot be written, as a usage error, checked by rank 0 before the run. */
export function checkTracePath(path: string): void {
  let reason = path === '' ? 'needs a file name' : unwritableFolderReason(dirname(path));
  if (reason === undefined) {
    try {
      if (statSync(path).isDirectory()) reason = 'is a folder';
    } catch {
      // Not there yet: it will be made.
    }
  }
  if (reason !== undefined) throw new UsageError(`--trace ${path}: ${reason}`);
}

const encodeJson = (value: unknown): Uint8Array => Buffer.from(JSON.stringify(value));
const decodeJson = <T>(data: Uint8Array): T =>
  JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8')) as T;

/** A rank other than 0: waits for rank 0's call, answers with its clock, then sends its trace. */
export async function sendRankTrace(world: Communicator, trace: RankTrace): Promise<void> {
  const events = encodeJson(trace); // before the call comes, so that the answer is prompt
  await world.recvAsync(TRACE_RANK, Tag.Trace);
  const reading: ClockReading = { host: hostname(), clock: monotonicMicroseconds() };
  const answer = world.isend(encodeJson(reading), TRACE_RANK, Tag.Trace);
  const sent = world.isend(events, TRACE_RANK, Tag.Trace);
  await Promise.all([answer.wait(), sent.wait()]);
}

/** Rank 0's call to one rank: its clock exchange and its trace, still encoded. */
async function callRank(world: Communicator, rank: number): Promise<{ exchange: ClockExchange; trace: Uint8Array }> {
  const asked = monotonicMicroseconds();
  const call = world.isend(new Uint8Array(1), rank, Tag.Trace);
  const answer = await world.recvAsync(rank, Tag.Trace);
  const answered = monotonicMicroseconds();
  const trace = (await world.recvAsync(rank, Tag.Trace)).data;
  await call.wait();
  return { exchange: { asked, answered, reading: decodeJson<ClockReading>(answer.data) }, trace };
}

/**
 * Rank 0: every rank's trace, on rank 0's wall clock, its own first. Every rank is called at
 * once: one after another, each call waits for sleeping threads to wake (~10-30 ms a call on a
 * loaded node), and the job's end would wait for them all.
 */
export async function gatherRankTraces(world: Communicator, own: RankTrace): Promise<RankTrace[]> {
  const host = hostname();
  const wallOffset = Date.now() * 1000 - monotonicMicroseconds();
  const others = Array.from({ length: world.size }, (_, rank) => rank).filter((rank) => rank !== TRACE_RANK);
  const answers = await Promise.all(others.map((rank) => callRank(world, rank)));
  return [
    { ...own, host, clockOffset: wallOffset },
    ...answers.map(({ exchange, trace }, i) => ({
      ...decodeJson<RankTrace>(trace),
      rank: others[i]!,
      host: exchange.reading.host,
      clockOffset: wallOffset + clockOffset(host, exchange),
    })),
  ];
}

/** Rank 0: the merged trace written to `path` whole; its size in bytes. */
export function writeTraceFile(
  path: string,
  ranks: readonly RankTrace[],
  about: Record<string, string | number>,
): number {
  const text = traceJson(mergeTraces(ranks, about));
  const dir = dirname(path);
  removeStaleTemporaries(dir, 'trace');
  try {
    writeWhole(dir, basename(path), 'trace', text);
  } catch (error) {
    throw new Error(`cannot write --trace ${path}: ${describeFsError(error)}`, { cause: error });
  }
  return Buffer.byteLength(text);
}

/**
 * This rank's part of the end of a traced job: rank 0 gathers and writes `path`, the others
 * send. Every rank of the job must call it (all know --trace from the command line).
 */
export async function finishJobTrace(
  world: Communicator,
  own: RankTrace,
  path: string,
  about: Record<string, string | number>,
): Promise<void> {
  if (world.rank !== TRACE_RANK) return sendRankTrace(world, own);
  const ranks = await gatherRankTraces(world, own);
  writeTraceFile(path, ranks, { ...about, ranks: world.size });
}

/**
 * The start of a traced job on this rank, once MPI is up: rank 0 checks FILE first (a usage
 * error before the run), and the main thread's recorder starts (`mainName`: its track's name).
 */
export function startJobTrace(world: Communicator, path: string, mainName: string): ThreadTraces {
  if (world.rank === TRACE_RANK) checkTracePath(path);
  return new ThreadTraces(world.rank, mainName);
}

/** The end of a traced job on this rank, once its workers have exited: see finishJobTrace. */
export async function endJobTrace(
  world: Communicator,
  traces: ThreadTraces,
  path: string,
  role: string,
  about: Record<string, string | number>,
): Promise<void> {
  const threads = await traces.threads();
  await finishJobTrace(world, { rank: world.rank, role, threads }, path, about);
}
