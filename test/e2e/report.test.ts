/**
 * `node dist/main.js report STATS.json -o report.html` on the stats of real runs (a course
 * swarm, a swarm with a lying peer) and of a stage-format fixture, the page opened in headless
 * Chromium: self-contained, no console errors, every chart with its marks, a screenshot with ink.
 */
import test, { type ExecutionContext } from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Browser } from 'puppeteer-core';

import type { RunStats } from '../../src/tracker/stats.js';
import { describeRun } from '../helpers/mpirun.js';
import { hasChromium, CHROMIUM, launchBrowser, viewPage, type PageView } from '../helpers/report-browser.js';
import { stageStatsFixture } from '../helpers/report-stage-fixture.js';
import { freshDir, MAIN, mainCommand, removeDir, runScenario } from '../helpers/scenario.js';
import { FAULTS, generateScenario } from '../scenarios/generate.js';

const browserTest = hasChromium ? test.serial : test.serial.skip;
if (!hasChromium) console.warn(`report.test.ts: browser checks skipped: no ${CHROMIUM} (Debian package chromium)`);

let browser: Browser | undefined;
test.before(async () => {
  if (hasChromium) browser = await launchBrowser();
});
test.after.always(async () => {
  await browser?.close();
});

function report(args: string[], cwd?: string) {
  return spawnSync(mainCommand()[0]!, [MAIN, 'report', ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
}

/** Makes the report of `stats` in `dir` and checks what every page must be. */
function makeReport(t: ExecutionContext, dir: string): string {
  const made = report(['stats.json', '-o', 'report.html'], dir);
  t.is(made.status, 0, made.stderr);
  t.is(made.stderr, '');
  const html = readFileSync(join(dir, 'report.html'), 'utf8');
  has(t, html, /^<!DOCTYPE html>/);
  const loads = html.match(/<script|<link|<img|<iframe|@import|url\((?!#)/gi) ?? [];
  t.deepEqual(loads, [], 'nothing loaded from elsewhere (SVG gradients are url(#id) within the page)');
  const urls = [...html.matchAll(/https?:\/\/[^\s"'<>)]+/g)].map((match) => match[0]);
  t.deepEqual(
    urls.filter((url) => !/^http:\/\/www\.w3\.org\/(2000\/svg|1999\/xlink)$/.test(url)),
    [],
    'no links but SVG namespaces',
  );
  return join(dir, 'report.html');
}

function assertReadable(t: ExecutionContext, view: PageView): void {
  t.deepEqual(view.errors, [], 'no console errors');
  t.deepEqual(view.requests, [], 'no requests beyond the page');
  for (const section of view.sections) {
    t.true(
      section.width > 200 && section.height > 80,
      `${section.id}'s chart is drawn (${section.width} x ${section.height})`,
    );
  }
  t.true(view.ink > 0.03, `the screenshot is not blank (${(100 * view.ink).toFixed(1)} % ink)`);
}

/** Whether the page has `pattern` (without printing the whole page when not). */
function has(t: ExecutionContext, html: string, pattern: RegExp): void {
  t.true(pattern.test(html), `the page has ${String(pattern)}`);
}

const sum = (values: Iterable<number>): number => [...values].reduce((a, b) => a + b, 0);

test.serial(
  "a course run's report: headline, transfer matrix, timeline and uploads, with a mark per pair, completion and peer",
  async (t) => {
    const run = await runScenario(generateScenario('course', 2), {
      args: ['--stats', 'stats.json'],
      extraFiles: ['stats.json'],
      keep: true,
    });
    try {
      t.deepEqual(run.problems, [], describeRun(run.result));
      const stats = JSON.parse(readFileSync(join(run.dir, 'stats.json'), 'utf8')) as RunStats;
      const html = readFileSync(makeReport(t, run.dir), 'utf8');
      has(t, html, new RegExp(`<dt>peers</dt><dd>${stats.peers}</dd>`));
      has(t, html, new RegExp(`<dt>segments moved</dt><dd>${stats.segmentsMoved}</dd>`));
      has(t, html, new RegExp(`<dt>seconds in all</dt><dd>${stats.seconds.toFixed(3)}</dd>`));
      if (!browser) return;
      const view = await viewPage(browser, join(run.dir, 'report.html'));
      assertReadable(t, view);
      t.deepEqual(
        view.sections.map((section) => section.id),
        ['transfers', 'timeline', 'uploads'],
        'no bad-data or stage section',
      );
      t.is(view.marks.cells, stats.peers ** 2, 'a heat map cell per sender and receiver');
      t.is(
        view.marks.completions,
        sum(stats.fileStats.map((file) => Object.keys(file.completedAt).length)),
        'a dot per completion',
      );
      t.is(view.marks.makespan, 1);
      t.is(view.marks.uploads, stats.peers, 'a bar per peer');
      t.is(view.marks.mean, 1);
    } finally {
      if (t.passed) removeDir(run.dir);
    }
  },
);

browserTest(
  'a run with a lying peer: the bad data and the blame are shown, a bar per sender and receiver of bad data',
  async (t) => {
    const [liar] = FAULTS.sharedOwners;
    const run = await runScenario(generateScenario('faults', 3), {
      args: ['--fault-corrupt', String(liar), '--stats', 'stats.json'],
      extraFiles: ['stats.json'],
      keep: true,
    });
    try {
      t.deepEqual(run.problems, [], describeRun(run.result));
      const stats = JSON.parse(readFileSync(join(run.dir, 'stats.json'), 'utf8')) as RunStats;
      t.true(stats.badSegments > 0);
      const html = readFileSync(makeReport(t, run.dir), 'utf8');
      const blameRows = html.match(/<table class="blame">.*?<\/table>/s)?.[0].match(/<tr><td>/g) ?? [];
      t.is(
        blameRows.length,
        sum(stats.fileStats.map((file) => Object.keys(file.badReports).length)),
        'a blame row per file and sender',
      );
      has(
        t,
        html,
        new RegExp(`<tr><td>shared</td><td class="number">${liar}</td><td class="number">\\d+</td><td>yes</td></tr>`),
      );
      const view = await viewPage(browser!, join(run.dir, 'report.html'));
      assertReadable(t, view);
      t.deepEqual(
        view.sections.map((section) => section.id),
        ['transfers', 'timeline', 'uploads', 'bad-data'],
      );
      const pairs = stats.peerStats.flatMap((peer) => Object.values(peer.badSegmentsSeen).filter((n) => n > 0));
      t.is(view.marks.bad, pairs.length, 'a bar segment per (sender, receiver) of bad data');
      t.is(view.marks.cells, stats.peers ** 2);
    } finally {
      if (t.passed) removeDir(run.dir);
    }
  },
);

browserTest(
  "a stage run's report: bytes over time, a line per node, the slowest node and T* marked, no swarm charts",
  async (t) => {
    const dir = freshDir('report-stage');
    try {
      const stats = stageStatsFixture({ nodes: 8, slowRank: 5, lowerBoundSeconds: 4.2 });
      writeFileSync(join(dir, 'stats.json'), JSON.stringify(stats));
      const html = readFileSync(makeReport(t, dir), 'utf8');
      has(t, html, /<dt>slowest node<\/dt><dd>node05 \(rank 5\), done at 9\.500 s<\/dd>/);
      const view = await viewPage(browser!, join(dir, 'report.html'));
      assertReadable(t, view);
      t.deepEqual(
        view.sections.map((section) => section.id),
        ['stage'],
      );
      t.is(view.marks.progress, 8, 'a line per node');
      t.is(view.marks.slowest, 1);
      t.is(view.marks.lowerbound, 1);
      t.false('cells' in view.marks, 'no transfer matrix');

      const { lowerBoundSeconds: _, ...withoutBound } = stats.stage as Record<string, unknown>;
      writeFileSync(join(dir, 'stats.json'), JSON.stringify({ ...stats, stage: withoutBound }));
      makeReport(t, dir);
      const unbounded = await viewPage(browser!, join(dir, 'report.html'));
      t.false('lowerbound' in unbounded.marks, 'no T* line when T* is not known');
      t.is(unbounded.marks.progress, 8);
    } finally {
      if (t.passed) removeDir(dir);
    }
  },
);

test.serial('bad stats files: one line naming the file and what is wrong, exit 3, no page', (t) => {
  const dir = freshDir('report-bad');
  try {
    writeFileSync(join(dir, 'broken.json'), '{"format": "mpitorrent-stats", ');
    writeFileSync(join(dir, 'other.json'), '{"name": "x"}');
    writeFileSync(join(dir, 'future.json'), JSON.stringify({ ...stageStatsFixture(), version: 2 }));
    const cases: [string, RegExp][] = [
      ['missing.json', /^mpitorrent report: missing\.json: no such file\n$/],
      ['broken.json', /^mpitorrent report: broken\.json: not JSON \(.+\)\n$/],
      ['other.json', /^mpitorrent report: other\.json: not a stats file \(no "format": "mpitorrent-stats"\)\n$/],
      [
        'future.json',
        /^mpitorrent report: future\.json: stats version 2 is not known to this mpitorrent \(it reads version 1\)\n$/,
      ],
    ];
    for (const [file, line] of cases) {
      const made = report([file, '-o', 'report.html'], dir);
      t.is(made.status, 3, `${file}: ${made.stderr}`);
      t.regex(made.stderr, line);
    }
    t.false(existsSync(join(dir, 'report.html')), 'no page written');
  } finally {
    removeDir(dir);
  }
});

test.serial('a bad report command line: exit 2 with one line; --help prints the usage', (t) => {
  const dir = freshDir('report-usage');
  try {
    writeFileSync(join(dir, 'stats.json'), JSON.stringify(stageStatsFixture()));
    const cases: [string[], RegExp][] = [
      [['stats.json'], /^mpitorrent report: needs -o\/--output FILE \(see --help\)\n$/],
      [['-o', 'r.html'], /^mpitorrent report: needs one stats file \(see --help\)\n$/],
      [['a.json', 'b.json', '-o', 'r.html'], /^mpitorrent report: takes one stats file, not 2 \(see --help\)\n$/],
      [['stats.json', '-o', 'r.html', '--colour'], /^mpitorrent report: Unknown option '--colour'.*\(see --help\)\n$/],
      [
        ['stats.json', '-o', 'nowhere/r.html'],
        /^mpitorrent report: --output nowhere\/r\.html: no such folder \(see --help\)\n$/,
      ],
    ];
    for (const [args, line] of cases) {
      const made = report(args, dir);
      t.is(made.status, 2, `${args.join(' ')}: ${made.stderr}`);
      t.regex(made.stderr, line);
    }
    const help = report(['--help'], dir);
    t.is(help.status, 0);
    t.regex(help.stdout, /^Usage: node dist\/main\.js report STATS\.json -o REPORT\.html\n/);
  } finally {
    removeDir(dir);
  }
});
