/** Reading `--stats` files: what the report accepts, and what it says about what it does not. */
import test from 'ava';

import { readStats, StatsFormatError } from '../../src/report/stats-format.js';
import { collectStats, STATS_FORMAT, STATS_VERSION } from '../../src/tracker/stats.js';
import { runSwarm } from '../helpers/memory-swarm.js';
import { stageStatsFixture } from '../helpers/report-stage-fixture.js';
import { COURSE_LIKE } from '../helpers/swarm-inputs.js';

function swarmStats(): Record<string, unknown> {
  const run = runSwarm(COURSE_LIKE['three peers, three files']!(), { seed: 1 });
  return JSON.parse(JSON.stringify(collectStats(run.tracker, 1))) as Record<string, unknown>;
}

const problem = (value: unknown): string => {
  try {
    readStats(value);
  } catch (error) {
    if (error instanceof StatsFormatError) return error.message;
    throw error;
  }
  return 'accepted';
};

test('the swarm writes stats labelled with the format and its version', (t) => {
  const stats = swarmStats();
  t.is(stats.format, STATS_FORMAT);
  t.is(stats.version, STATS_VERSION);
  t.deepEqual(Object.keys(stats).slice(0, 2), ['format', 'version'], 'the label comes first');
});

test("a swarm run's stats are read as a swarm run, with no stage part", (t) => {
  const stats = readStats(swarmStats());
  t.is(stats.version, 1);
  t.is(stats.course!.peers, 3);
  t.is(stats.stage, undefined);
});

test("a stage run's stats are read as a stage run, with no swarm part", (t) => {
  const stats = readStats(stageStatsFixture({ lowerBoundSeconds: 3 }));
  t.is(stats.course, undefined);
  t.is(stats.stage!.nodes.length, 6);
  t.is(stats.stage!.lowerBoundSeconds, 3);
});

test('stats written before the label (no format, no version) are read as version 1', (t) => {
  const { format: _format, version: _version, ...older } = swarmStats();
  t.is(readStats(older).course!.peers, 3);
});

test('fields a later version adds are kept out of the way, not refused', (t) => {
  t.is(readStats({ ...swarmStats(), hosts: ['a', 'b'] }).course!.files, 3);
});

test('what is not a stats file is named as such', (t) => {
  t.is(problem([1, 2]), 'not a stats file (not a JSON object)');
  t.is(problem('text'), 'not a stats file (not a JSON object)');
  t.is(problem({ name: 'mpitorrent', version: '0.1.0' }), 'not a stats file (no "format": "mpitorrent-stats")');
  t.is(
    problem({ ...swarmStats(), format: 'chrome-trace' }),
    'not a stats file (format "chrome-trace", not "mpitorrent-stats")',
  );
});

test('a version this mpitorrent does not know is refused, naming both versions', (t) => {
  t.is(
    problem({ ...swarmStats(), version: 2 }),
    'stats version 2 is not known to this mpitorrent (it reads version 1)',
  );
});

test('a damaged stats file says which field is wrong', (t) => {
  const stats = swarmStats();
  const peers = stats.peerStats as Record<string, unknown>[];
  peers[1] = { ...peers[1], uploadsTo: 'many' };
  t.regex(problem(stats), /^not a valid stats file: peerStats\[1\]\.uploadsTo: /);
  const { fileStats: _files, ...partial } = swarmStats();
  t.is(problem(partial), "not a valid stats file: a swarm run's stats without fileStats");
  const stage = stageStatsFixture();
  (stage.stage as { nodes: unknown[] }).nodes = [];
  t.regex(problem(stage), /^not a valid stats file: stage\.nodes: /);
  t.is(
    problem({ format: STATS_FORMAT, version: 1 }),
    'not a valid stats file: neither a swarm run (peerStats, fileStats, ...) nor a stage run (stage)',
  );
});
