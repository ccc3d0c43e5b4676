/**
 * A stage run's stats as docs/stats-format.md describes them (version 1, `stage` object), made
 * here because the stage command is not written yet: a fixture of the format, with numbers
 * shaped like a real staging (each node's bytes rise to the total; one node is late).
 */
export interface StageFixtureOptions {
  nodes?: number;
  /** T*, or none when the run did not know it. */
  lowerBoundSeconds?: number;
  /** The rank of the node that is done last. */
  slowRank?: number;
}

export function stageStatsFixture(options: StageFixtureOptions = {}): Record<string, unknown> {
  const nodeCount = options.nodes ?? 6;
  const slowRank = options.slowRank ?? 4;
  const bytes = 256 * 1024 * 1024;
  const nodes = Array.from({ length: nodeCount }, (_, i) => {
    const rank = i + 1;
    const doneAt = rank === slowRank ? 9.5 : 5 + 0.4 * i;
    const samples: [number, number][] = [];
    for (let step = 0; step <= 10; step++) {
      const seconds = (doneAt * step) / 10;
      samples.push([Number(seconds.toFixed(3)), Math.round((bytes * step) / 10)]);
    }
    return { rank, host: `node${String(rank).padStart(2, '0')}`, bytesOverTime: samples, doneAt };
  });
  return {
    format: 'mpitorrent-stats',
    version: 1,
    stage: {
      kind: 'stage',
      bytes,
      nodes,
      ...(options.lowerBoundSeconds === undefined ? {} : { lowerBoundSeconds: options.lowerBoundSeconds }),
    },
  };
}
