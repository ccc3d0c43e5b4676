/** A `.torrent` file that cannot be used: `<torrent path>: <what is wrong>`. */
import { PathError } from '../errors/path-error.js';

export class TorrentError extends PathError {}
