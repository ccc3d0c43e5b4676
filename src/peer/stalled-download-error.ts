/** No usable holder has sent a segment matching its hash: the download cannot finish. */
import { ExitStatus, ExpectedError } from '../errors/exit-status.js';
import { segmentLabel } from '../io/segment-label.js';
import type { RankCount } from '../protocol/messages.js';

export class StalledDownloadError extends ExpectedError {
  readonly exitCode = ExitStatus.NoIntactHolder;

  /** `segment` counts from 0, as the protocol does; the message counts from 1, as inputs do. */
  constructor(fileName: string, segment: number, badBySource: readonly RankCount[], silent: readonly number[] = []) {
    const reasons = [];
    if (badBySource.length > 0) {
      reasons.push(
        `bad data from ${badBySource.map(({ rank, count }) => `rank ${rank} (${count} segments)`).join(', ')}`,
      );
    }
    if (silent.length > 0) reasons.push(`no answer from ${silent.map((rank) => `rank ${rank}`).join(', ')}`);
    super(
      `${fileName} segment ${segmentLabel(segment)}: no holder sent data matching its hash ` +
        `(${reasons.length > 0 ? reasons.join('; ') : 'no peer offers it'})`,
    );
  }
}
