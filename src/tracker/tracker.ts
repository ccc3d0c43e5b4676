/**
 * Rank 0: registers every peer, answers swarm requests with what changed, learns who holds
 * what from updates, tracks bad-data reports, and ends the run in two steps: every upload
 * worker is stopped once every peer's downloads are done, then every download worker once
 * every upload has reported (its answers all sent). Each message type has its handler below.
 */
import { ProtocolError } from '../protocol/protocol-error.js';
import type {
  BadSegment,
  CannotStart,
  DownloadsDone,
  Message,
  Register,
  SwarmRequest,
  Update,
  UploadStats,
} from '../protocol/messages.js';
import type { Outbox } from '../protocol/outbox.js';
import type { Role } from '../protocol/role.js';
import { Tag } from '../protocol/tags.js';
import { PeerStartError } from './peer-start-error.js';
import { catalogue, filesOf, type Catalogue } from './registration.js';
import type { TrackedFile } from './tracked-file.js';

export interface TrackerOptions {
  /** Bad-data reports against a sender before it stops being offered for that file. */
  strikeLimit: number;
}

export interface TrackerEvents {
  /** A sender became distrusted for a file. */
  onDistrust?(file: TrackedFile, sender: number): void;
  /** A peer reported new segments (progress displays). */
  onUpdate?(rank: number, segments: readonly number[], now: number): void;
  /** A peer reported its downloads done. */
  onDownloadsDone?(rank: number, now: number): void;
}

/**
 * A swarm set up before the tracker starts (stage mode: the job agreed on the data by itself):
 * no registration; `peers` are the ranks that download and upload (rank 0 may be one).
 */
export interface TrackerPreset {
  peers: readonly number[];
  catalogue: Catalogue;
}

export class Tracker implements Role {
  readonly peerCount: number;
  readonly registrations = new Map<number, Register>();
  /** Peers that cannot take part, and why. */
  readonly cannotStart = new Map<number, CannotStart>();
  readonly downloads = new Map<number, DownloadsDone>();
  readonly uploads = new Map<number, UploadStats>();
  catalogue: Catalogue | undefined;
  startedAt = 0;
  /** When every peer had registered and the go-ahead went out. */
  readyAt = 0;
  /** When each peer reported its downloads done. */
  readonly downloadsDoneAt = new Map<number, number>();
  finishedAt = 0;
  readonly #outbox: Outbox;
  readonly #options: TrackerOptions;
  readonly #events: TrackerEvents;
  readonly #peers: readonly number[];
  readonly #isPeer: Set<number>;
  readonly #preset: boolean;
  #done = false;

  constructor(
    size: number,
    outbox: Outbox,
    options: TrackerOptions,
    events: TrackerEvents = {},
    preset?: TrackerPreset,
  ) {
    this.#peers = preset?.peers ?? Array.from({ length: size - 1 }, (_, i) => i + 1);
    this.#isPeer = new Set(this.#peers);
    this.peerCount = this.#peers.length;
    this.catalogue = preset?.catalogue;
    this.#preset = preset !== undefined;
    this.#outbox = outbox;
    this.#options = options;
    this.#events = events;
  }

  get done(): boolean {
    return this.#done;
  }

  /** Messages the tracker sent. */
  get messagesSent(): number {
    return this.#outbox.sent;
  }

  start(now: number): void {
    this.startedAt = now;
    if (this.#preset) this.readyAt = now;
  }

  tick(): number {
    return Infinity;
  }

  handle(source: number, message: Message, now: number): void {
    if (!this.#isPeer.has(source)) throw new ProtocolError(`rank ${source} is not a peer`);
    if (this.#preset && (message.type === 'register' || message.type === 'cannot-start')) {
      throw new ProtocolError(`the tracker does not take ${message.type} messages in this run`);
    }
    switch (message.type) {
      case 'register':
        return this.#onRegister(source, message, now);
      case 'cannot-start':
        return this.#onCannotStart(source, message, now);
      case 'swarm-request':
        return this.#onSwarmRequest(source, message);
      case 'update':
        return this.#onUpdate(source, message, now);
      case 'bad-segment':
        return this.#onBadSegment(source, message);
      case 'downloads-done':
        return this.#onDownloadsDone(source, message, now);
      case 'upload-stats':
        return this.#onUploadStats(source, message, now);
      default:
        throw new ProtocolError(`the tracker does not take ${message.type} messages`);
    }
  }

  #onRegister(source: number, message: Register, now: number): void {
    if (this.registrations.has(source) || this.cannotStart.has(source)) throw new ProtocolError('registered twice');
    this.registrations.set(source, message);
    this.#startIfAllRegistered(now);
  }

  #onCannotStart(source: number, message: CannotStart, now: number): void {
    if (this.registrations.has(source) || this.cannotStart.has(source)) throw new ProtocolError('registered twice');
    this.cannotStart.set(source, message);
    this.#startIfAllRegistered(now);
  }

  // Every peer has answered: report the first problem (lowest rank) once, or say go.
  #startIfAllRegistered(now: number): void {
    if (this.registrations.size + this.cannotStart.size < this.peerCount) return;
    this.readyAt = now;
    const [rank, problem] = [...this.cannotStart].sort(([a], [b]) => a - b)[0] ?? [];
    if (problem !== undefined) throw new PeerStartError(rank!, problem.message, problem.exitCode);
    this.catalogue = catalogue(this.registrations); // throws the first input error
    for (const [rank, registration] of this.registrations) {
      this.#outbox.send(rank, Tag.PeerMain, {
        type: 'ready',
        peerCount: this.peerCount,
        files: filesOf(registration, this.catalogue.byName),
      });
    }
  }

  #onSwarmRequest(source: number, message: SwarmRequest): void {
    const file = this.#file(message.fileId);
    this.#sendSwarm(source, file, message.withHashes);
  }

  #onUpdate(source: number, message: Update, now: number): void {
    const file = this.#file(message.fileId);
    const outOfRange = message.segments.find((segment) => segment >= file.segmentCount);
    if (outOfRange !== undefined) {
      throw new ProtocolError(`segment ${outOfRange} of ${file.name} does not exist (${file.segmentCount} segments)`);
    }
    file.addSegments(source, message.segments);
    this.#events.onUpdate?.(source, message.segments, now);
    if (message.complete) file.complete(source, (now - this.startedAt) / 1000);
    if (message.wantSwarm) this.#sendSwarm(source, file, false);
  }

  #onBadSegment(source: number, message: BadSegment): void {
    const file = this.#file(message.fileId);
    if (!this.#isPeer.has(message.sender) || message.sender === source) {
      throw new ProtocolError(`bad-segment report names rank ${message.sender}`);
    }
    if (message.segment >= file.segmentCount) {
      throw new ProtocolError(
        `bad-segment report of segment ${message.segment} of ${file.name} (${file.segmentCount} segments)`,
      );
    }
    if (file.strike(message.sender, this.#options.strikeLimit)) this.#events.onDistrust?.(file, message.sender);
  }

  #onDownloadsDone(source: number, message: DownloadsDone, now: number): void {
    if (this.downloads.has(source)) throw new ProtocolError('reported its downloads done twice');
    this.downloads.set(source, message);
    this.downloadsDoneAt.set(source, now);
    this.#events.onDownloadsDone?.(source, now);
    if (this.downloads.size < this.peerCount) return;
    for (const rank of this.#peers) this.#outbox.send(rank, Tag.Upload, { type: 'stop' });
  }

  #onUploadStats(source: number, message: UploadStats, now: number): void {
    if (this.uploads.has(source)) throw new ProtocolError('reported its uploads twice');
    this.uploads.set(source, message);
    if (this.uploads.size < this.peerCount) return;
    // Every upload's answers have left: the download workers may stop taking them.
    for (const rank of this.#peers) this.#outbox.send(rank, Tag.Download, { type: 'stop' });
    this.finishedAt = now;
    this.#done = true;
  }

  #sendSwarm(dest: number, file: TrackedFile, withHashes: boolean): void {
    this.#outbox.send(dest, Tag.Download, {
      type: 'swarm',
      fileId: file.id,
      hashes: withHashes ? [...file.hashes] : null,
      holders: file.changesFor(dest),
    });
  }

  #file(fileId: number): TrackedFile {
    const file = this.catalogue?.files[fileId];
    if (file === undefined) throw new ProtocolError(`file id ${fileId} does not exist`);
    return file;
  }
}
