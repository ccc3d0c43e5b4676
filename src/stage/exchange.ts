/**
 * The setup messages of a stage job, on the peer main threads' tag: a JSON header and raw bytes
 * in one frame. Receives wait through the binding's poller (recvAsync), so a waiting rank costs
 * no core while the seeders read and hash.
 */
import type { Communicator } from '../mpi/index.js';
import { Tag } from '../protocol/tags.js';

export interface Frame<T> {
  header: T;
  bytes: Uint8Array;
}

export function encodeFrame(header: unknown, bytes: Uint8Array = new Uint8Array(0)): Uint8Array {
  const json = Buffer.from(JSON.stringify(header));
  const frame = new Uint8Array(4 + json.length + bytes.length);
  new DataView(frame.buffer).setUint32(0, json.length, true);
  frame.set(json, 4);
  frame.set(bytes, 4 + json.length);
  return frame;
}

export function decodeFrame<T>(data: Uint8Array): Frame<T> {
  const length = new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(0, true);
  const header = JSON.parse(Buffer.from(data.subarray(4, 4 + length)).toString('utf8')) as T;
  return { header, bytes: data.subarray(4 + length) };
}

export async function sendFrame(world: Communicator, dest: number, header: unknown, bytes?: Uint8Array): Promise<void> {
  await world.isend(encodeFrame(header, bytes), dest, Tag.PeerMain).wait();
}

export async function receiveFrame<T>(world: Communicator, source: number): Promise<Frame<T>> {
  const { data } = await world.recvAsync(source, Tag.PeerMain);
  return decodeFrame<T>(data);
}
