/**
 * One rank's part of a stage job. Rank 0 plans (who writes, who seeds which share), every
 * writer prepares its destination, the seeders read and hash their shares, rank 0 gathers the
 * hashes and gives them to every writer, each writer checks what an earlier run left, and the
 * swarm moves the rest: rank 0's main thread runs the tracker, every writer (rank 0 included)
 * runs the download and upload workers over its destination. Idle ranks wait cheaply.
 */
import { monotonicMs } from '../mpi/clock.js';
import { startupMark } from '../launch/startup-mark.js';
import { processorName, type Communicator } from '../mpi/index.js';
import { watchWorkerTraces, type PeerWorkers } from '../peer/workers.js';
import type { NoSetup, StageDownloadSetup, StageUploadSetup } from '../peer/hand-off.js';
import { postSetup } from '../peer/hand-off.js';
import { Bitfield } from '../protocol/bitfield.js';
import { DiskStore } from '../storage/disk-store.js';
import { balancedShares, pieceGeometry } from '../storage/geometry.js';
import { checkShape, prepareDestination, type DatasetShape } from '../storage/prepare.js';
import { hashLeftovers, markIntact } from '../storage/resume.js';
import { availableParallelism } from 'node:os';
import { launcherLocalSize } from '../mpi/launcher.js';
import type { FileEntry } from '../torrent/manifest.js';
import { receiveFrame, sendFrame } from './exchange.js';
import type { StageOptions } from './options.js';
import { expandDest, makePlan, overlapReason, type RankPlace } from './plan.js';
import { PathError } from '../errors/path-error.js';
import { seedShare } from './seed-pool.js';
import type { SourceShape } from './seed.js';
import { datasetFromSource, datasetFromTorrent } from './dataset.js';
import { reportStage, runStageTracker, type WriterReport } from './stage-tracker.js';

interface PlanMessage {
  writer: boolean;
  /** The hashes come with the plan (from a .torrent), not from the seeders. */
  hashesKnown: boolean;
  writers: number[];
  seeders: number[];
  shares: [number, number][];
  shape: DatasetShape;
}

interface HaveHeader {
  bytesRead: number;
  resumed: number;
}

/** Rank 0: every rank's place, the plan, and the dataset's shape from SOURCE. */
async function planJob(
  world: Communicator,
  options: StageOptions,
  own: RankPlace,
): Promise<{ perRank: PlanMessage[]; places: RankPlace[]; hashes?: Uint8Array }> {
  const others = await Promise.all(
    Array.from({ length: world.size - 1 }, async (_, i) => {
      const { header } = await receiveFrame<Omit<RankPlace, 'rank'>>(world, i + 1);
      return { rank: i + 1, host: header.host, node: header.node, dest: header.dest };
    }),
  );
  const places = [own, ...others];
  for (const place of places) {
    const reason = overlapReason(options.source, place.dest);
    if (reason !== undefined)
      throw new PathError(place.dest, `DEST ${reason}: a copy cannot be written there`, { rank: place.rank });
  }
  const plan = makePlan(places, options.seeders);
  const { shape, hashes } =
    options.torrent !== undefined
      ? await datasetFromTorrent(options.torrent, options.source)
      : await datasetFromSource(options.source, options.pieceSize);
  checkShape(options.torrent ?? options.source, shape);
  const geometry = pieceGeometry(
    filesOf(shape).map((file) => file.length),
    shape.pieceLength,
  );
  const shares = balancedShares(geometry, plan.seeders.length);
  const perRank = places.map(({ rank }) => ({
    writer: plan.writerOf[rank] === rank,
    hashesKnown: hashes !== undefined,
    writers: plan.writers,
    seeders: plan.seeders,
    shares,
    shape,
  }));
  return { perRank, places, hashes };
}

function filesOf(shape: DatasetShape): FileEntry[] {
  return shape.entries.filter((entry): entry is FileEntry => entry.kind === 'file');
}

/** Tells a worker it is not needed (an idle rank's). */
function dismiss(workers: PeerWorkers): Promise<void[]> {
  for (const worker of [workers.download, workers.upload])
    postSetup(worker.worker, worker.setupPosted, { unused: true } satisfies NoSetup);
  return Promise.all([workers.download.exited, workers.upload.exited]);
}

export async function runStageJob(world: Communicator, options: StageOptions, workers: PeerWorkers): Promise<number> {
  const startMs = monotonicMs();
  const { rank } = world;
  // Loaded only when --trace is on.
  const traceFile = options.swarm.traceFile;
  const tracing = traceFile === undefined ? undefined : await import('../trace/job-trace.js');
  const traces = tracing?.startJobTrace(world, traceFile!, rank === 0 ? 'main (tracker)' : 'main');
  const endTrace = async (role: string): Promise<void> => {
    if (tracing && traces) await tracing.endJobTrace(world, traces, traceFile!, role, { mode: 'stage' });
  };
  traces?.phases.next('plan');
  const host = processorName();
  const own: RankPlace = { rank, host, node: nodeOf(world), dest: expandDest(options.dest, rank, host) };
  let plan: PlanMessage;
  let places: RankPlace[] = [];
  let knownHashes: Uint8Array | undefined;
  if (rank === 0) {
    const planned = await planJob(world, options, own);
    places = planned.places;
    plan = planned.perRank[0]!;
    knownHashes = planned.hashes;
    await Promise.all(
      planned.perRank
        .slice(1)
        .map((message, i) => sendFrame(world, i + 1, message, message.writer ? knownHashes : undefined)),
    );
  } else {
    await sendFrame(world, 0, { host: own.host, node: own.node, dest: own.dest });
    const frame = await receiveFrame<PlanMessage>(world, 0);
    plan = frame.header;
    if (plan.hashesKnown) knownHashes = frame.bytes.slice();
  }

  if (!plan.writer) {
    traces?.phases.next('idle');
    await dismiss(workers);
    await sendFrame(world, 0, { peakRssKiB: process.resourceUsage().maxRSS });
    await receiveFrame(world, 0); // the end of the job
    await endTrace('idle');
    return 0;
  }

  traces?.phases.next('prepare the destination');
  const { shape } = plan;
  const store = new DiskStore(prepareDestination(own.dest, shape, options.source));
  const pieceCount = store.pieceCount;
  const seederIndex = plan.seeders.indexOf(rank);
  const share = seederIndex === -1 ? undefined : plan.shares[seederIndex]!;
  const sourceShape: SourceShape = { singleFile: shape.singleFile, files: filesOf(shape) };
  // What an earlier run left here is hashed on a thread pool while the seeders read SOURCE.
  const { geometry } = store.tree;
  const wholeInShare = (file: number): boolean =>
    share !== undefined &&
    geometry.firstPiece[file]! >= share[0] &&
    geometry.firstPiece[file]! + geometry.pieceCount[file]! <= share[1];
  traces?.phases.next(share ? 'read and hash the share' : 'hash what an earlier run left');
  const leftovers = hashLeftovers(store, { threads: hashThreads(), skipFile: wholeInShare });
  const read = share
    ? await seedShare(options.source, sourceShape, store, share[0], share[1], knownHashes, { threads: hashThreads() })
    : { hashes: new Uint8Array(0), bytesRead: 0 };

  // Every piece's hash: from the .torrent, or gathered by rank 0 from the seeders and given to every writer.
  traces?.phases.next('exchange the hashes');
  let hashes: Uint8Array;
  if (knownHashes !== undefined) {
    hashes = knownHashes;
  } else if (rank === 0) {
    hashes = new Uint8Array(32 * pieceCount);
    hashes.set(read.hashes, 32 * share![0]);
    await Promise.all(
      plan.seeders.slice(1).map(async (seeder, i) => {
        const { bytes } = await receiveFrame(world, seeder);
        hashes.set(bytes, 32 * plan.shares[i + 1]![0]);
      }),
    );
    await Promise.all(
      plan.writers.filter((writer) => writer !== 0).map((writer) => sendFrame(world, writer, {}, hashes)),
    );
  } else {
    if (share) await sendFrame(world, 0, {}, read.hashes);
    hashes = (await receiveFrame(world, 0)).bytes.slice();
  }

  // What an earlier run left here (a seeder's own share is fresh from SOURCE).
  const inShare = (piece: number): boolean => share !== undefined && piece >= share[0] && piece < share[1];
  traces?.phases.next('check what an earlier run left');
  const resumed = markIntact(store, await leftovers, hashes, inShare);
  const have = new Bitfield(pieceCount);
  for (let piece = 0; piece < pieceCount; piece++) if (store.has(0, piece)) have.set(piece);

  traces?.phases.next('exchange what each writer has');
  let reports: WriterReport[] = [];
  if (rank === 0) {
    reports = [{ rank: 0, have, bytesRead: read.bytesRead, resumed }];
    reports.push(
      ...(await Promise.all(
        plan.writers
          .filter((writer) => writer !== 0)
          .map(async (writer) => {
            const { header, bytes } = await receiveFrame<HaveHeader>(world, writer);
            return {
              rank: writer,
              have: new Bitfield(pieceCount, bytes),
              bytesRead: header.bytesRead,
              resumed: header.resumed,
            };
          }),
      )),
    );
  } else {
    await sendFrame(world, 0, { bytesRead: read.bytesRead, resumed } satisfies HaveHeader, have.bytes);
  }

  watchWorkerTraces(traces, workers);
  startSwarmWorkers(workers, options, store, hashes, shape, plan);
  startupMark('stage: swarm started');
  if (rank !== 0) {
    traces?.phases.next('swarm (workers running)');
    await Promise.all([workers.download.exited, workers.upload.exited]);
    traces?.phases.next('end of the job');
    store.close();
    await sendFrame(world, 0, { peakRssKiB: process.resourceUsage().maxRSS });
    await endTrace('writer');
    return 0;
  }
  traces?.phases.next('swarm (tracker)');
  const stats = runStageTracker(world, options, {
    shape,
    store,
    hashes,
    places,
    writers: plan.writers,
    seeders: plan.seeders,
    reports,
    startMs,
    traces,
  });
  traces?.phases.next('end of the job');
  await Promise.all([workers.download.exited, workers.upload.exited]);
  store.close();
  startupMark('stage: workers exited');
  // Every rank's peak memory, then the end for the idle ones.
  stats.peakRssKiB['0'] = process.resourceUsage().maxRSS;
  await Promise.all(
    places.slice(1).map(async ({ rank: other }) => {
      stats.peakRssKiB[String(other)] = (await receiveFrame<{ peakRssKiB: number }>(world, other)).header.peakRssKiB;
    }),
  );
  reportStage(options, stats);
  const idle = places.map((place) => place.rank).filter((r) => !plan.writers.includes(r));
  await Promise.all(idle.map((r) => sendFrame(world, r, {})));
  await endTrace('tracker and writer');
  return 0;
}

/** A downloading rank tells the tracker what it got about every this many bytes. */
const REPORT_BYTES = 1024 * 1024;

/** Pieces per request, at most: a holder's reply is found by scanning the queue (download.ts). */
const MAX_BATCH_PIECES = 256;
/** Each worker keeps up to this share of --memory in idle piece buffers, to reuse them. */
const REUSE_SHARE = 8;

function startSwarmWorkers(
  workers: PeerWorkers,
  options: StageOptions,
  store: DiskStore,
  hashes: Uint8Array,
  shape: DatasetShape,
  plan: PlanMessage,
): void {
  // The swarm counts pieces in flight: bytes become pieces at the dataset's mean piece size, so
  // 20 000 files of 4 KiB (one short piece each) fill the window as well as 1 MiB pieces do.
  let bytes = 0;
  for (let piece = 0; piece < store.pieceCount; piece++) bytes += store.lengthOf(0, piece);
  const meanPiece = Math.max(1, store.pieceCount === 0 ? shape.pieceLength : bytes / store.pieceCount);
  const window = Math.max(1, Math.floor(options.windowBytes / meanPiece));
  const batch = Math.max(1, Math.min(window, MAX_BATCH_PIECES, Math.floor(options.batchBytes / meanPiece)));
  const swarm = options.swarm;
  const stage = { tree: store.tree, hashes, reuseBytes: Math.floor(options.memoryBytes / REUSE_SHARE) };
  const trace = swarm.traceFile !== undefined;
  const download: StageDownloadSetup = {
    files: [{ id: 0, name: shape.name, segmentCount: store.pieceCount }],
    // Others learn of a piece here only once it is reported: report about every REPORT_BYTES.
    options: { ...swarm.download, window, batch, reportEvery: Math.max(1, Math.floor(REPORT_BYTES / meanPiece)) },
    backoff: swarm.backoff,
    seed: swarm.seed,
    faults: swarm.faults,
    stage,
    seedSparing: { seeds: plan.seeders, dealtTo: plan.writers.filter((writer) => !plan.seeders.includes(writer)) },
    trace,
  };
  const upload: StageUploadSetup = {
    backoff: swarm.backoff,
    seed: swarm.seed,
    faults: swarm.faults,
    stage,
    sendLimitBytes: options.memoryBytes - options.windowBytes,
    trace,
  };
  postSetup(workers.upload.worker, workers.upload.setupPosted, upload);
  postSetup(workers.download.worker, workers.download.setupPosted, download);
}

/** Hashing threads for this rank: the node's cores shared among its ranks. */
function hashThreads(): number {
  return Math.max(1, Math.floor(availableParallelism() / (launcherLocalSize() ?? 1)));
}

/**
 * This rank's node, as MPI sees it (MPI_Comm_split_type SHARED): the processor name and the
 * lowest world rank of the node, so two nodes with one name stay apart. A short collective at
 * the start, while every rank is starting anyway.
 */
function nodeOf(world: Communicator): string {
  const local = world.splitType();
  const leader = local.bcastBytes(local.rank === 0 ? Buffer.from(String(world.rank)) : undefined, 0).toString();
  local.free();
  return `${processorName()}#${leader}`;
}
