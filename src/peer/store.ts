/**
 * The segments a peer holds, in shared memory: the download worker writes a verified
 * payload, then flags it; the upload worker serves flagged ones. The flag is written last
 * with Atomics, so the upload side never sees a half-written payload.
 */

/** What the download and upload halves need of a store (SegmentStore here, DiskStore for real data). */
export interface PieceStore {
  has(fileId: number, segment: number): boolean;
  /** The payload of a held segment. */
  read(fileId: number, segment: number): Uint8Array;
  /** A held segment's payload length. */
  lengthOf(fileId: number, segment: number): number;
  /** Copies a held segment's payload into `target` (its length), e.g. an outgoing message. */
  readInto(fileId: number, segment: number, target: Uint8Array): void;
  /** Keeps a verified payload. */
  write(fileId: number, segment: number, payload: Uint8Array): void;
}

/** One file's shared memory, as passed between threads. */
export interface StoredFile {
  id: number;
  segmentCount: number;
  /** Bytes reserved per segment. */
  slotSize: number;
  /** One byte a segment: 1 once held. */
  have: SharedArrayBuffer;
  /** Each segment's payload length. */
  lengths: SharedArrayBuffer;
  data: SharedArrayBuffer;
}

interface FileView {
  layout: StoredFile;
  have: Uint8Array;
  lengths: Int32Array;
  data: Uint8Array;
}

export class SegmentStore implements PieceStore {
  readonly #files = new Map<number, FileView>();

  /** Shared memory for `files`, nothing held yet. */
  static create(files: readonly { id: number; segmentCount: number; slotSize: number }[]): SegmentStore {
    return new SegmentStore(
      files.map(({ id, segmentCount, slotSize }) => ({
        id,
        segmentCount,
        slotSize,
        have: new SharedArrayBuffer(segmentCount),
        lengths: new SharedArrayBuffer(4 * segmentCount),
        data: new SharedArrayBuffer(slotSize * segmentCount),
      })),
    );
  }

  /** Attaches to memory another thread created. */
  constructor(layout: readonly StoredFile[]) {
    for (const file of layout) {
      this.#files.set(file.id, {
        layout: file,
        have: new Uint8Array(file.have),
        lengths: new Int32Array(file.lengths),
        data: new Uint8Array(file.data),
      });
    }
  }

  /** What to pass to another thread (SharedArrayBuffers are shared, not copied). */
  get layout(): StoredFile[] {
    return [...this.#files.values()].map((file) => file.layout);
  }

  /** The number of segments of a file this store keeps, or undefined if it keeps none. */
  segmentCount(fileId: number): number | undefined {
    return this.#files.get(fileId)?.layout.segmentCount;
  }

  has(fileId: number, segment: number): boolean {
    const file = this.#files.get(fileId);
    return file !== undefined && segment < file.layout.segmentCount && Atomics.load(file.have, segment) === 1;
  }

  /** The payload of a held segment (a view into shared memory: copy it to keep it). */
  read(fileId: number, segment: number): Uint8Array {
    const file = this.#file(fileId);
    const start = segment * file.layout.slotSize;
    return file.data.subarray(start, start + file.lengths[segment]!);
  }

  lengthOf(fileId: number, segment: number): number {
    return this.#file(fileId).lengths[segment]!;
  }

  readInto(fileId: number, segment: number, target: Uint8Array): void {
    target.set(this.read(fileId, segment));
  }

  write(fileId: number, segment: number, payload: Uint8Array): void {
    const file = this.#file(fileId);
    if (payload.length > file.layout.slotSize) {
      throw new RangeError(
        `segment ${segment} of file ${fileId} is ${payload.length} bytes, ` +
          `more than its ${file.layout.slotSize}-byte slot`,
      );
    }
    file.data.set(payload, segment * file.layout.slotSize);
    file.lengths[segment] = payload.length;
    Atomics.store(file.have, segment, 1);
  }

  #file(fileId: number): FileView {
    const file = this.#files.get(fileId);
    if (file === undefined) throw new RangeError(`file ${fileId} is not in this store`);
    return file;
  }
}
