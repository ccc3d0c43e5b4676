/**
 * The command line of `mpirun -np N node dist/main.js stage SOURCE DEST [options]`. Its own
 * options are taken here; the swarm's tuning and fault options (shared with the course mode)
 * are passed on to options.ts. Pure: no MPI, no I/O.
 */
import { parseCommand, type Options } from '../commands/course-options.js';
import { UsageError } from '../errors/usage-error.js';
import { parseByteSize } from '../io/byte-size.js';
import { parsePieceSize } from '../torrent/piece-size.js';

export type ProgressMode = 'bar' | 'lines' | 'none';

export interface StageOptions {
  source: string;
  /** May hold {rank} and {host}, expanded per rank. */
  dest: string;
  seeders: number;
  torrent: string | undefined;
  saveTorrent: string | undefined;
  /** Bytes a piece (a power of two, at least 16 KiB); undefined: chosen from the data. */
  pieceSize: number | undefined;
  /** Piece data a rank holds in its buffers at once: its window plus the answers it is sending. */
  memoryBytes: number;
  /** Bytes asked for and not yet received, at most, per downloading rank. */
  windowBytes: number;
  /** Bytes per request message, at most. */
  batchBytes: number;
  progress: ProgressMode | undefined;
  /** The swarm's options (statsFile, seed, quiet, download tuning, backoff, faults). */
  swarm: Options;
}

export type StageCommand = { kind: 'help' } | { kind: 'run'; options: StageOptions };

/** Stage's default --memory: a window of 16 MiB, and 48 MiB of answers on their way. */
const DEFAULT_MEMORY = '64M';

/** Stage's default --request-timeout, in ms. */
export const STAGE_REQUEST_TIMEOUT_MS = 60_000;

export const STAGE_USAGE = `Usage: mpirun -np N node dist/main.js stage SOURCE DEST [options]

Puts a byte-exact copy of SOURCE (a file or a folder) at DEST on every node of the job, every
piece checked with SHA-256 (BitTorrent v2 merkle roots). DEST may hold {rank} and {host},
expanded per rank; ranks of one node with the same DEST share one copy (the lowest writes).

Options:
  --seeders K            ranks on K distinct nodes read SOURCE, each a share (default 1)
  --torrent FILE         take the pieces' hashes from a .torrent made earlier (mpitorrent create)
  --save-torrent FILE    keep the job's manifest as a .torrent (written by rank 0)
  --piece-size BYTES     piece size, a power of two >= 16K (e.g. 256K, 1M; default: from the data,
                         at least 1M from 64M of data on)
  --memory BYTES         piece data a rank holds in memory at once: what it asks for plus the
                         answers it is sending (default 64M; the disk's cache is the OS's),
                         and each worker keeps up to an eighth of it in buffers to reuse
  --window-bytes BYTES   bytes a rank asks for at once (default a quarter of --memory)
  --batch-bytes BYTES    bytes per request message, at most (default 1M)
  --progress MODE        bar, lines or none (default: bar on a terminal, else lines)
  --stats FILE           write statistics as JSON (rank 0)
  --trace FILE           write every rank's and thread's events as a Chrome trace (rank 0)
  --quiet                no summary at the end
  --request-timeout MS   ask another holder after MS without an answer (default ${STAGE_REQUEST_TIMEOUT_MS})
Swarm tuning and fault injection as in the course mode (see --help without 'stage'):
  --strike-limit, --stall-timeout, --sleep-cap, --spins, --seed,
  --fault-corrupt, --fault-slow, --fault-kill, --fault-crash, --fault-malformed

Exit status: 0 done; 1 failure; 2 bad command line; 3 bad input (SOURCE, DEST, .torrent);
4 a piece no holder could send intact.`;

const OWN_VALUES = new Set([
  'seeders',
  'torrent',
  'save-torrent',
  'piece-size',
  'memory',
  'window-bytes',
  'batch-bytes',
  'progress',
]);
/** Course-mode options that make no sense here. */
const NOT_HERE = new Set(['input-dir', 'output-dir', 'window', 'batch', 'report-every']);

/** "64M", "16K", "1G" or plain bytes. */
export function parseBytes(name: string, text: string): number {
  const value = parseByteSize(text);
  if (value === undefined) throw new UsageError(`--${name} takes a size in bytes (e.g. 65536, 64K, 4M), not "${text}"`);
  if (value <= 0) throw new UsageError(`--${name} must be positive, not "${text}"`);
  return value;
}

export function parseStageCommand(
  argv: readonly string[],
  defaults: Parameters<typeof parseCommand>[1] = {},
): StageCommand {
  const own = new Map<string, string>();
  const positionals: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return { kind: 'help' };
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--')) {
      if (arg.startsWith('-') && arg !== '-') rest.push(arg);
      else positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    if (NOT_HERE.has(name))
      throw new UsageError(`--${name} is an option of the course mode, not of stage (see stage --help)`);
    if (!OWN_VALUES.has(name)) {
      rest.push(arg);
      // The course parser knows which of its options take a value: pass the next word along.
      if (eq === -1 && !['quiet', 'help', 'version'].includes(name) && i + 1 < argv.length) rest.push(argv[++i]!);
      continue;
    }
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined) throw new UsageError(`--${name} needs a value (see stage --help)`);
    if (own.has(name)) throw new UsageError(`--${name} is given twice`);
    own.set(name, value);
  }
  if (positionals.length !== 2) {
    throw new UsageError(
      `stage takes SOURCE and DEST, not ${positionals.length === 0 ? 'nothing' : positionals.map((p) => `"${p}"`).join(' ')} (see stage --help)`,
    );
  }
  const [source, dest] = positionals as [string, string];
  if (source === '' || dest === '') throw new UsageError('SOURCE and DEST may not be empty');
  const swarmCommand = parseCommand(rest, defaults);
  if (swarmCommand.kind !== 'run') return { kind: 'help' };
  // A piece is far larger than a course segment, and a window of them queued behind one capped
  // link takes seconds: the course's 2 s would ask again what is on its way (bench/README.md).
  if (!rest.some((arg) => arg.startsWith('--request-timeout'))) {
    swarmCommand.options.download.requestTimeoutMs = STAGE_REQUEST_TIMEOUT_MS;
  }
  const seedersText = own.get('seeders');
  if (seedersText !== undefined && (!/^\d+$/.test(seedersText) || Number(seedersText) < 1)) {
    throw new UsageError(`--seeders takes a whole number of at least 1, not "${seedersText}"`);
  }
  const pieceText = own.get('piece-size');
  const pieceSize = pieceText === undefined ? undefined : parsePieceSize(pieceText);
  if (typeof pieceSize === 'string') throw new UsageError(`--piece-size: ${pieceSize}`);
  const progress = own.get('progress');
  if (progress !== undefined && !['bar', 'lines', 'none'].includes(progress)) {
    throw new UsageError(`--progress takes bar, lines or none, not "${progress}"`);
  }
  const memoryBytes = parseBytes('memory', own.get('memory') ?? DEFAULT_MEMORY);
  const windowText = own.get('window-bytes');
  const windowBytes = windowText === undefined ? Math.floor(memoryBytes / 4) : parseBytes('window-bytes', windowText);
  if (windowBytes >= memoryBytes) {
    throw new UsageError(
      `--window-bytes (${windowBytes}) must be less than --memory (${memoryBytes}): the rest is for the answers a rank sends`,
    );
  }
  const torrent = own.get('torrent');
  if (torrent !== undefined && pieceSize !== undefined)
    throw new UsageError('--piece-size comes from the .torrent when --torrent is given');
  return {
    kind: 'run',
    options: {
      source,
      dest,
      seeders: Number(seedersText ?? 1),
      torrent,
      saveTorrent: own.get('save-torrent'),
      pieceSize,
      memoryBytes,
      windowBytes,
      batchBytes: parseBytes('batch-bytes', own.get('batch-bytes') ?? '1M'),
      progress: progress as ProgressMode | undefined,
      swarm: swarmCommand.options,
    },
  };
}
