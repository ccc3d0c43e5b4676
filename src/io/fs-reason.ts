const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  ENAMETOOLONG: 'name too long',
  EMFILE: 'too many open files',
  EEXIST: 'already exists',
  EIO: 'input/output error',
};

/**
 * A short, human reason for a failed file system call ("no such file"), instead of Node's
 * "ENOENT: no such file or directory, open '...'", which repeats the path the caller shows anyway.
 * `overrides` lets a caller say what a code means in its context.
 */
export function describeFsError(error: unknown, overrides: Readonly<Record<string, string>> = {}): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    const reason = overrides[code] ?? REASONS[code];
    if (reason !== undefined) return reason;
  }
  return error instanceof Error ? error.message : String(error);
}
