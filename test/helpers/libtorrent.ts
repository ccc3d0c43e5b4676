/**
 * libtorrent's view of a `.torrent` and of data on disk, through its Python binding
 * (python3-libtorrent, for /usr/bin/python3) and libtorrent_check.py beside this file:
 *
 *   const lt = libtorrentMissing();            // a reason to skip, or undefined
 *   const seen = libtorrentCheck(torrentPath, savePath);
 *   t.true(seen.isSeeding);
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(import.meta.dirname, 'libtorrent_check.py');

export interface LibtorrentFile {
  /** From the save path: the torrent's name, then the path inside it (a single file: its name). */
  path: string;
  size: number;
  /** A symlink's target, from the save path; null for files. */
  symlink: string | null;
  executable: boolean;
}

export interface LibtorrentView {
  files: LibtorrentFile[];
  /** Hex of the v2 info-hash. */
  infoHashV2: string;
  pieceLength: number;
  pieces: number;
  /** With a save path: pieces libtorrent's check found intact there. */
  havePieces?: number;
  /** With a save path: whether libtorrent would seed, i.e. found every piece. */
  isSeeding?: boolean;
  /** With a save path: what libtorrent reported as wrong, if anything. */
  error?: string;
}

/** Why libtorrent's binding cannot be used here, or undefined when it can. */
export function libtorrentMissing(): string | undefined {
  const run = spawnSync(PYTHON, ['-c', 'import libtorrent'], { encoding: 'utf8' });
  if (run.error) return `${PYTHON} cannot run: ${run.error.message}`;
  return run.status === 0 ? undefined : `${PYTHON} cannot import libtorrent (install python3-libtorrent)`;
}

/**
 * What libtorrent makes of `torrentPath`; with `savePath`, also its own check of the data there
 * (bounded: the script gives up after 30 s). Throws with libtorrent's reason when it rejects the
 * torrent.
 */
export function libtorrentCheck(torrentPath: string, savePath?: string): LibtorrentView {
  const args = [SCRIPT, torrentPath, ...(savePath === undefined ? [] : [savePath])];
  const run = spawnSync(PYTHON, args, { encoding: 'utf8', timeout: 60_000 });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`libtorrent_check.py exited ${run.status}: ${run.stderr.trim()}`);
  return JSON.parse(run.stdout) as LibtorrentView;
}

/** Makes libtorrent's own v2-only `.torrent` of `source` at `out` (symlinks followed, as its default). */
export function libtorrentCreate(source: string, pieceLength: number, out: string): void {
  const run = spawnSync(PYTHON, [SCRIPT, '--create', source, String(pieceLength), out], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`libtorrent_check.py --create exited ${run.status}: ${run.stderr.trim()}`);
}
