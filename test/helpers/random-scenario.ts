/** Random swarms (seeded) for property tests: any mix of owners, wanters, sizes and settings. */
import type { PeerInput } from '../../src/io/input.js';
import type { DownloadOptions } from '../../src/peer/download.js';
import { randomIndex, seededRandom } from '../../src/protocol/random.js';
import { hashes, input } from './swarm-inputs.js';

export interface RandomSwarm {
  inputs: PeerInput[];
  download: Partial<DownloadOptions>;
}

export function randomSwarm(seed: number): RandomSwarm {
  const random = seededRandom(seed * 7919);
  const peers = 1 + randomIndex(random, 10);
  const fileCount = 1 + randomIndex(random, 5);
  const files = Array.from({ length: fileCount }, (_, f) => {
    const size = random() < 0.1 ? 0 : 1 + randomIndex(random, 150);
    return { name: `r${seed}f${f}`, hashes: hashes(`r${seed}f${f}`, size) };
  });
  const owned = Array.from({ length: peers }, () => new Set<number>());
  const wanted = Array.from({ length: peers }, () => new Set<number>());
  files.forEach((_, f) => {
    owned[randomIndex(random, peers)]!.add(f);
    for (let p = 0; p < peers; p++) {
      if (owned[p]!.has(f)) continue;
      const roll = random();
      if (roll < 0.15) owned[p]!.add(f);
      else if (roll < 0.6) wanted[p]!.add(f);
    }
  });
  const inputs = Array.from({ length: peers }, (_, p) =>
    input(
      p + 1,
      Object.fromEntries([...owned[p]!].map((f) => [files[f]!.name, files[f]!.hashes])),
      [...wanted[p]!].map((f) => files[f]!.name),
    ),
  );
  const download = {
    window: 1 + randomIndex(random, 40),
    batch: 1 + randomIndex(random, 10),
    reportEvery: 1 + randomIndex(random, 20),
  };
  return { inputs, download };
}
