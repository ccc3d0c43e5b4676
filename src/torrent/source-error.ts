/** A source (file or folder to make a torrent of) that cannot be used: `<path>: <what is wrong>`. */
import { PathError } from '../errors/path-error.js';

export class SourceError extends PathError {}
