/** The torrent room: BitTorrent v2 metainfo from a source tree, and back. */
export type { Entry, FileEntry, FolderEntry, Manifest, Piece, RelativePath, SymlinkEntry } from './manifest.js';
export { BLOCK_SIZE, HASH_SIZE } from './merkle.js';
export { buildManifest, totalBytes, type BuildOptions } from './build.js';
export {
  buildMetainfo,
  encodeInfo,
  infoHashV2,
  isExecutable,
  type Metainfo,
  type MetainfoOptions,
} from './metainfo.js';
export { parseTorrent, readTorrent, type ParsedTorrent } from './parse.js';
export { piecesOf, verifyPiece } from './pieces.js';
export { choosePieceLength, parsePieceSize } from './piece-size.js';
export { walkSource, type SourceEntry, type SourceFile, type SourceTree } from './walk.js';
export { hashFiles, type FileToHash, type HashedFile } from './hash-pool.js';
export { SourceError } from './source-error.js';
export { TorrentError } from './torrent-error.js';
export { chunkBuffer, hashSegment, type HashSegment } from './hash-file.js';
export { nameProblem } from './names.js';
export { resolveLinkTarget, symlinkTargetProblem } from './walk.js';
