/** Warnings that do not stop the run, one line each on stderr, naming this rank and thread. */
import { writeFully } from './io/write-fully.js';
import { rankLabel } from './mpi/run.js';
import type { MalformedHandler } from './protocol/role.js';

export function warn(where: string, text: string): void {
  writeFully(2, `rank ${rankLabel()} (${where}): warning: ${text}\n`);
}

/** Rejects a malformed message: says who sent it and why, then the run goes on. */
export function rejectMalformed(where: string): MalformedHandler {
  return (source, reason) => warn(where, `rejected a message from rank ${source}: ${reason.message}`);
}
