/** From a peer's input and the tracker's go-ahead to what its two halves start with. */
import type { PeerInput } from '../io/input.js';
import type { FileInfo, Ready, Register } from '../protocol/messages.js';
import type { PayloadScheme } from './payload.js';
import { SegmentStore } from './store.js';

/** The registration a peer sends the tracker. */
export function registration(input: PeerInput): Register {
  return {
    type: 'register',
    path: input.path,
    owned: input.owned.map(({ name, line, hashes }) => ({ name, line, hashes })),
    wanted: input.wanted.map(({ name, line }) => ({ name, line })),
  };
}

/** The files the peer wants, with the tracker's ids. */
export function wantedFiles(ready: Ready, input: PeerInput): FileInfo[] {
  const byName = new Map(ready.files.map((file) => [file.name, file]));
  return input.wanted.map((want) => {
    const file = byName.get(want.name);
    if (file === undefined) throw new Error(`the tracker gave no id for wanted file ${want.name}`);
    return file;
  });
}

/** Shared memory for every file the peer owns or wants, with the owned segments in it. */
export function prepareStore(ready: Ready, input: PeerInput, payloads: PayloadScheme): SegmentStore {
  const store = SegmentStore.create(
    ready.files.map(({ id, segmentCount }) => ({
      id,
      segmentCount,
      slotSize: payloads.slotSize,
    })),
  );
  const ids = new Map(ready.files.map((file) => [file.name, file.id]));
  for (const owned of input.owned) {
    const id = ids.get(owned.name);
    if (id === undefined) throw new Error(`the tracker gave no id for owned file ${owned.name}`);
    owned.hashes.forEach((hash, segment) => store.write(id, segment, payloads.payloadOf(hash)));
  }
  return store;
}
