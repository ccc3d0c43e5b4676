/** No usable holder has sent a segment matching its hash: the download cannot finish. */
import type { RankCount } from '../protocol/messages.js';

export class StalledDownloadError extends Error {
  readonly exitCode = 4;

  constructor(fileName: string, segment: number, badBySource: readonly RankCount[]) {
    const blame = badBySource.length === 0
      ? 'no peer offers it'
      : `bad data from ${badBySource.map(({ rank, count }) => `rank ${rank} (${count} segments)`).join(', ')}`;
    super(`${fileName} segment ${segment}: no holder sent data matching its hash (${blame})`);
    this.name = 'StalledDownloadError';
  }
}
