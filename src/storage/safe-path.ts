/**
 * Names from a manifest become paths under DEST: each is checked so that none can escape it
 * (no '..', no absolute path, no empty component), and symlink targets stay inside the tree.
 */
import { posix } from 'node:path';

import { PathError } from '../errors/path-error.js';

/** Why `path` (a manifest path, components joined by '/') is not a safe relative name, or undefined. */
export function unsafePathReason(path: string): string | undefined {
  if (path === '') return 'an empty name';
  if (path.startsWith('/')) return 'an absolute path';
  if (path.includes('\0')) return 'a NUL character';
  if (path.includes('\\')) return 'a backslash';
  for (const part of path.split('/')) {
    if (part === '' || part === '.' || part === '..') return `a "${part}" component`;
  }
  return undefined;
}

/** Throws a PathError naming `where` when `path` could leave the destination. */
export function checkRelativePath(where: string, path: string): void {
  const reason = unsafePathReason(path);
  if (reason !== undefined) throw new PathError(where, `the name "${path}" would escape the destination (${reason})`);
}

/** True when a symlink at `linkPath` (relative to the tree's top) pointing at `target` stays in the tree. */
export function symlinkStaysInside(linkPath: string, target: string): boolean {
  if (target === '' || posix.isAbsolute(target) || target.includes('\0')) return false;
  const resolved = posix.normalize(posix.join(posix.dirname(linkPath), target));
  return resolved !== '..' && !resolved.startsWith('../') && !posix.isAbsolute(resolved);
}
