/**
 * Datasets for stage tests, fresh random bytes every run, and a check that a destination is a
 * byte-exact copy of its source (contents, symlinks, empty files and folders, modes, times).
 */
import { randomBytes } from 'node:crypto';
import {
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
  chmodSync,
} from 'node:fs';
import { join } from 'node:path';

export const PIECE = 16 * 1024;

/** `node dist/main.js stage SOURCE DEST` with small pieces (and no progress output unless asked), then `options`. */
export function stageCommand(source: string, dest: string, ...options: string[]): string[] {
  const progress = options.includes('--progress') ? [] : ['--progress', 'none'];
  return ['node', 'dist/main.js', 'stage', source, dest, '--piece-size', String(PIECE), ...progress, ...options];
}

/** A folder: a file whose size is not a multiple of the piece size, an empty file and folder, nesting, a symlink. */
export function makeFolderDataset(root: string, options: { bigBytes?: number; smallFiles?: number } = {}): void {
  mkdirSync(join(root, 'a/b/c'), { recursive: true });
  mkdirSync(join(root, 'empty-folder'));
  writeFileSync(join(root, 'a/big.bin'), randomBytes(options.bigBytes ?? 7 * PIECE + 1234));
  writeFileSync(join(root, 'a/b/c/deep.txt'), randomBytes(5000));
  writeFileSync(join(root, 'a/empty'), '');
  writeFileSync(join(root, 'run.sh'), randomBytes(PIECE));
  chmodSync(join(root, 'run.sh'), 0o750);
  symlinkSync('a/big.bin', join(root, 'link-to-big'));
  if (options.smallFiles) {
    mkdirSync(join(root, 'many'));
    for (let i = 0; i < options.smallFiles; i++)
      writeFileSync(join(root, 'many', `f${i}`), randomBytes(1 + ((i * 37) % 3000)));
  }
  utimesSync(join(root, 'a/b/c/deep.txt'), new Date(), new Date(1_600_000_000_000));
  utimesSync(join(root, 'a/b'), new Date(), new Date(1_500_000_000_000));
}

export function makeFileDataset(path: string, bytes: number): void {
  // randomBytes of 64 MiB at most at a time is fine; larger sets are written in parts by the caller.
  writeFileSync(path, randomBytes(bytes));
}

/** Differences between two trees (empty when `copy` is exact), as readable lines. */
export function treeDifferences(source: string, copy: string): string[] {
  const problems: string[] = [];
  const compare = (a: string, b: string, name: string): void => {
    let sb;
    try {
      sb = lstatSync(b);
    } catch {
      problems.push(`${name}: missing`);
      return;
    }
    const sa = lstatSync(a);
    if (sa.isSymbolicLink()) {
      if (!sb.isSymbolicLink() || readlinkSync(a) !== readlinkSync(b)) problems.push(`${name}: not the same symlink`);
      return;
    }
    if ((sa.mode & 0o7777) !== (sb.mode & 0o7777))
      problems.push(`${name}: mode ${(sb.mode & 0o7777).toString(8)}, not ${(sa.mode & 0o7777).toString(8)}`);
    if (Math.abs(sa.mtimeMs - sb.mtimeMs) > 1) problems.push(`${name}: mtime ${sb.mtimeMs}, not ${sa.mtimeMs}`);
    if (sa.isFile()) {
      if (!sb.isFile() || !readFileSync(a).equals(readFileSync(b))) problems.push(`${name}: contents differ`);
      return;
    }
    if (!sb.isDirectory()) {
      problems.push(`${name}: not a folder`);
      return;
    }
    const names = readdirSync(a).sort();
    const copies = readdirSync(b).sort();
    for (const extra of copies.filter((n) => !names.includes(n)))
      problems.push(`${join(name, extra)}: not in the source`);
    for (const child of names) compare(join(a, child), join(b, child), join(name, child));
  };
  compare(source, copy, '.');
  return problems;
}
