/**
 * Seeded scenarios for end-to-end tests and benchmarks: the in<R>.txt of every peer and, for
 * every file, its hashes in order, its owners and its wanters.
 *
 *   const scenario = generateScenario('mixed15', 7);   // pure: same preset and seed, same texts
 *   node --import tsx test/scenarios/generate.ts mixed15 --out /tmp/mixed15 [--seed 7]
 *
 * Every scenario is valid: every wanted file is owned by someone, no peer wants a file it owns,
 * every owner of a file lists the same hashes, and hashes are 32 hex characters derived from the
 * preset, the seed, the file and the segment (distinct across the whole scenario).
 *
 * Presets (np counts the tracker):
 *   seed10   one seed owning 3 files of 100 segments, 10 leechers wanting all three (np 12)
 *   seed14   the same with 14 leechers (np 16)
 *   mixed15  15 peers, 6 files, owners and wanters mixed, some files owned by several (np 16)
 *   course   random within the course's caps: at most 10 files owned and 10 wanted per peer,
 *            names of at most 15 characters, at most 100 segments, np 3..8
 *   crowd    the same caps with more ranks than the course allows: np 11..15 (issue 14's
 *            course-limit scenarios, where ranks outnumber cores)
 *   big      beyond the caps: 40 files of 2000 segments, 30 ranks, each file wanted by a few
 *   nasty    valid but awkward: CRLF, no final newline, tabs, blank lines, long and Unicode
 *            names, files of 0 and 1 segments, peers wanting or owning nothing, a file owned by
 *            every peer but its one wanter, hashes in upper and lower case (np 8)
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { seededRandom } from '../../src/protocol/random.js';

export const PRESETS = ['seed10', 'seed14', 'mixed15', 'course', 'crowd', 'big', 'nasty', 'faults'] as const;
export type Preset = (typeof PRESETS)[number];

export interface ScenarioFile {
  name: string;
  /** The segment hashes in order, exactly as every owner writes them. */
  hashes: string[];
  /** Ranks owning the file, ascending. */
  owners: number[];
  /** Ranks wanting the file, ascending. */
  wanters: number[];
}

export interface ScenarioPeer {
  rank: number;
  /** Names of the files it owns and wants, in the order its input lists them. */
  owned: string[];
  wanted: string[];
  /** The text of in<rank>.txt. */
  text: string;
}

export interface Scenario {
  preset: string;
  seed: number;
  /** Ranks of the job: the tracker and one per peer. */
  np: number;
  files: ScenarioFile[];
  /** Peers by rank: peers[i].rank === i + 1. */
  peers: ScenarioPeer[];
}

/** How an input text is laid out; every layout reads the same. */
export interface Layout {
  eol?: '\n' | '\r\n';
  /** End the last line with eol (default true). */
  finalNewline?: boolean;
  /** Between a file's name and its segment count (default ' '). */
  separator?: string;
  /** A blank line (or one holding only spaces and tabs) between sections. */
  blankLines?: boolean;
  /** Spaces or tabs at the start and end of lines. */
  padding?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Randomness and hashes

/** A seeded generator (the protocol's mulberry32): deterministic across platforms and Node versions. */
export class Random {
  readonly #next: () => number;

  constructor(seed: number) {
    this.#next = seededRandom(seed);
  }

  /** A float in [0, 1). */
  next(): number {
    return this.#next();
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }

  shuffle<T>(items: readonly T[]): T[] {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy;
  }

  /** `count` distinct items, in a random order. */
  sample<T>(items: readonly T[], count: number): T[] {
    return this.shuffle(items).slice(0, count);
  }
}

/** The 32-hex-character hash of a segment: MD5 of the preset, seed, file index and segment. */
function segmentHash(preset: string, seed: number, file: number, segment: number): string {
  return createHash('md5').update(`${preset}:${seed}:${file}:${segment}`).digest('hex');
}

// ---------------------------------------------------------------------------------------------
// Building a scenario from a plan

type HashCase = 'lower' | 'upper' | 'mixed';

interface FilePlan {
  name: string;
  segments: number;
  owners: number[];
  wanters: number[];
  hashCase?: HashCase;
}

interface Plan {
  preset: string;
  seed: number;
  peerCount: number;
  files: FilePlan[];
  /** Layout of each rank's input (default: plain). */
  layouts?: Map<number, Layout>;
  /** Order of each rank's owned and wanted lists (default: file order). */
  shuffle?: Random;
}

function applyCase(hash: string, hashCase: HashCase, segment: number): string {
  if (hashCase === 'upper') return hash.toUpperCase();
  if (hashCase === 'mixed') return segment % 2 === 0 ? hash.toUpperCase() : hash;
  return hash;
}

/** The text of an input file. */
export function renderInput(
  owned: readonly { name: string; hashes: readonly string[] }[],
  wanted: readonly string[],
  layout: Layout = {},
): string {
  const eol = layout.eol ?? '\n';
  const separator = layout.separator ?? ' ';
  const lines: string[] = [];
  const blank = (): void => {
    if (layout.blankLines) lines.push(lines.length % 2 === 0 ? '' : ' \t');
  };
  const pad = (line: string, i: number): string =>
    layout.padding ? `${i % 3 === 0 ? '\t' : ' '}${line}${i % 2 === 0 ? '  ' : '\t'}` : line;
  blank();
  lines.push(String(owned.length));
  for (const file of owned) {
    blank();
    lines.push(`${file.name}${separator}${file.hashes.length}`);
    lines.push(...file.hashes);
  }
  blank();
  lines.push(String(wanted.length));
  lines.push(...wanted);
  blank();
  const text = lines.map(pad).join(eol);
  return layout.finalNewline === false ? text : text + eol;
}

function build(plan: Plan): Scenario {
  const files: ScenarioFile[] = plan.files.map((file, index) => ({
    name: file.name,
    hashes: Array.from({ length: file.segments }, (_, segment) =>
      applyCase(segmentHash(plan.preset, plan.seed, index, segment), file.hashCase ?? 'lower', segment),
    ),
    owners: [...file.owners].sort((a, b) => a - b),
    wanters: [...file.wanters].sort((a, b) => a - b),
  }));
  const peers: ScenarioPeer[] = [];
  for (let rank = 1; rank <= plan.peerCount; rank++) {
    let owned = files.filter((file) => file.owners.includes(rank));
    let wanted = files.filter((file) => file.wanters.includes(rank)).map((file) => file.name);
    if (plan.shuffle) {
      owned = plan.shuffle.shuffle(owned);
      wanted = plan.shuffle.shuffle(wanted);
    }
    const text = renderInput(owned, wanted, plan.layouts?.get(rank));
    peers.push({ rank, owned: owned.map((file) => file.name), wanted, text });
  }
  const scenario: Scenario = { preset: plan.preset, seed: plan.seed, np: plan.peerCount + 1, files, peers };
  validateScenario(scenario);
  return scenario;
}

/** Throws unless the scenario keeps every promise of the module's comment. */
export function validateScenario(scenario: Scenario): void {
  const fail = (why: string): never => {
    throw new Error(`scenario ${scenario.preset} seed ${scenario.seed}: ${why}`);
  };
  if (scenario.peers.length !== scenario.np - 1) fail(`${scenario.peers.length} peers for np ${scenario.np}`);
  const names = new Set<string>();
  const hashes = new Set<string>();
  for (const file of scenario.files) {
    if (names.has(file.name)) fail(`file ${file.name} appears twice`);
    names.add(file.name);
    if (!/^[^\s/\\]+$/u.test(file.name) || file.name.includes('..') || /\p{Cc}/u.test(file.name)) {
      fail(`file name ${JSON.stringify(file.name)} is not valid`);
    }
    if (Buffer.byteLength(`client${scenario.np}_${file.name}`) > 255) fail(`file name ${file.name} is too long`);
    if (file.owners.length === 0 && file.wanters.length > 0) fail(`${file.name} is wanted but nobody owns it`);
    if (file.owners.some((rank) => file.wanters.includes(rank))) fail(`a peer wants ${file.name}, which it owns`);
    for (const rank of [...file.owners, ...file.wanters]) {
      if (!Number.isInteger(rank) || rank < 1 || rank >= scenario.np) fail(`${file.name} names rank ${rank}`);
    }
    for (const hash of file.hashes) {
      if (!/^[0-9a-fA-F]{32}$/.test(hash)) fail(`hash ${hash} of ${file.name} is not 32 hex characters`);
      if (hashes.has(hash.toLowerCase())) fail(`hash ${hash} appears twice`);
      hashes.add(hash.toLowerCase());
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Presets

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

function seeds(preset: string, seed: number, leechers: number): Scenario {
  const peerCount = leechers + 1;
  const files = range(1, 3).map((i): FilePlan => ({
    name: `file${i}`,
    segments: 100,
    owners: [1],
    wanters: range(2, peerCount),
  }));
  return build({ preset, seed, peerCount, files });
}

function mixed15(seed: number): Scenario {
  const random = new Random(seed);
  const peerCount = 15;
  const peers = range(1, peerCount);
  // Files 1-2 have one owner, 3-4 two, 5-6 three.
  const files = range(1, 6).map((i): FilePlan => ({
    name: `file${i}`,
    segments: random.int(50, 100),
    owners: random.sample(peers, Math.ceil(i / 2)),
    wanters: [],
  }));
  for (const rank of peers) {
    const candidates = files.filter((file) => !file.owners.includes(rank));
    for (const file of random.sample(candidates, random.int(0, 3))) file.wanters.push(rank);
  }
  // Every file wanted by at least two peers.
  for (const file of files) {
    const others = random.shuffle(peers.filter((rank) => !file.owners.includes(rank) && !file.wanters.includes(rank)));
    while (file.wanters.length < 2) file.wanters.push(others.pop()!);
  }
  return build({ preset: 'mixed15', seed, peerCount, files, shuffle: random });
}

const NAME_CHARACTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-';

/** The course's caps (its MAX_FILES, MAX_FILENAME, MAX_CHUNKS). */
export const COURSE_CAPS = { filesPerPeer: 10, nameLength: 15, segments: 100, maxNp: 8 } as const;
/** The crowd preset's ranks: the course's caps on files and segments, more ranks than cores. */
export const CROWD_NP = { min: 11, max: 15 } as const;

/** Random files within the course's caps, shared among `minPeers..maxPeers` peers. */
function course(seed: number, preset = 'course', minPeers = 2, maxPeers = COURSE_CAPS.maxNp - 1): Scenario {
  const random = new Random(seed);
  const peerCount = random.int(minPeers, maxPeers);
  const peers = range(1, peerCount);
  const fileCount = random.int(2, 12);
  const names = new Set<string>();
  while (names.size < fileCount) {
    // Mostly the course's own style, sometimes any name up to the cap.
    const name =
      random.next() < 0.6
        ? `file${names.size + 1}`
        : Array.from({ length: random.int(1, COURSE_CAPS.nameLength) }, () => random.pick([...NAME_CHARACTERS])).join(
            '',
          );
    names.add(name);
  }
  const owns = new Map(peers.map((rank) => [rank, 0]));
  const wants = new Map(peers.map((rank) => [rank, 0]));
  const files: FilePlan[] = [];
  for (const name of names) {
    const free = peers.filter((rank) => owns.get(rank)! < COURSE_CAPS.filesPerPeer);
    if (free.length === 0) break;
    // At most peerCount - 1 owners: someone is left to want the file.
    const owners = random.sample(free, random.int(1, Math.min(3, free.length, peerCount - 1)));
    for (const rank of owners) owns.set(rank, owns.get(rank)! + 1);
    files.push({ name, segments: random.int(1, COURSE_CAPS.segments), owners, wanters: [] });
  }
  for (const file of files) {
    for (const rank of peers) {
      if (file.owners.includes(rank) || wants.get(rank)! >= COURSE_CAPS.filesPerPeer) continue;
      if (random.next() < 0.5) {
        file.wanters.push(rank);
        wants.set(rank, wants.get(rank)! + 1);
      }
    }
  }
  // At least one download, or the run proves nothing.
  if (files.every((file) => file.wanters.length === 0)) {
    const file = files.find((f) => f.owners.length < peerCount)!;
    file.wanters.push(peers.find((rank) => !file.owners.includes(rank))!);
  }
  return build({ preset, seed, peerCount, files, shuffle: random });
}

export const BIG = { files: 40, segments: 2000, np: 30 } as const;

function big(seed: number): Scenario {
  const random = new Random(seed);
  const peerCount = BIG.np - 1;
  const peers = range(1, peerCount);
  const files = range(1, BIG.files).map((i): FilePlan => {
    const owners = random.sample(peers, random.int(1, 2));
    const wanters = random.sample(
      peers.filter((rank) => !owners.includes(rank)),
      random.int(2, 4),
    );
    return { name: `file${i}`, segments: BIG.segments, owners, wanters };
  });
  return build({ preset: 'big', seed, peerCount, files, shuffle: random });
}

function nasty(seed: number): Scenario {
  const random = new Random(seed);
  const peerCount = 7;
  // As long as a name can be: client<R>_<name> takes the file system's whole 255 bytes.
  const long = `long-${'x'.repeat(242)}`;
  // Rank 6 owns nothing; ranks 1, 4 and 7 want nothing; "shared" is owned by every peer but its
  // one wanter, rank 6.
  const files: FilePlan[] = [
    { name: 'shared', segments: 40, owners: [1, 2, 3, 4, 5, 7], wanters: [6] },
    { name: 'empty', segments: 0, owners: [2], wanters: [3, 5, 6] },
    { name: 'one', segments: 1, owners: [3], wanters: [2, 6] },
    { name: 'UPPER', segments: 25, owners: [1], wanters: [5, 6], hashCase: 'upper' },
    { name: 'MiXeD.case', segments: 30, owners: [4, 5], wanters: [2, 3, 6], hashCase: 'mixed' },
    { name: long, segments: 7, owners: [1], wanters: [6] },
    { name: 'fișier-ü.txt', segments: 12, owners: [2], wanters: [5] },
    { name: '数据文件', segments: 9, owners: [4], wanters: [3, 6] },
    { name: '📦-box', segments: 5, owners: [3], wanters: [5] },
    { name: 'cafe\u0301', segments: 3, owners: [1], wanters: [2] }, // a decomposed "é"
    { name: '007', segments: 2, owners: [2], wanters: [6] }, // looks like a count
    { name: '0123456789abcdefABCDEF0123456789', segments: 4, owners: [4], wanters: [5] }, // like a hash
    { name: '-dash', segments: 6, owners: [5], wanters: [3] },
    { name: '.dot', segments: 8, owners: [3], wanters: [6] },
  ];
  const layouts = new Map<number, Layout>([
    [1, { eol: '\r\n' }],
    [2, { finalNewline: false }],
    [3, { separator: '\t', padding: true }],
    [4, { blankLines: true }],
    [5, { eol: '\r\n', finalNewline: false, separator: ' \t ', blankLines: true, padding: true }],
    [6, { eol: '\r\n', blankLines: true }],
    [7, { finalNewline: false, blankLines: true }],
  ]);
  return build({ preset: 'nasty', seed, peerCount, files, layouts, shuffle: random });
}

/**
 * A small swarm shaped for fault injection: "shared" has two owners (1, 2), so one can lie or
 * stall while the other serves; "lonely" has one owner (3), so its lies cannot be routed around;
 * "third" has two owners (4, 5). Rank 6 owns nothing.
 */
export const FAULTS = { sharedOwners: [1, 2], lonelyOwner: 3, np: 7 } as const;

function faults(seed: number): Scenario {
  const files: FilePlan[] = [
    { name: 'shared', segments: 60, owners: [1, 2], wanters: [3, 5, 6] },
    { name: 'lonely', segments: 40, owners: [3], wanters: [5, 6] },
    { name: 'third', segments: 30, owners: [4, 5], wanters: [1, 6] },
  ];
  return build({ preset: 'faults', seed, peerCount: FAULTS.np - 1, files });
}

/** The scenario of a preset and seed. Pure: the same arguments give the same scenario. */
export function generateScenario(preset: Preset, seed = 1): Scenario {
  if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 32 - 1)
    throw new RangeError(`seed ${seed} is not a 32-bit unsigned integer`);
  switch (preset) {
    case 'seed10':
      return seeds(preset, seed, 10);
    case 'seed14':
      return seeds(preset, seed, 14);
    case 'mixed15':
      return mixed15(seed);
    case 'course':
      return course(seed);
    case 'crowd':
      return course(seed, 'crowd', CROWD_NP.min - 1, CROWD_NP.max - 1);
    case 'big':
      return big(seed);
    case 'nasty':
      return nasty(seed);
    case 'faults':
      return faults(seed);
    default:
      throw new RangeError(`unknown preset ${String(preset)} (presets: ${PRESETS.join(', ')})`);
  }
}

// ---------------------------------------------------------------------------------------------
// What a run must produce

export interface ExpectedOutput {
  rank: number;
  file: string;
  /** client<rank>_<file> */
  name: string;
  hashes: readonly string[];
}

/** Every client<R>_<F> the run must write: one per peer and file it wants. */
export function expectedOutputs(scenario: Scenario): ExpectedOutput[] {
  const byName = new Map(scenario.files.map((file) => [file.name, file]));
  return scenario.peers.flatMap((peer) =>
    peer.wanted.map((file) => ({
      rank: peer.rank,
      file,
      name: `client${peer.rank}_${file}`,
      hashes: byName.get(file)!.hashes,
    })),
  );
}

/** The content of a client file: the hashes in order, one per line. */
export function outputText(hashes: readonly string[]): string {
  return hashes.map((hash) => `${hash}\n`).join('');
}

/** Segments the peers download in all: the sum over peers of their wanted files' segments. */
export function wantedSegments(scenario: Scenario): number {
  return scenario.files.reduce((total, file) => total + file.hashes.length * file.wanters.length, 0);
}

/** Writes in<R>.txt for every peer into `dir` (which must exist). */
export function writeInputs(peers: readonly { rank: number | string; text: string }[], dir: string): void {
  for (const peer of peers) writeFileSync(join(dir, `in${peer.rank}.txt`), peer.text);
}

// ---------------------------------------------------------------------------------------------
// Command line

const CLI_USAGE = `Usage: node --import tsx test/scenarios/generate.ts PRESET --out DIR [--seed N]
Writes in1.txt..in<N-1>.txt and scenario.json (np, and every file's hashes, owners and wanters)
into DIR, which must not hold in*.txt files yet. Presets: ${PRESETS.join(', ')}. Seed: default 1.`;

function cli(argv: string[]): number {
  let preset: string | undefined;
  let out: string | undefined;
  let seed = 1;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      console.log(CLI_USAGE);
      return 0;
    } else if (arg === '--out' || arg === '--seed') {
      const value = argv[++i];
      if (value === undefined) return usage(`${arg} needs a value`);
      if (arg === '--out') out = value;
      else if (/^\d+$/.test(value) && Number(value) <= 2 ** 32 - 1) seed = Number(value);
      else return usage(`--seed takes a whole number from 0 to ${2 ** 32 - 1}, not "${value}"`);
    } else if (!arg.startsWith('-') && preset === undefined) {
      preset = arg;
    } else {
      return usage(`unexpected argument "${arg}"`);
    }
  }
  if (preset === undefined || out === undefined) return usage('PRESET and --out DIR are required');
  if (!(PRESETS as readonly string[]).includes(preset)) return usage(`unknown preset "${preset}"`);
  const scenario = generateScenario(preset as Preset, seed);
  const dir = resolve(out);
  mkdirSync(dir, { recursive: true });
  const stale = readdirSync(dir).filter((name) => /^in\d+\.txt$/.test(name));
  if (stale.length > 0) {
    console.error(`generate: ${dir} already holds ${stale.length} in*.txt files; choose an empty folder`);
    return 1;
  }
  writeInputs(scenario.peers, dir);
  const summary = {
    preset: scenario.preset,
    seed: scenario.seed,
    np: scenario.np,
    wantedSegments: wantedSegments(scenario),
    files: scenario.files,
  };
  writeFileSync(join(dir, 'scenario.json'), JSON.stringify(summary) + '\n');
  console.log(
    `wrote ${scenario.peers.length} inputs (${scenario.files.length} files, ` +
      `${wantedSegments(scenario)} segments to move) to ${dir}; run: mpirun -np ${scenario.np} node dist/main.js`,
  );
  return 0;
}

function usage(message: string): number {
  console.error(`generate: ${message}\n${CLI_USAGE}`);
  return 2;
}

if (
  process.argv[1] !== undefined &&
  existsSync(process.argv[1]) &&
  resolve(process.argv[1]) === fileURLToPath(import.meta.url)
) {
  process.exitCode = cli(process.argv.slice(2));
}
