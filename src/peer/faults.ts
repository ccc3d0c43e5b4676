/**
 * Fault injection, for tests and demos: a rank whose upload worker corrupts, stalls or dies,
 * or that sends malformed messages. Chosen on the command line (see options.ts).
 */
import { writeSync } from 'node:fs';

import { encode } from '../protocol/codec.js';
import type { SendBytes } from '../protocol/outbox.js';
import type { Random } from '../protocol/random.js';
import { TRACKER_RANK, Tag } from '../protocol/tags.js';
import type { UploadBehaviour } from './upload.js';

export interface Faults {
  /** Rank → probability that each segment it sends is corrupted. */
  corrupt: Map<number, number>;
  /** Rank → milliseconds its upload worker holds back each answer. */
  slow: Map<number, number>;
  /** Rank → segments its upload worker serves before the process is killed (SIGKILL). */
  kill: Map<number, number>;
  /** Rank → segments its upload worker serves before it throws. */
  crash: Map<number, number>;
  /** Ranks that send malformed messages to the tracker and to every peer. */
  malformed: Set<number>;
}

export const NO_FAULTS: Faults = {
  corrupt: new Map(),
  slow: new Map(),
  kill: new Map(),
  crash: new Map(),
  malformed: new Set(),
};

function corrupted(payload: Uint8Array): Uint8Array {
  const copy = payload.slice();
  if (copy.length === 0) return new Uint8Array([0]);
  copy[0] = copy[0]! ^ 0xff;
  return copy;
}

/** How `rank`'s upload worker behaves under `faults` (honest when none applies). */
export function uploadBehaviour(faults: Faults, rank: number, random: Random): UploadBehaviour {
  const corruption = faults.corrupt.get(rank) ?? 0;
  const delay = faults.slow.get(rank) ?? 0;
  const killAfter = faults.kill.get(rank);
  const crashAfter = faults.crash.get(rank);
  return {
    payload: (stored) => (corruption > 0 && random() < corruption ? corrupted(stored) : stored),
    delayMs: () => delay,
    served(total) {
      if (killAfter !== undefined && total >= killAfter) {
        writeSync(2, `rank ${rank} (upload worker): fault injection: killing this process after ${total} segments\n`);
        process.kill(process.pid, 'SIGKILL');
      }
      if (crashAfter !== undefined && total >= crashAfter) {
        throw new Error(`fault injection: upload worker crashed after ${total} segments`);
      }
    },
  };
}

/**
 * Messages no honest peer sends: empty, unknown type, truncated, trailing bytes, and ids
 * out of range. Every receiver must reject each one, naming the sender, and go on.
 */
export function malformedMessages(): Uint8Array[] {
  const request = encode({ type: 'segment-request', fileId: 0, segments: [0, 1, 2] });
  return [
    new Uint8Array(0),
    new Uint8Array([0xee, 1, 2, 3]),
    request.subarray(0, request.length - 3),
    Uint8Array.from([...request, 0x42]),
    encode({ type: 'swarm-request', fileId: 0x7fff_ffff, withHashes: true }),
    encode({ type: 'update', fileId: 0, segments: [0xffff_fff0], complete: false, wantSwarm: true }),
    encode({
      type: 'segments',
      fileId: 0x7fff_ffff,
      segments: [{ segment: 3, payload: new Uint8Array(32) }],
      refused: [],
    }),
  ];
}

/** Sends every malformed message to the tracker and to both workers of every other peer. */
export function sendMalformed(send: SendBytes, rank: number, size: number): void {
  for (const data of malformedMessages()) {
    send(TRACKER_RANK, Tag.Tracker, data);
    for (let peer = 1; peer < size; peer++) {
      if (peer === rank) continue;
      send(peer, Tag.Upload, data);
      send(peer, Tag.Download, data);
    }
  }
}
