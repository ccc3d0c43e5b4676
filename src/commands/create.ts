/**
 * `mpitorrent create SOURCE -o FILE.torrent`: a BitTorrent v2 `.torrent` of a file or a folder,
 * hashed on worker threads. No MPI. Exit status: 0 done, 2 bad command line, 3 bad source.
 */
import { availableParallelism } from 'node:os';
import { basename, dirname } from 'node:path';
import { parseArgs } from 'node:util';

import { describeFsError } from '../io/fs-reason.js';
import { writeWhole } from '../io/write-whole.js';
import { buildManifest, totalBytes } from '../torrent/build.js';
import { buildMetainfo } from '../torrent/metainfo.js';
import { parsePieceSize } from '../torrent/piece-size.js';
import { piecesOf } from '../torrent/pieces.js';
import { SourceError } from '../torrent/source-error.js';
import { UsageError } from '../errors/usage-error.js';
import { version } from './speak.js';

export const CREATE_USAGE = `Usage: node dist/main.js create SOURCE -o FILE.torrent [options]

Writes a BitTorrent v2 .torrent (BEP 52) of SOURCE, a file or a folder: SHA-256 merkle trees
of 16 KiB blocks per file, piece layers, and the file tree. Any v2 client (libtorrent,
qBittorrent, ...) can check or share the data with it; \`stage --torrent\` uses it too.
No MPI: run it directly, not under mpirun.

Folders are walked recursively. Executable files are marked (BEP 47 'x'); symlinks are kept as
symlinks when they point inside SOURCE ('l'). Absolute symlinks, symlinks leaving SOURCE,
devices, FIFOs and sockets are errors. Empty folders cannot be expressed in a torrent and are
left out; empty files are kept. Modes other than 'x' and modification times are not recorded.

Options:
  -o, --output FILE      the .torrent to write (written whole, or not at all)
  --piece-size BYTES     piece size: a power of two from 16K to 256M (like 262144, 256K, 1M,
                         4MiB); default: chosen from the data's size for 1000-2000 pieces,
                         16K to 16M
  --threads N            hashing threads (default: the number of CPUs, here ${availableParallelism()})
  --quiet                print no summary
  -h, --help             print this help

Exit status: 0 done; 2 bad command line; 3 bad source (the message names the path).`;

const SPEC = {
  output: { type: 'string', short: 'o' },
  'piece-size': { type: 'string' },
  threads: { type: 'string' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

interface CreateOptions {
  source: string;
  output: string;
  pieceLength: number | undefined;
  threads: number | undefined;
  quiet: boolean;
}

/** The command line after `create`; undefined for --help. */
export function parseCreateArgs(argv: string[]): CreateOptions | undefined {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: SPEC, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`create: ${(error as Error).message}`);
  }
  const { values, positionals } = parsed;
  if (values.help) return undefined;
  if (positionals.length !== 1)
    throw new UsageError(`create: needs exactly one SOURCE, not ${positionals.length} (see create --help)`);
  if (values.output === undefined || values.output === '')
    throw new UsageError('create: needs -o FILE.torrent, the file to write');
  let pieceLength: number | undefined;
  if (values['piece-size'] !== undefined) {
    const parsedSize = parsePieceSize(values['piece-size']);
    if (typeof parsedSize === 'string') throw new UsageError(`create: ${parsedSize}`);
    pieceLength = parsedSize;
  }
  let threads: number | undefined;
  if (values.threads !== undefined) {
    threads = Number(values.threads);
    if (!/^\d+$/.test(values.threads) || threads < 1 || threads > 1024)
      throw new UsageError(`create: --threads "${values.threads}" is not a whole number from 1 to 1024`);
  }
  return { source: positionals[0]!, output: values.output, pieceLength, threads, quiet: values.quiet ?? false };
}

/** Runs `create` with the arguments after the word `create`; returns the exit status. */
export async function main(argv: string[]): Promise<number> {
  const started = performance.now();
  let options: CreateOptions | undefined;
  try {
    options = parseCreateArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`mpitorrent ${error.message}\n`);
    return error.exitCode;
  }
  if (options === undefined) {
    process.stdout.write(`${CREATE_USAGE}\n`);
    return 0;
  }
  try {
    const buildOptions = {
      ...(options.pieceLength && { pieceLength: options.pieceLength }),
      ...(options.threads && { threads: options.threads }),
    };
    const manifest = await buildManifest(options.source, buildOptions);
    const bytes = totalBytes(manifest);
    // libtorrent refuses a torrent without data, and so would any client.
    if (bytes === 0)
      throw new SourceError(
        options.source,
        'holds no data (only empty files or folders): a torrent needs at least one byte',
      );
    const metainfo = buildMetainfo(manifest, { createdBy: version() });
    try {
      writeWhole(dirname(options.output), basename(options.output), 'torrent', metainfo.bytes);
    } catch (error) {
      throw new SourceError(options.output, `cannot write: ${describeFsError(error)}`, { cause: error });
    }
    if (!options.quiet) {
      const files = manifest.entries.filter((entry) => entry.kind === 'file').length;
      const seconds = ((performance.now() - started) / 1000).toFixed(2);
      process.stdout.write(
        `${options.output}: ${files} files, ${bytes} bytes, piece size ${manifest.pieceLength}, ` +
          `${piecesOf(manifest).length} pieces, v2 info-hash ${Buffer.from(metainfo.infoHash).toString('hex')}, ${seconds} s\n`,
      );
    }
    return 0;
  } catch (error) {
    if (!(error instanceof SourceError)) throw error;
    process.stderr.write(`mpitorrent create: ${error.message}\n`);
    return error.exitCode;
  }
}
