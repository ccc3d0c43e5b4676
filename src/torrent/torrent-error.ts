/** A `.torrent` file that cannot be used: `<torrent path>: <what is wrong>`. */
export class TorrentError extends Error {
  /** The process exit code for bad input, as InputError's. */
  readonly exitCode = 3;
  readonly path: string;

  constructor(path: string, detail: string, options?: ErrorOptions) {
    super(`${path}: ${detail}`, options);
    this.name = 'TorrentError';
    this.path = path;
  }
}
