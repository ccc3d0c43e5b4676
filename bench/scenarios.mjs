// Scenario folders of bench/swarm.mjs and bench/startup.mjs: generating and writing their
// inputs, a fresh working copy for each run, and checking every output a run must write.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { fail, root, run } from './lib.mjs';

/** A scenario folder: in<R>.txt for R = 1..np-1, and out<n>.txt for the course's tests. */
export function peerCount(folder) {
  let count = 0;
  while (existsSync(path.join(folder, `in${count + 1}.txt`))) count += 1;
  return count;
}

/** Writes a scenario of the generator's presets (test/scenarios/generate.ts) into `folder`. */
export function generatePreset(preset, folder, seed = 1) {
  rmSync(folder, { recursive: true, force: true });
  const generator = path.join(root, 'test', 'scenarios', 'generate.ts');
  const result = run(process.execPath, ['--import', 'tsx', generator, preset, '--out', folder, '--seed', String(seed)]);
  if (!result.ok) fail(`generating ${preset} failed (${result.reason}):\n${result.stderr}`);
}

/** The text of an in<R>.txt: owned files with their hashes, then wanted names. */
export function inputText(owned, wanted) {
  const lines = [String(owned.length)];
  for (const file of owned) lines.push(`${file.name} ${file.hashes.length}`, ...file.hashes);
  lines.push(String(wanted.length), ...wanted);
  return lines.join('\n') + '\n';
}

export const segmentHash = (label, file, segment) =>
  createHash('md5').update(`${label}:${file}:${segment}`).digest('hex');

/** Writes the inputs of `peers` ([{owned: [{name, hashes}], wanted: [names]}], rank 1 first). */
export function writeInputs(folder, peers) {
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  peers.forEach((peer, index) =>
    writeFileSync(path.join(folder, `in${index + 1}.txt`), inputText(peer.owned, peer.wanted)),
  );
}

/** Start and stop only: `peers` peers owning one segment each and wanting nothing. */
export function writeStartupOnly(folder, peers) {
  writeInputs(
    folder,
    Array.from({ length: peers }, (_, i) => ({
      owned: [{ name: `idle${i + 1}`, hashes: [segmentHash('startup', i, 0)] }],
      wanted: [],
    })),
  );
}

/** A fresh working folder holding the scenario's inputs (outputs must not exist before a run). */
export function freshCopy(folder) {
  const work = mkdtempSync(path.join(os.tmpdir(), 'mpitorrent-bench-'));
  for (let rank = 1; rank <= peerCount(folder); rank++) {
    copyFileSync(path.join(folder, `in${rank}.txt`), path.join(work, `in${rank}.txt`));
  }
  return work;
}

/** Parses an in<R>.txt the way the course's checker does (whitespace-separated tokens). */
function parseInput(file) {
  const tokens = readFileSync(file, 'utf8')
    .split(/\s+/)
    .filter((token) => token !== '');
  let at = 0;
  const take = () => {
    if (at >= tokens.length) throw new Error(`${file}: unexpected end`);
    return tokens[at++];
  };
  const owned = new Map();
  for (let files = Number(take()); files > 0; files--) {
    const name = take();
    const hashes = [];
    for (let count = Number(take()); count > 0; count--) hashes.push(take());
    owned.set(name, hashes);
  }
  const wanted = [];
  for (let count = Number(take()); count > 0; count--) wanted.push(take());
  return { owned, wanted };
}

/**
 * What a run must write: for every peer R and wanted file F, client<R>_<F> with F's hashes in
 * order, one a line. The hashes come from out<n>.txt for a file named file<n> when the folder
 * has it (the course's tests), else from an owner's input.
 */
export function expectedOutputs(folder) {
  const inputs = [];
  for (let rank = 1; rank <= peerCount(folder); rank++)
    inputs.push({ rank, ...parseInput(path.join(folder, `in${rank}.txt`)) });
  const ownedHashes = (name) => inputs.find((input) => input.owned.has(name))?.owned.get(name);
  const expected = [];
  for (const { rank, wanted } of inputs) {
    for (const name of wanted) {
      const number = /^file(\d+)$/.exec(name)?.[1];
      const out = number === undefined ? undefined : path.join(folder, `out${number}.txt`);
      const hashes =
        out && existsSync(out)
          ? readFileSync(out, 'utf8')
              .split('\n')
              .map((line) => line.trim())
              .filter((line) => line !== '')
          : ownedHashes(name);
      if (hashes === undefined) throw new Error(`${folder}: rank ${rank} wants ${name}, which nobody owns`);
      expected.push({ name: `client${rank}_${name}`, hashes });
    }
  }
  return expected;
}

/** Problems with a run's outputs in `work` (empty when all is right); like `diff -w` per line. */
export function verifyOutputs(work, expected) {
  const problems = [];
  for (const { name, hashes } of expected) {
    const file = path.join(work, name);
    if (!existsSync(file)) {
      problems.push(`${name} missing`);
      continue;
    }
    const got = readFileSync(file, 'utf8')
      .split('\n')
      .map((line) => line.replace(/\s+/g, ''))
      .filter((line) => line !== '');
    const want = hashes.map((hash) => hash.replace(/\s+/g, ''));
    if (got.length !== want.length || got.some((line, i) => line !== want[i])) problems.push(`${name} differs`);
  }
  return problems;
}
