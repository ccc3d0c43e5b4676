/**
 * --trace FILE under mpirun: the course swarm and `stage` write one Chrome trace of the whole
 * job, which the format's checks accept, with a process per rank and a named track per thread,
 * each wanted file's download, the tracker's phases, and bad data named by its sender.
 */
import test, { type ExecutionContext } from 'ava';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { TraceArgs, TraceEvent, TraceFile } from '../../src/trace/events.js';
import { spanNestingProblems, traceProblems, traceTracks } from '../../src/trace/validate.js';
import { describeRun } from '../helpers/mpirun.js';
import { mainCommand, removeDir, runExclusive, runScenario } from '../helpers/scenario.js';
import { makeFolderDataset, stageCommand } from '../helpers/stage-data.js';
import { tempDirs } from '../helpers/temp-dirs.js';
import { FAULTS, generateScenario, type Scenario } from '../scenarios/generate.js';

const freshDir = tempDirs('trace');
const PEER_THREADS = ['main', 'download worker', 'upload worker'];

/** The trace file, checked as every trace must be: the format's fields, spans that nest. */
function readTrace(t: ExecutionContext, path: string): TraceFile {
  const file = JSON.parse(readFileSync(path, 'utf8')) as TraceFile;
  t.deepEqual(traceProblems(file), [], 'the format requires these fields');
  t.deepEqual(spanNestingProblems(file), [], "a thread's spans nest");
  return file;
}

/** Track names by rank: { 0: ['tracker'], 1: ['main', 'download worker', 'upload worker'] }. */
function threadNames(file: TraceFile): Record<number, string[]> {
  const names: Record<number, string[]> = {};
  for (const event of file.traceEvents) {
    if (event.ph === 'M' && event.name === 'thread_name' && 'name' in event.args) {
      (names[event.pid] ??= [])[event.tid] = event.args.name;
    }
  }
  return names;
}

function processNames(file: TraceFile): Map<number, string> {
  return new Map(
    file.traceEvents.flatMap((event) =>
      event.ph === 'M' && event.name === 'process_name' && 'name' in event.args
        ? [[event.pid, event.args.name] as const]
        : [],
    ),
  );
}

const timed = (file: TraceFile, where: Partial<Record<'ph' | 'cat' | 'name', string>>): TraceEvent[] =>
  file.traceEvents.filter(
    (event) =>
      event.ph !== 'M' &&
      (where.ph === undefined || event.ph === where.ph) &&
      (where.cat === undefined || event.cat === where.cat) &&
      (where.name === undefined || event.name === where.name),
  );

/** The last value of counter `name`'s `key` on each rank. */
function lastCounter(file: TraceFile, name: string, key: string): Map<number, number> {
  const last = new Map<number, number>();
  for (const event of timed(file, { ph: 'C', name })) last.set(event.pid, (event.args as Record<string, number>)[key]!);
  return last;
}

async function tracedCourseRun(t: ExecutionContext, scenario: Scenario, args: string[] = []) {
  const run = await runScenario(scenario, {
    args: ['--trace', 'trace.json', '--quiet', ...args],
    extraFiles: ['trace.json'],
    keep: true,
  });
  t.teardown(() => removeDir(run.dir));
  t.deepEqual(run.problems, [], describeRun(run.result));
  return readTrace(t, join(run.dir, 'trace.json'));
}

test.serial('course: a process per rank, the tracker one track, each peer main, download and upload', async (t) => {
  const scenario = generateScenario('course', 3);
  const file = await tracedCourseRun(t, scenario);

  const ranks = Array.from({ length: scenario.np }, (_, rank) => rank);
  t.deepEqual(
    [...processNames(file).keys()].sort((a, b) => a - b),
    ranks,
  );
  t.regex(processNames(file).get(0)!, /^rank 0 \(tracker on .+\)$/);
  t.deepEqual(
    threadNames(file),
    Object.fromEntries(ranks.map((rank) => [rank, rank === 0 ? ['tracker'] : PEER_THREADS])),
  );
  t.is(traceTracks(file).length, 1 + 3 * (scenario.np - 1), 'as many tracks as threads');

  // Each wanted file's download, on its peer's download worker.
  for (const peer of scenario.peers) {
    const files = timed(file, { ph: 'X', cat: 'file' }).filter((event) => event.pid === peer.rank);
    t.deepEqual(files.map((event) => event.name).sort(), [...peer.wanted].sort(), `rank ${peer.rank}'s files`);
    t.true(files.every((event) => event.tid === 1));
  }
  // The tracker's phases, and the registration and go-ahead on every peer's main thread.
  for (const phase of ['registration', 'swarm', 'stopping']) {
    t.is(timed(file, { ph: 'X', cat: 'tracker', name: phase }).filter((event) => event.pid === 0).length, 1, phase);
  }
  for (const phase of ['start-up', 'registration', 'waiting for the go-ahead', 'workers running']) {
    const ranksWith = timed(file, { ph: 'X', name: phase }).filter((event) => event.tid === 0 && event.pid > 0);
    t.is(ranksWith.length, scenario.np - 1, phase);
  }
  // The counters end at what each peer received: every segment it wanted.
  const segments = new Map(scenario.files.map((entry) => [entry.name, entry.hashes.length]));
  const received = lastCounter(file, 'download', 'received');
  for (const peer of scenario.peers) {
    t.is(
      received.get(peer.rank),
      peer.wanted.reduce((total, name) => total + segments.get(name)!, 0),
    );
  }
  t.deepEqual(timed(file, { name: 'bad data' }), [], 'no bad data in an honest run');
  t.is(file.otherData?.mode, 'course');
  t.is(file.otherData?.ranks, scenario.np);
});

test.serial('course with a corrupting holder: bad data shows on the receivers, naming the liar', async (t) => {
  const [liar] = FAULTS.sharedOwners;
  const file = await tracedCourseRun(t, generateScenario('faults', 3), ['--fault-corrupt', String(liar)]);
  const bad = timed(file, { ph: 'i', name: 'bad data' });
  t.true(bad.length > 0, 'bad data was recorded');
  for (const event of bad) {
    // The liar corrupts whatever it serves: the file it owns and those it downloaded.
    t.is((event.args as TraceArgs).sender, liar);
    t.true(['shared', 'third'].includes((event.args as TraceArgs).file as string));
    t.is(event.tid, 1, 'on the download worker');
  }
});

test.serial('stage: every rank main, download and upload, its copy downloaded, the tracker on rank 0', async (t) => {
  const dir = freshDir();
  makeFolderDataset(join(dir, 'src'));
  const np = 3;
  const result = await runExclusive(
    np,
    stageCommand(join(dir, 'src'), join(dir, 'dest-{rank}'), '--trace', join(dir, 'trace.json'), '--quiet'),
  );
  t.is(result.code, 0, describeRun(result));
  const file = readTrace(t, join(dir, 'trace.json'));
  const ranks = Array.from({ length: np }, (_, rank) => rank);
  t.deepEqual(
    threadNames(file),
    Object.fromEntries(ranks.map((rank) => [rank, [rank === 0 ? 'main (tracker)' : 'main', ...PEER_THREADS.slice(1)]])),
  );
  t.is(traceTracks(file).length, 3 * np);
  t.deepEqual(
    timed(file, { ph: 'X', cat: 'file' })
      .map((event) => `${event.pid}/${event.tid} ${event.name}`)
      .sort(),
    ranks.map((rank) => `${rank}/1 src`),
  );
  t.is(timed(file, { ph: 'X', cat: 'tracker', name: 'swarm' }).filter((event) => event.pid === 0).length, 1);
  for (const phase of ['plan', 'prepare the destination', 'exchange the hashes']) {
    t.is(timed(file, { ph: 'X', name: phase }).length, np, phase);
  }
  t.is(file.otherData?.mode, 'stage');
});

test.serial('an unwritable --trace is a usage error naming it, before the run (course and stage)', async (t) => {
  const dir = freshDir();
  mkdirSync(join(dir, 'a-folder'));
  const missing = join(dir, 'missing', 'trace.json');
  // No inputs: a run that started would fail on in1.txt (status 3), not on the trace's path.
  const course = await runExclusive(2, mainCommand(['--trace', missing]), { cwd: dir });
  t.is(course.code, 2, describeRun(course));
  t.true(course.stderr.includes(`--trace ${missing}: no such folder`), course.stderr);

  const folder = join(dir, 'a-folder');
  const stage = await runExclusive(2, stageCommand(join(dir, 'no-source'), join(dir, 'dest'), '--trace', folder));
  t.is(stage.code, 2, describeRun(stage));
  t.true(stage.stderr.includes(`--trace ${folder}: is a folder`), stage.stderr);
  t.false(existsSync(join(dir, 'dest')), 'nothing was staged');
});
