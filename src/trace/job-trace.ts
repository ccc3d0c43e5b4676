/**
 * The end of a traced job (--trace FILE), after every rank's work and before MPI_Finalize: rank
 * 0's main thread takes every other rank's threads' events (Tag.Trace, nonblocking: no thread
 * waits inside MPI), merges them (merge.ts) and writes FILE whole (temporary file, then rename).
 *
 * Clocks: every rank records on its host's monotonic clock (recorder.ts), which all processes of
 * a host share: ranks on rank 0's node (same processor name) need no offset. A rank on
 * another node answers a call of rank 0 with its clock, and rank 0 takes it as the midpoint of
 * its call and the answer (Cristian's method: off by at most half that round trip). Times are
 * then shifted to rank 0's wall clock, so the trace says when the job ran.
 */
import { statSync } from 'node:fs';
import { basename, dirname } from 'node:path';

import { UsageError } from '../errors/usage-error.js';
import { unwritableFolderReason } from '../io/folder.js';
import { describeFsError } from '../io/fs-reason.js';
import { removeStaleTemporaries, writeWhole } from '../io/write-whole.js';
import { processorName, type Communicator } from '../mpi/index.js';
import { Tag } from '../protocol/tags.js';
import type { Microseconds } from './events.js';
import { mergeTraces, traceJson, type RankTrace } from './merge.js';
import { monotonicMicroseconds } from './recorder.js';
import { ThreadTraces } from './thread-traces.js';

const TRACE_RANK = 0;

/** What rank 0 learns of a rank on another node: when it asked, when the answer came, the answer. */
export interface ClockExchange {
  asked: Microseconds;
  answered: Microseconds;
  /** The rank's clock, read just before answering. */
  reading: Microseconds;
}

/** What to add to a rank's times to put them on rank 0's clock: Cristian's midpoint. */
export function clockOffset(exchange: ClockExchange): Microseconds {
  return (exchange.asked + exchange.answered) / 2 - exchange.reading;
}

/** What each rank sends rank 0 at the end. */
interface RankReport {
  host: string;
  /** On rank 0's node (one clock): no clock exchange follows. */
  sameNode: boolean;
  trace: RankTrace;
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

/**
 * A rank other than 0: sends its trace at once (rank 0 takes it when it is done); a rank on
 * another node then answers rank 0's call with its clock.
 */
export async function sendRankTrace(world: Communicator, trace: RankTrace, sameNode: boolean): Promise<void> {
  const report: RankReport = { host: processorName(), sameNode, trace };
  const sent = world.isend(encodeJson(report), TRACE_RANK, Tag.Trace);
  if (!sameNode) {
    await world.recvAsync(TRACE_RANK, Tag.Trace);
    await world.isend(Float64Array.of(monotonicMicroseconds()), TRACE_RANK, Tag.Trace).wait();
  }
  await sent.wait();
}

/** Rank 0's side for one rank: its report, and for another node the clock exchange. */
async function takeReport(world: Communicator, rank: number): Promise<RankTrace & { clockOffset: Microseconds }> {
  const report = decodeJson<RankReport>((await world.recvAsync(rank, Tag.Trace)).data);
  let offset = 0;
  if (!report.sameNode) {
    const asked = monotonicMicroseconds();
    const call = world.isend(new Uint8Array(1), rank, Tag.Trace);
    const { data } = await world.recvAsync(rank, Tag.Trace);
    const answered = monotonicMicroseconds();
    await call.wait();
    offset = clockOffset({
      asked,
      answered,
      reading: new DataView(data.buffer, data.byteOffset, 8).getFloat64(0, true),
    });
  }
  return { ...report.trace, rank, host: report.host, clockOffset: offset };
}

/**
 * Rank 0: every rank's trace, on rank 0's wall clock, its own first. Taken from every rank at
 * once, and pushed by the ranks without being asked: each message that waits on another
 * (a call, then its answer) waits for a sleeping thread to wake, ~10-30 ms on a loaded node,
 * and the job's end would wait for them.
 */
export async function gatherRankTraces(world: Communicator, own: RankTrace): Promise<RankTrace[]> {
  const wallOffset = Date.now() * 1000 - monotonicMicroseconds();
  const others = Array.from({ length: world.size }, (_, rank) => rank).filter((rank) => rank !== TRACE_RANK);
  const reports = await Promise.all(others.map((rank) => takeReport(world, rank)));
  return [
    { ...own, host: processorName(), clockOffset: wallOffset },
    ...reports.map((report) => ({ ...report, clockOffset: wallOffset + report.clockOffset })),
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
  sameNode: boolean,
  path: string,
  about: Record<string, string | number>,
): Promise<void> {
  if (world.rank !== TRACE_RANK) return sendRankTrace(world, own, sameNode);
  const ranks = await gatherRankTraces(world, own);
  writeTraceFile(path, ranks, { ...about, ranks: world.size });
}

/**
 * The start of a traced job on this rank, once MPI is up: rank 0 checks FILE first (a usage
 * error before the run), and the main thread's recorder starts (`mainName`: its track's name).
 */
export function startJobTrace(world: Communicator, path: string, mainName: string): ThreadTraces {
  if (world.rank === TRACE_RANK) checkTracePath(path);
  return new ThreadTraces(world.rank, mainName, onRank0Node(world));
}

/** Bytes of a node's name in the broadcast (MPI_MAX_PROCESSOR_NAME is 256 in Open MPI, 128 in MPICH). */
const NODE_NAME_BYTES = 256;

/**
 * Whether this rank runs on rank 0's node (same processor name), asked now and read at the end:
 * rank 0 sends its node's name with MPI_Ibcast, which nobody waits for until the end (a blocking
 * collective here spins in every rank until the last one comes: +0.2 s of CPU at np 7 on 2 cores).
 */
function onRank0Node(world: Communicator): () => Promise<boolean> {
  const name = new Uint8Array(NODE_NAME_BYTES);
  if (world.rank === TRACE_RANK) name.set(Buffer.from(processorName()).subarray(0, NODE_NAME_BYTES));
  const request = world.ibcast(name, TRACE_RANK);
  return async () => {
    await request.wait();
    const end = name.indexOf(0);
    const rank0 = Buffer.from(name.subarray(0, end === -1 ? NODE_NAME_BYTES : end)).toString();
    return rank0 === Buffer.from(processorName()).subarray(0, NODE_NAME_BYTES).toString();
  };
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
  await finishJobTrace(world, { rank: world.rank, role, threads }, await traces.onRank0Node(), path, about);
}
