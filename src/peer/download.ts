/**
 * A peer's download half. For each wanted file it gets the swarm from the tracker, asks
 * holders for segments (rarest first, from the least loaded holder, several requests in
 * flight), verifies every payload against its hash, reports progress every few segments
 * (and refreshes the swarm then), writes the file when complete, and finally tells the
 * tracker it is done. Bad data is reported and, after a few strikes, its sender avoided;
 * unanswered requests are asked again elsewhere. Once done it keeps taking (and dropping) late
 * answers until the tracker's final stop: a large answer sent to a thread that no longer
 * receives would never complete, and its sender would wait forever.
 */
import { rankCounts, type FileInfo, type Message, type Segments, type Swarm } from '../protocol/messages.js';
import type { Outbox } from '../protocol/outbox.js';
import { ProtocolError } from '../protocol/protocol-error.js';
import type { Random } from '../protocol/random.js';
import type { Role } from '../protocol/role.js';
import { TRACKER_RANK, Tag } from '../protocol/tags.js';
import type { Tracer } from '../trace/recorder.js';
import { FileDownload, SegmentState } from './file-download.js';
import { OwedAnswers } from './owed-answers.js';
import type { PayloadScheme } from './payload.js';
import { SourceLoads } from './source-loads.js';
import type { PieceStore } from './store.js';
import { StalledDownloadError } from './stalled-download-error.js';

export interface DownloadOptions {
  /** Segments asked for and not yet received, at most. */
  window: number;
  /** Segments per request message, at most. */
  batch: number;
  /** Report to the tracker (and refresh the swarm) after this many new segments of a file. */
  reportEvery: number;
  /**
   * Ask another holder when a segment has not come after this long; a holder silent for
   * SILENCE_TIMEOUTS times this while owing answers is given up.
   */
  requestTimeoutMs: number;
  /** Bad payloads from one holder before it is no longer asked for that file. */
  strikeLimit: number;
  /** Give up when missing segments have had no usable holder for this long. */
  stallTimeoutMs: number;
}

export const DEFAULT_DOWNLOAD_OPTIONS: Readonly<DownloadOptions> = Object.freeze({
  window: 32,
  batch: 8,
  reportEvery: 10,
  requestTimeoutMs: 2000,
  strikeLimit: 3,
  stallTimeoutMs: 3000,
});

export interface DownloadContext {
  rank: number;
  outbox: Outbox;
  store: PieceStore;
  payloads: PayloadScheme;
  /**
   * The hashes are known here already (real data: from the manifest), so swarms need not carry
   * them; segments the store holds at the start count as held.
   */
  hashesKnown?: boolean;
  random: Random;
  /** The files this peer wants. */
  files: readonly FileInfo[];
  /** Writes a complete file's output, whole. */
  writeOutput(name: string, hashes: readonly string[]): void;
  options: DownloadOptions;
  /** Says something worth knowing that does not stop the run. */
  warn?(text: string): void;
  /** Stage: ask seeds sparingly (see SeedSparing). */
  seedSparing?: SeedSparing;
  /** --trace: each file's span, bad data, the end (none when off: nothing is recorded). */
  trace?: Tracer;
}

/**
 * A seed's upload link carries every byte at least once, so it must carry each byte about
 * once: a segment only seeds have is asked of them by one peer (the one `mine` says), and the
 * others wait to get it from that peer. A peer with nothing else to ask for asks anyway, so
 * no one idles while a seed has data.
 */
export interface SeedSparing {
  seeds: readonly number[];
  /** Whether this peer is the one to fetch `segment` from a seed. */
  mine(segment: number): boolean;
}

/** Queued segments looked at, at most, to fill one request from the chosen holder. */
const SCAN_BUDGET = 256;

/** Request timeouts of silence after which a holder owing answers is given up. */
export const SILENCE_TIMEOUTS = 5;

interface Asked {
  file: FileDownload;
  segment: number;
  source: number;
  at: number;
}

// One number per (file, segment), for maps of requests.
const keyOf = (fileId: number, segment: number): number => fileId * 0x1_0000_0000 + segment;

function increment(counts: Map<number, number>, rank: number): void {
  counts.set(rank, (counts.get(rank) ?? 0) + 1);
}

export class Download implements Role {
  readonly downloadsBySource = new Map<number, number>();
  readonly badBySource = new Map<number, number>();
  /** Payloads that came after the segment was already held (late answers to retries). */
  duplicates = 0;
  readonly #context: DownloadContext;
  readonly #options: DownloadOptions;
  readonly #files = new Map<number, FileDownload>();
  readonly #order: FileDownload[];
  #nextFile = 0;
  /** Segments asked for and still expected, by key. */
  readonly #inFlight = new Map<number, Asked>();
  readonly #owed = new OwedAnswers();
  /** Holders given up for saying nothing while owing answers. */
  readonly #silent = new Set<number>();
  /** Swarms the tracker still owes this peer (it answers every request and every update). */
  #swarmsOwed = 0;
  readonly #loads = new SourceLoads();
  #stalledSince = Infinity;
  #lastStallRefresh = -Infinity;
  /** Downloads-done sent: every wanted file is written. */
  #finished = false;
  /** The tracker's final stop came: nothing more is on its way to this worker. */
  #done = false;
  readonly #trace: Tracer | undefined;
  /** When the downloads started, on the trace's clock. */
  #traceStart = 0;

  constructor(context: DownloadContext) {
    this.#context = context;
    this.#options = context.options;
    this.#trace = context.trace;
    const seeds = new Set(context.seedSparing?.seeds);
    this.#order = context.files.map((info) => new FileDownload(info.id, info.name, info.segmentCount, seeds));
    for (const file of this.#order) {
      this.#files.set(file.id, file);
      if (context.hashesKnown) file.hashes = new Array<string>(file.segmentCount).fill('');
      for (let segment = 0; segment < file.segmentCount; segment++) {
        if (context.store.has(file.id, segment)) file.markHeldAtStart(segment);
      }
    }
  }

  get done(): boolean {
    return this.#done;
  }

  /** Every wanted file is written and the tracker told; late answers may still come. */
  get finished(): boolean {
    return this.#finished;
  }

  /** Segments asked for and still expected. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  start(_now: number): void {
    if (this.#trace) this.#traceStart = this.#trace.now();
    for (const file of this.#order) {
      this.#send(TRACKER_RANK, Tag.Tracker, {
        type: 'swarm-request',
        fileId: file.id,
        withHashes: file.hashes === null,
      });
    }
    this.#finishIfDone();
  }

  handle(source: number, message: Message, now: number): void {
    switch (message.type) {
      case 'swarm':
        this.#onSwarm(source, message);
        break;
      case 'segments':
        this.#onSegments(source, message, now);
        break;
      case 'stop':
        this.#onStop(source);
        return;
      default:
        throw new ProtocolError(`a download worker does not take ${message.type} messages`);
    }
    this.#pump(now);
    this.#finishIfDone();
  }

  tick(now: number): number {
    if (this.#finished) return Infinity;
    let next = Infinity;
    // Oldest first (a Map keeps insertion order, and requests are made as time goes on), so
    // the first request not yet due ends the scan.
    for (const [key, asked] of this.#inFlight) {
      const due = asked.at + this.#options.requestTimeoutMs;
      if (due > now) {
        next = due;
        break;
      }
      this.#inFlight.delete(key);
      const load = this.#loads.of(asked.source);
      load.inFlight--;
      load.timeouts++;
      asked.file.markMissing(asked.segment);
    }
    let silence = this.#owed.nextSilence(this.#silenceMs());
    if (silence <= now) {
      this.#giveUpSilentHolders(now);
      silence = this.#owed.nextSilence(this.#silenceMs());
    }
    next = Math.min(next, silence);
    this.#pump(now);
    next = Math.min(next, this.#checkStall(now));
    this.#finishIfDone();
    return this.#finished ? Infinity : next;
  }

  #onStop(source: number): void {
    if (source !== TRACKER_RANK) throw new ProtocolError('only the tracker can stop a download worker');
    if (!this.#finished) throw new ProtocolError('a stop before this peer finished its downloads');
    this.#done = true;
  }

  #onSwarm(source: number, message: Swarm): void {
    if (source !== TRACKER_RANK) throw new ProtocolError('a swarm from a peer');
    const file = this.#wantedFile(message.fileId);
    // An unasked swarm would let the count go negative and the peer end before a real answer.
    if (this.#swarmsOwed === 0) throw new ProtocolError(`a swarm of ${file.name} that was not asked for`);
    this.#swarmsOwed--;
    file.swarmPending = false;
    file.swarmReceived = true;
    if (message.hashes !== null && file.hashes === null) {
      if (message.hashes.length !== file.segmentCount) {
        throw new ProtocolError(
          `${message.hashes.length} hashes for the ${file.segmentCount} segments of ${file.name}`,
        );
      }
      file.hashes = message.hashes;
    }
    if (file.hashes === null) throw new ProtocolError(`a swarm of ${file.name} without its hashes`);
    file.applySwarm(message.holders, this.#context.rank);
    this.#reportProgress(file);
  }

  #onSegments(source: number, message: Segments, now: number): void {
    const file = this.#wantedFile(message.fileId);
    const answered = [...message.segments.map(({ segment }) => segment), ...message.refused];
    // Checked whole before anything changes: a half-applied message could leave a file unwritten.
    const unasked = this.#owed.take(
      source,
      answered.map((segment) => keyOf(file.id, segment)),
      now,
    );
    if (unasked !== undefined && this.#silent.has(source)) {
      this.duplicates += message.segments.length; // a holder given up for silence, late after all
      return;
    }
    if (unasked !== undefined) {
      throw new ProtocolError(`sent segment ${unasked - keyOf(file.id, 0)} of ${file.name}, which was not asked of it`);
    }
    for (const { segment, payload } of message.segments) this.#receive(file, segment, source, payload);
    for (const segment of message.refused) {
      file.forget(source, segment);
      if (this.#settle(file, segment, source)) file.markMissing(segment);
    }
    this.#reportProgress(file);
    if (message.segments.length > 0) this.#stalledSince = Infinity;
  }

  #receive(file: FileDownload, segment: number, source: number, payload: Uint8Array): void {
    if (file.state[segment] === SegmentState.Held) {
      this.duplicates++;
      return;
    }
    if (this.#context.payloads.verify(file.hashes![segment]!, payload, segment)) {
      const asked = this.#inFlight.get(keyOf(file.id, segment));
      if (asked !== undefined) this.#settle(file, segment, asked.source);
      this.#context.store.write(file.id, segment, payload);
      file.markHeld(segment);
      increment(this.downloadsBySource, source);
      this.#loads.of(source).received++;
      return;
    }
    increment(this.badBySource, source);
    this.#trace?.instant('bad data', 'download', { sender: source, file: file.name, segment });
    this.#send(TRACKER_RANK, Tag.Tracker, { type: 'bad-segment', fileId: file.id, segment, sender: source });
    const strikes = (file.strikes.get(source) ?? 0) + 1;
    file.strikes.set(source, strikes);
    if (strikes >= this.#options.strikeLimit) file.exclude(source);
    if (this.#settle(file, segment, source)) file.markMissing(segment);
  }

  /** Ends the request of `segment` from `source`, if it is the one in flight. */
  #settle(file: FileDownload, segment: number, source: number): boolean {
    const key = keyOf(file.id, segment);
    if (this.#inFlight.get(key)?.source !== source) return false;
    this.#inFlight.delete(key);
    this.#loads.of(source).inFlight--;
    return true;
  }

  /** Tells the tracker of new segments every `reportEvery`, and at completion writes the file. */
  #reportProgress(file: FileDownload): void {
    if (file.complete && !file.written) {
      this.#context.writeOutput(file.name, file.hashes!);
      file.written = true;
      this.#trace?.complete(file.name, 'file', this.#traceStart, { segments: file.segmentCount });
      this.#send(TRACKER_RANK, Tag.Tracker, {
        type: 'update',
        fileId: file.id,
        segments: file.unreported,
        complete: true,
        wantSwarm: false,
      });
      file.unreported = [];
    } else if (file.unreported.length >= this.#options.reportEvery) {
      this.#send(TRACKER_RANK, Tag.Tracker, {
        type: 'update',
        fileId: file.id,
        segments: file.unreported,
        complete: false,
        wantSwarm: !file.swarmPending,
      });
      file.unreported = [];
    }
  }

  /**
   * Fills the window with full requests: the rarest missing segment, from its least loaded
   * holder, together with the next rarest segments that holder has. The window refills once a
   * whole batch fits, so requests stay full and messages few.
   */
  #pump(now: number): void {
    let room = this.#options.window - this.#inFlight.size;
    if (room < Math.min(this.#options.batch, this.#options.window) && this.#inFlight.size > 0) return;
    while (room > 0) {
      const file = this.#nextFileWithWork();
      if (file === undefined) break;
      const sparing = this.#context.seedSparing;
      const wanted = (segment: number): boolean => !file.onlySeedsHold(segment) || sparing!.mine(segment);
      let spare = sparing !== undefined;
      let first = spare
        ? file.queue.rarestAccepted(wanted, this.#context.random, SCAN_BUDGET)
        : file.queue.rarest(this.#context.random);
      if (first === -1 && spare && this.#inFlight.size === 0) {
        // Nothing else to ask for: anything goes, seeds included (see SeedSparing).
        spare = false;
        first = file.queue.rarest(this.#context.random);
      }
      if (first === -1) break;
      const source = this.#loads.choose(file, first, this.#context.random, spare ? sparing!.seeds : undefined);
      const holds = file.holders.get(source)!;
      const fromSeed = spare && sparing!.seeds.includes(source);
      const size = Math.min(this.#options.batch, room);
      const fits = (segment: number): boolean =>
        segment !== first &&
        holds.has(segment) &&
        (!fromSeed || (file.onlySeedsHold(segment) && sparing!.mine(segment)));
      const segments = [first, ...file.queue.collect(fits, size - 1, SCAN_BUDGET)];
      for (const segment of segments) {
        file.markRequested(segment);
        const key = keyOf(file.id, segment);
        this.#inFlight.delete(key); // re-inserted last: the map stays in order of time asked
        this.#inFlight.set(key, { file, segment, source, at: now });
      }
      this.#loads.of(source).inFlight += segments.length;
      room -= segments.length;
      this.#request(source, file, segments, now);
    }
  }

  #request(source: number, file: FileDownload, segments: number[], now: number): void {
    this.#owed.add(
      source,
      segments.map((segment) => keyOf(file.id, segment)),
      now,
    );
    this.#send(source, Tag.Upload, { type: 'segment-request', fileId: file.id, segments });
  }

  // A hung holder must not keep this peer retrying forever: after a long silence it is no
  // longer asked; if nobody else has a segment, the stall check then ends the run clearly.
  #giveUpSilentHolders(now: number): void {
    for (const source of this.#owed.silentSince(now - this.#silenceMs())) {
      this.#owed.forgive(source);
      this.#silent.add(source);
      for (const file of this.#order) file.exclude(source);
      this.#context.warn?.(`rank ${source} has not answered for ${this.#silenceMs()} ms: no longer asking it`);
    }
  }

  #silenceMs(): number {
    return SILENCE_TIMEOUTS * this.#options.requestTimeoutMs;
  }

  // Files take turns, so every wanted file makes progress at once.
  #nextFileWithWork(): FileDownload | undefined {
    for (let i = 0; i < this.#order.length; i++) {
      const file = this.#order[(this.#nextFile + i) % this.#order.length]!;
      if (file.hashes !== null && file.queue.size > 0) {
        this.#nextFile = (this.#nextFile + i + 1) % this.#order.length;
        return file;
      }
    }
    return undefined;
  }

  /**
   * Missing segments with no usable holder while nothing else is in flight: ask the tracker
   * again now and then; after `stallTimeoutMs`, no honest holder is left: give up clearly.
   */
  #checkStall(now: number): number {
    // A file whose first swarm has not come yet is waiting for the tracker, not stalled, even
    // with its hashes known (stage --torrent: the tracker's rank may still be reading SOURCE).
    const stuck =
      this.#inFlight.size === 0
        ? this.#order.find((file) => file.swarmReceived && file.stalled.size > 0 && !file.complete)
        : undefined;
    if (stuck === undefined || this.#order.some((file) => file.queue.size > 0)) {
      this.#stalledSince = Infinity;
      return Infinity;
    }
    if (this.#stalledSince === Infinity) this.#stalledSince = now;
    if (now - this.#stalledSince >= this.#options.stallTimeoutMs) {
      const segment = Math.min(...stuck.stalled);
      throw new StalledDownloadError(stuck.name, segment, rankCounts(this.badBySource), [...this.#silent]);
    }
    const refreshEvery = this.#options.stallTimeoutMs / 4;
    if (now - this.#lastStallRefresh >= refreshEvery) {
      this.#lastStallRefresh = now;
      this.#send(TRACKER_RANK, Tag.Tracker, { type: 'swarm-request', fileId: stuck.id, withHashes: false });
    }
    return Math.min(this.#stalledSince + this.#options.stallTimeoutMs, this.#lastStallRefresh + refreshEvery);
  }

  // Answers still owed are waited for (a holder silent too long is forgiven, see tick), so
  // that in a healthy run every message is received; a later one is taken until the tracker's stop.
  #finishIfDone(): void {
    if (this.#finished || !this.#order.every((file) => file.written)) return;
    if (this.#swarmsOwed > 0 || this.#owed.total > 0) return;
    this.#finished = true;
    this.#trace?.instant('downloads done', 'download');
    this.#send(TRACKER_RANK, Tag.Tracker, {
      type: 'downloads-done',
      downloadsBySource: rankCounts(this.downloadsBySource),
      badBySource: rankCounts(this.badBySource),
      messagesSent: this.#context.outbox.sent + 1,
    });
  }

  #wantedFile(fileId: number): FileDownload {
    const file = this.#files.get(fileId);
    if (file === undefined) throw new ProtocolError(`file id ${fileId} is not one this peer wants`);
    return file;
  }

  #send(dest: number, tag: Tag, message: Message): void {
    if (message.type === 'swarm-request' || (message.type === 'update' && message.wantSwarm)) {
      this.#swarmsOwed++;
      this.#files.get(message.fileId)!.swarmPending = true;
    }
    this.#context.outbox.send(dest, tag, message);
  }
}
