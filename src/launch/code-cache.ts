/**
 * Runs a CommonJS bundle with V8's code cache, kept next to it as `<bundle>.v8-cache`. A thread
 * that finds the cache skips parsing and compiling the functions an earlier run used: in a
 * short job that is a third of a worker's CPU, paid again by every worker of every rank
 * (docs/decisions/004-v8-code-cache.md). The cache is checked against the bundle's build
 * (size and modification
 * time) and by V8 against its own version and flags; when it does not fit, the bundle compiles
 * as usual, and a thread can save a new cache as it ends, with everything it compiled by then
 * (the thread that compiled the most wins). MPITORRENT_CODE_CACHE=off turns it off.
 */
import { readFileSync, rmSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { Script } from 'node:vm';

import { writeWhole } from '../io/write-whole.js';

/** What became of the cache: used, not fitting this source or this node, absent, or turned off. */
export type CacheUse = 'used' | 'rejected' | 'missing' | 'off';

export interface CachedBundle {
  cache: CacheUse;
  /** The bundle's `module.exports`. */
  exports: unknown;
  /**
   * Writes the cache from what this thread compiled so far, unless the cache there already
   * holds as much or the cache is off; false if it did not write.
   */
  save(): boolean;
}

export function codeCacheEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.MPITORRENT_CODE_CACHE !== 'off';
}

export interface CodeCacheOptions {
  /**
   * The bundle's `require`, for the modules it loads (Node's own): the caller's, or
   * `createRequire(file)`. Given rather than made here, so that a CommonJS caller does not load
   * node:module for it.
   */
  require: NodeJS.Require;
  /** Default: codeCacheEnabled(). */
  enabled?: boolean;
  /** Default `<file>.v8-cache`; callers that run different parts of one bundle keep a cache each. */
  cacheFile?: string;
}

/** Loads and runs the CommonJS file `file`, as require() would, with its code cache. */
export function runWithCodeCache(file: string, options: CodeCacheOptions): CachedBundle {
  const { enabled = codeCacheEnabled(), cacheFile = `${file}.v8-cache` } = options;
  // Stamped before reading: a bundle rebuilt in between gets a stamp older than its source,
  // which no later run matches, never a stamp newer than the source the cache was made from.
  const stamp = stampOf(file);
  const source = readFileSync(file, 'utf8');
  const stored = enabled ? readCache(cacheFile) : undefined;
  const cachedData = stored?.stamp === stamp ? stored.data : undefined;
  // The wrapper takes a line of its own, and lineOffset gives it back: stack traces keep the
  // bundle's line numbers.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {\n${source}\n})`, {
    filename: file,
    lineOffset: -1,
    ...(cachedData === undefined ? {} : { cachedData }),
  });
  const cache: CacheUse = !enabled
    ? 'off'
    : stored === undefined
      ? 'missing'
      : cachedData === undefined || script.cachedDataRejected === true
        ? 'rejected'
        : 'used';
  // A cache that does not fit is of no use to anyone here: gone, so any saved one can replace it.
  if (cache === 'rejected') rmSync(cacheFile, { force: true });
  const module = { exports: {} as unknown };
  script.runInThisContext()(module.exports, options.require, module, file, dirname(file));
  return {
    cache,
    exports: module.exports,
    save: () =>
      enabled &&
      saveIfLarger(cacheFile, Buffer.concat([Buffer.from(`${MAGIC} ${stamp}\n`), script.createCachedData()])),
  };
}

/**
 * When the cache did not fit, saves one as this thread ends, with everything it compiled by
 * then: only if the thread ends well and `worthSaving()` (a run that printed its usage or failed
 * compiled little, and its cache would be kept, and used, until the next build).
 */
export function saveWhenThreadEnds(loaded: CachedBundle, worthSaving: () => boolean = () => true): void {
  if (loaded.cache !== 'missing' && loaded.cache !== 'rejected') return;
  process.once('exit', (code) => {
    if (code === 0 && worthSaving()) loaded.save();
  });
}

const MAGIC = 'mpitorrent-code-cache-1';

/**
 * Which build of the bundle a cache was made from. V8 checks only the source's length, so a
 * rebuilt bundle of the same length would run the old code: the size and modification time
 * tell builds apart.
 */
function stampOf(file: string): string {
  const { size, mtimeMs } = statSync(file);
  return `${size}:${mtimeMs}`;
}

function readCache(path: string): { stamp: string; data: Buffer } | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    return undefined;
  }
  const end = bytes.indexOf(10);
  const [magic, stamp] = bytes.subarray(0, Math.max(end, 0)).toString('latin1').split(' ');
  // Unreadable: a stamp that matches no bundle, so it is rejected and replaced.
  if (end < 0 || magic !== MAGIC || stamp === undefined) return { stamp: '', data: Buffer.alloc(0) };
  return { stamp, data: bytes.subarray(end + 1) };
}

// Several threads may save at once; the one that compiled the most functions should win.
function saveIfLarger(path: string, data: Buffer): boolean {
  let present = 0;
  try {
    present = statSync(path).size;
  } catch {
    // No cache yet.
  }
  return data.length > present && saveWhole(path, data);
}

// A cache is an optimization: a folder that cannot take it (read-only install) is no error.
// Written whole or not at all, so a reader never takes a half-written cache.
function saveWhole(path: string, data: Buffer): boolean {
  try {
    writeWhole(dirname(path), basename(path), 'v8-cache', data);
    return true;
  } catch {
    return false;
  }
}
