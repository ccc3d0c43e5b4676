/** A source (file or folder to make a torrent of) that cannot be used: `<path>: <what is wrong>`. */
export class SourceError extends Error {
  /** The process exit code for bad input, as InputError's. */
  readonly exitCode = 3;
  readonly path: string;

  constructor(path: string, detail: string, options?: ErrorOptions) {
    super(`${path}: ${detail}`, options);
    this.name = 'SourceError';
    this.path = path;
  }
}
