/**
 * Files written whole or not at all: the content goes to a hidden temporary file in the target's
 * folder, which is then renamed over the target, so no reader ever sees half a file.
 *
 * A process killed between the two steps cannot remove its temporary (MPICH's launcher ends the
 * other ranks of a failed job with SIGKILL). So a temporary's name says whose it is,
 * `.<label>.<host>.<pid>.<random>.tmp`, and removeStaleTemporaries lets a later run take away
 * those whose process is gone.
 */
import { closeSync, openSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

// Dots and slashes in a host name would make names ambiguous or escape the folder.
const HOST = hostname().replace(/[^\w-]/g, '_') || 'host';

/** What the names of this host's temporaries of `label` start with. */
export function temporaryPrefix(label: string): string {
  return `.${label}.${HOST}.`;
}

/**
 * Writes `content` to `<dir>/<name>` whole or not at all. `label` names the temporary (short
 * whatever the target's name, so a name that just fits the file system still works). On failure
 * the temporary is removed and the file system's error is thrown as it is.
 */
export function writeWhole(dir: string, name: string, label: string, content: string | Uint8Array): void {
  const temporary = join(dir, `${temporaryPrefix(label)}${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
  let created = false;
  try {
    // 'wx': never follow or reuse a file someone else put at the temporary name.
    const fd = openSync(temporary, 'wx');
    created = true;
    try {
      writeFileSync(fd, content);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, join(dir, name));
  } catch (error) {
    // The original failure is what the caller needs to hear about, not a failed cleanup.
    if (created) removeQuietly(temporary);
    throw error;
  }
}

/** Whether `path` could be removed; never throws. */
function removeQuietly(path: string): boolean {
  try {
    rmSync(path, { force: true });
    return true;
  } catch {
    // Someone else's, or a read-only folder: nothing more to do.
    return false;
  }
}

/** Whether a process of this host with this pid is running (EPERM: it is, someone else's). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporaries of `label` in `dir` left by processes of this host that are no longer
 * running; returns how many. Housekeeping: a folder that cannot be read or a file that cannot be
 * removed is left as it is, silently.
 */
export function removeStaleTemporaries(dir: string, label: string): number {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  const prefix = temporaryPrefix(label);
  let removed = 0;
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = /^(\d+)\.[a-z0-9]+\.tmp$/.exec(name.slice(prefix.length))?.[1];
    if (pid === undefined || Number(pid) === process.pid || isRunning(Number(pid))) continue;
    if (removeQuietly(join(dir, name))) removed++;
  }
  return removed;
}
