/**
 * A peer's main thread: with its two workers already loading, reads its input, registers
 * with the tracker, waits for the go-ahead, hands each worker its setup, and waits for both
 * to finish.
 */
import { join } from 'node:path';

import { unwritableFolderReason } from '../io/folder.js';
import { readInput, type PeerInput } from '../io/input.js';
import { InputError } from '../io/input-error.js';
import type { Communicator } from '../mpi/index.js';
import { decode, encode } from '../protocol/codec.js';
import type { Message, Ready } from '../protocol/messages.js';
import { ProtocolError } from '../protocol/protocol-error.js';
import { TRACKER_RANK, Tag } from '../protocol/tags.js';
import type { Options } from '../commands/course-options.js';
import { startupMark } from '../launch/startup-mark.js';
import { UsageError } from '../errors/usage-error.js';
import { hashAsPayload } from './payload.js';
import { prepareStore, registration, wantedFiles } from './course-setup.js';
import type { DownloadSetup, UploadSetup } from './hand-off.js';
import { postSetup } from './hand-off.js';
import { startPeerWorkers, watchWorkerTraces, type PeerWorkers, type WorkerEntries } from './workers.js';
import type { ThreadTraces } from '../trace/thread-traces.js';

/** The course's worker entries, beside this file. */
const COURSE_WORKERS: WorkerEntries = {
  download: join(import.meta.dirname, 'download.worker'),
  upload: join(import.meta.dirname, 'upload.worker'),
};

/** A peer whose workers are online and wait for their setup. */
export interface StartedPeer {
  /** This rank's part of the job, once MPI is up; `traces` with --trace. */
  run(world: Communicator, options: Options, traces?: ThreadTraces): Promise<void>;
}

/** Starts a peer's workers and resolves once they are online, ready for MPI_Init. */
export async function startPeer(): Promise<StartedPeer> {
  const workers = startPeerWorkers(COURSE_WORKERS);
  startupMark('main: workers constructed');
  await workers.online;
  return { run: (world, options, traces) => runPeer(world, options, workers, traces) };
}

async function awaitReady(world: Communicator): Promise<Ready> {
  const reply = await world.recvAsync(TRACKER_RANK, Tag.PeerMain);
  const message = decode(reply.data);
  if (message.type !== 'ready') throw new ProtocolError(`expected the tracker's go-ahead, got ${message.type}`);
  return message;
}

/** This peer's input, or why it cannot take part (said to the tracker, which reports it once). */
function prepare(world: Communicator, options: Options): { input?: PeerInput; message: Message } {
  try {
    const reason = unwritableFolderReason(options.outputDir);
    if (reason !== undefined) throw new UsageError(`--output-dir ${options.outputDir}: ${reason}`);
    const input = readInput(options.inputDir, world.rank);
    return { input, message: registration(input) };
  } catch (error) {
    if (!(error instanceof InputError || error instanceof UsageError)) throw error;
    return { message: { type: 'cannot-start', message: error.message, exitCode: error.exitCode } };
  }
}

export async function runPeer(
  world: Communicator,
  options: Options,
  workers: PeerWorkers,
  traces?: ThreadTraces,
): Promise<void> {
  const { download, upload } = workers;
  traces?.phases.next('registration');
  const { input, message } = prepare(world, options);
  await world.isend(encode(message), TRACKER_RANK, Tag.Tracker).wait();
  startupMark('main: registered');
  traces?.phases.next('waiting for the go-ahead');
  const ready = await awaitReady(world);
  startupMark('main: go-ahead');
  traces?.phases.next('setup');
  // The tracker ends the job when any peer cannot start, so only a registered peer gets here.
  if (input === undefined) throw new ProtocolError('the tracker said go to a peer that cannot start');
  const store = prepareStore(ready, input, hashAsPayload);
  const uploadSetup: UploadSetup = {
    store: store.layout,
    backoff: options.backoff,
    seed: options.seed,
    faults: options.faults,
    trace: traces !== undefined,
  };
  const downloadSetup: DownloadSetup = {
    files: wantedFiles(ready, input),
    store: store.layout,
    options: options.download,
    backoff: options.backoff,
    seed: options.seed,
    outputDir: options.outputDir,
    faults: options.faults,
    trace: traces !== undefined,
  };
  watchWorkerTraces(traces, workers);
  traces?.phases.next('workers running');
  postSetup(upload.worker, upload.setupPosted, uploadSetup);
  postSetup(download.worker, download.setupPosted, downloadSetup);
  await Promise.all([download.exited, upload.exited]);
  traces?.phases.end();
  startupMark('main: workers exited');
}
