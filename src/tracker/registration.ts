/**
 * Turns every peer's registration into the tracker's files, checking what only the tracker
 * can see: the same file with different hashes at two owners, and wanted files nobody owns.
 */
import { InputError } from '../io/input-error.js';
import { segmentLabel } from '../io/segment-label.js';
import type { FileInfo, Register } from '../protocol/messages.js';
import { TrackedFile } from './tracked-file.js';

/** An input error found by the tracker but belonging to a peer's file. */
export type PeerInputError = InputError & { rank: number };

function peerInputError(rank: number, path: string, line: number, detail: string): PeerInputError {
  return new InputError(path, line, detail, { rank }) as PeerInputError;
}

function firstDifference(a: readonly string[], b: readonly string[]): string {
  if (a.length !== b.length) return `${b.length} segments instead of ${a.length}`;
  const index = a.findIndex((hash, i) => hash !== b[i]);
  return `segment ${segmentLabel(index)} has hash ${b[index]} instead of ${a[index]}`;
}

export interface Catalogue {
  files: TrackedFile[];
  byName: Map<string, TrackedFile>;
}

/** Builds the files from registrations (ranks in order); throws the first PeerInputError. */
export function catalogue(registrations: ReadonlyMap<number, Register>): Catalogue {
  const files: TrackedFile[] = [];
  const byName = new Map<string, TrackedFile>();
  const ranks = [...registrations.keys()].sort((a, b) => a - b);
  for (const rank of ranks) {
    const registration = registrations.get(rank)!;
    for (const owned of registration.owned) {
      let file = byName.get(owned.name);
      if (file === undefined) {
        file = new TrackedFile(files.length, owned.name, owned.hashes);
        files.push(file);
        byName.set(owned.name, file);
      } else if (!sameHashes(file.hashes, owned.hashes)) {
        const first = file.owners[0]!;
        throw peerInputError(
          rank,
          registration.path,
          owned.line,
          `${owned.name} differs from the copy in ${first.path} line ${first.line} (rank ${first.rank}): ` +
            firstDifference(file.hashes, owned.hashes),
        );
      }
      file.addOwner({ rank, path: registration.path, line: owned.line });
    }
  }
  for (const rank of ranks) {
    const registration = registrations.get(rank)!;
    for (const wanted of registration.wanted) {
      if (!byName.has(wanted.name)) {
        throw peerInputError(rank, registration.path, wanted.line, `wants ${wanted.name}, which no peer owns`);
      }
    }
  }
  return { files, byName };
}

function sameHashes(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((hash, i) => hash === b[i]);
}

/** The files a peer owns or wants, with their ids, for its Ready message. */
export function filesOf(registration: Register, byName: ReadonlyMap<string, TrackedFile>): FileInfo[] {
  const names = [...registration.owned.map((file) => file.name), ...registration.wanted.map((file) => file.name)];
  return names.map((name) => {
    const file = byName.get(name)!;
    return { id: file.id, name: file.name, segmentCount: file.segmentCount };
  });
}
