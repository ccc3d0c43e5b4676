/**
 * Download and upload roles driven by hand: every message a role sends is recorded (decoded
 * from the bytes it would put on the wire), and every message given to it goes through the
 * codec first, as it would over MPI.
 */
import { Download, DEFAULT_DOWNLOAD_OPTIONS, type DownloadOptions, type SeedSparing } from '../../src/peer/download.js';
import { hashAsPayload } from '../../src/peer/payload.js';
import { SegmentStore } from '../../src/peer/store.js';
import { Upload, type SendBudget, type UploadBehaviour } from '../../src/peer/upload.js';
import { decode, encode } from '../../src/protocol/codec.js';
import {
  HolderChange,
  type FileInfo,
  type HolderUpdate,
  type Message,
  type SegmentRequest,
} from '../../src/protocol/messages.js';
import { Outbox } from '../../src/protocol/outbox.js';
import { seededRandom } from '../../src/protocol/random.js';
import type { Role } from '../../src/protocol/role.js';
import type { Tag } from '../../src/protocol/tags.js';

export interface Sent {
  dest: number;
  tag: Tag;
  message: Message;
}

export class Recorder {
  readonly all: Sent[] = [];
  #taken = 0;
  readonly outbox = new Outbox((dest, tag, data) => this.all.push({ dest, tag, message: decode(data) }));

  /** What was sent since the last call. */
  take(): Sent[] {
    const fresh = this.all.slice(this.#taken);
    this.#taken = this.all.length;
    return fresh;
  }
}

/** Hands `message` to `role` as it would arrive: encoded, then decoded. */
export function give(role: Role, source: number, message: Message, now = 0): void {
  role.handle(source, decode(encode(message)), now);
}

export const all = (rank: number): HolderUpdate => ({ rank, change: HolderChange.All });
export const added = (rank: number, segments: number[]): HolderUpdate => ({
  rank,
  change: HolderChange.Added,
  added: segments,
});
export const removed = (rank: number): HolderUpdate => ({ rank, change: HolderChange.Removed });

const encoder = new TextEncoder();
export const payloadOf = (hash: string): Uint8Array => encoder.encode(hash);

export interface DownloadHarnessOptions {
  rank?: number;
  files: readonly FileInfo[];
  options?: Partial<DownloadOptions>;
  seed?: number;
  seedSparing?: SeedSparing;
  /** Stage mode: the hashes are known from the start, not sent with the first swarm. */
  hashesKnown?: boolean;
}

export class DownloadHarness {
  readonly recorder = new Recorder();
  readonly store: SegmentStore;
  readonly download: Download;
  readonly outputs = new Map<string, readonly string[]>();
  readonly rank: number;

  constructor({ rank = 1, files, options = {}, seed = 1, seedSparing, hashesKnown }: DownloadHarnessOptions) {
    this.rank = rank;
    this.store = SegmentStore.create(
      files.map(({ id, segmentCount }) => ({ id, segmentCount, slotSize: hashAsPayload.slotSize })),
    );
    this.download = new Download({
      rank,
      outbox: this.recorder.outbox,
      store: this.store,
      payloads: hashAsPayload,
      random: seededRandom(seed),
      files,
      writeOutput: (name, hashes) => this.outputs.set(name, [...hashes]),
      options: { ...DEFAULT_DOWNLOAD_OPTIONS, ...options },
      ...(seedSparing && { seedSparing }),
      ...(hashesKnown && { hashesKnown }),
    });
  }

  give(source: number, message: Message, now = 0): void {
    give(this.download, source, message, now);
  }

  take(): Sent[] {
    return this.recorder.take();
  }

  /** The segment requests among `sent`. */
  static requests(sent: Sent[]): { dest: number; fileId: number; segments: number[] }[] {
    return sent
      .filter((item) => item.message.type === 'segment-request')
      .map(({ dest, message }) => ({
        dest,
        fileId: (message as SegmentRequest).fileId,
        segments: (message as SegmentRequest).segments,
      }));
  }

  /** Answers a request from `source` with the right payloads (or `payload` to lie). */
  answer(
    source: number,
    fileId: number,
    segments: number[],
    hashes: readonly string[],
    now = 0,
    payload: (hash: string) => Uint8Array = payloadOf,
  ): void {
    this.give(
      source,
      {
        type: 'segments',
        fileId,
        refused: [],
        segments: segments.map((segment) => ({ segment, payload: payload(hashes[segment]!) })),
      },
      now,
    );
  }
}

export interface UploadHarnessOptions {
  rank?: number;
  size?: number;
  files: { id: number; hashes: readonly string[]; held?: readonly number[] }[];
  behaviour?: UploadBehaviour;
  sendBudget?: SendBudget;
}

export class UploadHarness {
  readonly recorder = new Recorder();
  readonly store: SegmentStore;
  readonly upload: Upload;

  constructor({ rank = 1, size = 6, files, behaviour, sendBudget }: UploadHarnessOptions) {
    this.store = SegmentStore.create(
      files.map(({ id, hashes }) => ({ id, segmentCount: hashes.length, slotSize: hashAsPayload.slotSize })),
    );
    for (const { id, hashes, held } of files) {
      for (const segment of held ?? hashes.keys()) this.store.write(id, segment, payloadOf(hashes[segment]!));
    }
    this.upload = new Upload({
      rank,
      size,
      outbox: this.recorder.outbox,
      store: this.store,
      ...(behaviour ? { behaviour } : {}),
      ...(sendBudget ? { sendBudget } : {}),
    });
  }

  give(source: number, message: Message, now = 0): void {
    give(this.upload, source, message, now);
  }

  take(): Sent[] {
    return this.recorder.take();
  }
}
