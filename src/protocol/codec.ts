/** Messages to bytes and back; the layouts are documented in messages.ts. */
import { HolderChange, type HolderUpdate, type Message, type MessageType, type RankCount } from './messages.js';
import { ProtocolError } from './protocol-error.js';
import { WireReader, WireWriter } from './wire.js';

const TYPE_CODES: Record<MessageType, number> = {
  register: 1,
  ready: 2,
  'swarm-request': 3,
  swarm: 4,
  update: 5,
  'bad-segment': 6,
  'downloads-done': 7,
  'segment-request': 8,
  segments: 9,
  stop: 10,
  'upload-stats': 11,
  'cannot-start': 12,
};
const TYPES_BY_CODE = new Map(Object.entries(TYPE_CODES).map(([type, code]) => [code, type as MessageType]));

function writeRankCounts(writer: WireWriter, counts: readonly RankCount[]): void {
  writer.list(counts, (entry) => writer.u32(entry.rank).u32(entry.count));
}

function readRankCounts(reader: WireReader, what: string): RankCount[] {
  return reader.list(what, 8, () => ({ rank: reader.u32('rank'), count: reader.u32('count') }));
}

function writeHolder(writer: WireWriter, holder: HolderUpdate): void {
  writer.u32(holder.rank).u8(holder.change);
  if (holder.change === HolderChange.Bitfield) writer.bytes(holder.bitfield ?? new Uint8Array());
  if (holder.change === HolderChange.Added) writer.u32List(holder.added ?? []);
}

function readHolder(reader: WireReader): HolderUpdate {
  const rank = reader.u32('holder rank');
  const change = reader.u8('holder change');
  switch (change) {
    case HolderChange.All:
    case HolderChange.Removed:
      return { rank, change };
    case HolderChange.Bitfield:
      return { rank, change, bitfield: reader.bytes('bitfield') };
    case HolderChange.Added:
      return { rank, change, added: reader.u32List('added segments') };
    default:
      throw new ProtocolError(`unknown holder change ${change}`);
  }
}

export function encode(message: Message): Uint8Array {
  const writer = new WireWriter().u8(TYPE_CODES[message.type]);
  switch (message.type) {
    case 'register':
      writer.string(message.path);
      writer.list(message.owned, (file) => {
        writer.string(file.name).u32(file.line);
        writer.asciiStrings(file.hashes);
      });
      writer.list(message.wanted, (want) => writer.string(want.name).u32(want.line));
      break;
    case 'cannot-start':
      writer.string(message.message).u32(message.exitCode);
      break;
    case 'ready':
      writer.u32(message.peerCount);
      writer.list(message.files, (file) => writer.u32(file.id).string(file.name).u32(file.segmentCount));
      break;
    case 'swarm-request':
      writer.u32(message.fileId).u8(message.withHashes ? 1 : 0);
      break;
    case 'swarm':
      writer.u32(message.fileId).u8(message.hashes ? 1 : 0);
      if (message.hashes) writer.asciiStrings(message.hashes);
      writer.list(message.holders, (holder) => writeHolder(writer, holder));
      break;
    case 'update':
      writer
        .u32(message.fileId)
        .u32List(message.segments)
        .u8(message.complete ? 1 : 0)
        .u8(message.wantSwarm ? 1 : 0);
      break;
    case 'bad-segment':
      writer.u32(message.fileId).u32(message.segment).u32(message.sender);
      break;
    case 'downloads-done':
      writeRankCounts(writer, message.downloadsBySource);
      writeRankCounts(writer, message.badBySource);
      writer.u32(message.messagesSent);
      break;
    case 'segment-request':
      writer.u32(message.fileId).u32List(message.segments);
      break;
    case 'segments':
      writer.u32(message.fileId);
      writer.list(message.segments, (item) => writer.u32(item.segment).bytes(item.payload));
      writer.u32List(message.refused);
      break;
    case 'stop':
      break;
    case 'upload-stats':
      writeRankCounts(writer, message.servedTo);
      writer.u32(message.refused).u32(message.messagesSent);
      break;
  }
  return writer.finish();
}

function readBody(type: MessageType, reader: WireReader): Message {
  switch (type) {
    case 'register':
      return {
        type,
        path: reader.string('path'),
        owned: reader.list('owned files', 12, () => ({
          name: reader.string('file name'),
          line: reader.u32('line'),
          hashes: reader.asciiStrings('hashes'),
        })),
        wanted: reader.list('wanted files', 8, () => ({ name: reader.string('file name'), line: reader.u32('line') })),
      };
    case 'cannot-start':
      return { type, message: reader.string('message'), exitCode: reader.u32('exit code') };
    case 'ready':
      return {
        type,
        peerCount: reader.u32('peer count'),
        files: reader.list('files', 12, () => ({
          id: reader.u32('file id'),
          name: reader.string('file name'),
          segmentCount: reader.u32('segment count'),
        })),
      };
    case 'swarm-request':
      return { type, fileId: reader.u32('file id'), withHashes: reader.u8('withHashes') !== 0 };
    case 'swarm': {
      const fileId = reader.u32('file id');
      const hashes = reader.u8('hasHashes') !== 0 ? reader.asciiStrings('hashes') : null;
      return { type, fileId, hashes, holders: reader.list('holders', 5, () => readHolder(reader)) };
    }
    case 'update':
      return {
        type,
        fileId: reader.u32('file id'),
        segments: reader.u32List('segments'),
        complete: reader.u8('complete') !== 0,
        wantSwarm: reader.u8('wantSwarm') !== 0,
      };
    case 'bad-segment':
      return { type, fileId: reader.u32('file id'), segment: reader.u32('segment'), sender: reader.u32('sender') };
    case 'downloads-done':
      return {
        type,
        downloadsBySource: readRankCounts(reader, 'downloads by source'),
        badBySource: readRankCounts(reader, 'bad segments by source'),
        messagesSent: reader.u32('messages sent'),
      };
    case 'segment-request':
      return { type, fileId: reader.u32('file id'), segments: reader.u32List('segments') };
    case 'segments':
      return {
        type,
        fileId: reader.u32('file id'),
        // Views, not copies: each receive has its own buffer, and a payload is verified and
        // stored (copied or written to disk) at once.
        segments: reader.list('segments', 8, () => ({
          segment: reader.u32('segment'),
          payload: reader.bytesView('payload'),
        })),
        refused: reader.u32List('refused segments'),
      };
    case 'stop':
      return { type };
    case 'upload-stats':
      return {
        type,
        servedTo: readRankCounts(reader, 'served by rank'),
        refused: reader.u32('refused'),
        messagesSent: reader.u32('messages sent'),
      };
  }
}

/** Decodes one message; a ProtocolError says what is wrong with the bytes. */
export function decode(bytes: Uint8Array): Message {
  if (bytes.length === 0) throw new ProtocolError('empty message');
  const reader = new WireReader(bytes);
  const code = reader.u8('type');
  const type = TYPES_BY_CODE.get(code);
  if (type === undefined) throw new ProtocolError(`unknown message type ${code}`);
  const message = readBody(type, reader);
  reader.end(type);
  return message;
}

/**
 * A 'segments' message with room left for each payload, in one buffer of the exact size: the
 * caller fills `payloads[i]` (e.g. reads the piece from disk into it), so a payload is copied
 * nowhere between the disk and MPI. Same bytes as encode(). `allocate` gives the buffer (every
 * byte of it is written), a zeroed one if absent.
 */
export function encodeSegmentsWithRoom(
  fileId: number,
  items: readonly { segment: number; length: number }[],
  refused: readonly number[],
  allocate?: (bytes: number) => Uint8Array,
): { data: Uint8Array; payloads: Uint8Array[] } {
  const size = 1 + 4 + 4 + items.reduce((total, item) => total + 8 + item.length, 0) + 4 + 4 * refused.length;
  const writer = new WireWriter(size, allocate).u8(TYPE_CODES.segments).u32(fileId).u32(items.length);
  const payloads = items.map((item) => writer.u32(item.segment).bytesSlot(item.length));
  writer.u32List(refused);
  return { data: writer.finish(), payloads };
}
