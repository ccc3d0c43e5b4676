/**
 * The end-to-end tests' own tools, without MPI: the scenario generator keeps its promises, and
 * the scenario checker notices every kind of wrong result.
 */
import test from 'ava';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { parseInput } from '../../src/io/input.js';
import { checkScenarioOutputs, freshDir, ownLines, removeDir } from '../helpers/scenario.js';
import {
  COURSE_CAPS,
  CROWD_NP,
  expectedOutputs,
  generateScenario,
  outputText,
  PRESETS,
  renderInput,
  validateScenario,
  wantedSegments,
  writeInputs,
  type Scenario,
} from '../scenarios/generate.js';

test('every preset is valid, and the same seed gives the same scenario', (t) => {
  for (const preset of PRESETS) {
    for (const seed of [1, 2, 3]) {
      const scenario = generateScenario(preset, seed);
      t.notThrows(() => validateScenario(scenario), `${preset} ${seed}`);
      t.deepEqual(generateScenario(preset, seed), scenario, `${preset} ${seed} is deterministic`);
      t.true(wantedSegments(scenario) > 0, `${preset} ${seed} moves something`);
    }
    t.notDeepEqual(
      generateScenario(preset, 1).files.map((file) => file.hashes),
      generateScenario(preset, 2).files.map((file) => file.hashes),
      `${preset}: hashes depend on the seed`,
    );
  }
});

test("every input parses (with the project's parser) into what the scenario says", (t) => {
  for (const preset of PRESETS) {
    const scenario = generateScenario(preset, 1);
    const byName = new Map(scenario.files.map((file) => [file.name, file]));
    for (const peer of scenario.peers) {
      const input = parseInput(peer.text, `in${peer.rank}.txt`);
      t.deepEqual(
        input.owned.map((file) => file.name),
        peer.owned,
        `${preset} rank ${peer.rank}`,
      );
      t.deepEqual(
        input.wanted.map((file) => file.name),
        peer.wanted,
        `${preset} rank ${peer.rank}`,
      );
      for (const owned of input.owned) t.deepEqual(owned.hashes, byName.get(owned.name)!.hashes);
      for (const name of peer.owned) t.true(byName.get(name)!.owners.includes(peer.rank));
      for (const name of peer.wanted) t.true(byName.get(name)!.wanters.includes(peer.rank));
    }
  }
});

test('preset shapes', (t) => {
  const seed10 = generateScenario('seed10', 1);
  t.is(seed10.np, 12);
  t.deepEqual(
    seed10.files.map((file) => [file.hashes.length, file.owners, file.wanters.length]),
    [
      [100, [1], 10],
      [100, [1], 10],
      [100, [1], 10],
    ],
  );
  t.is(generateScenario('seed14', 1).np, 16);
  t.true(generateScenario('seed14', 1).files.every((file) => file.wanters.length === 14));

  const mixed = generateScenario('mixed15', 1);
  t.is(mixed.np, 16);
  t.is(mixed.files.length, 6);
  t.true(
    mixed.files.some((file) => file.owners.length > 1),
    'some files have several owners',
  );
  t.true(
    mixed.peers.some((peer) => peer.owned.length > 0 && peer.wanted.length > 0),
    'some peers own and want',
  );

  const big = generateScenario('big', 1);
  t.is(big.np, 30);
  t.is(big.files.length, 40);
  t.true(
    big.files.every((file) => file.hashes.length === 2000 && file.wanters.length >= 2 && file.wanters.length <= 4),
  );
});

test("course and crowd scenarios stay within the course's caps (crowd: np 11..15)", (t) => {
  const npRange = { course: [3, COURSE_CAPS.maxNp], crowd: [CROWD_NP.min, CROWD_NP.max] } as const;
  for (let seed = 0; seed < 400; seed++) {
    const preset = seed % 2 === 0 ? 'course' : 'crowd';
    const scenario = generateScenario(preset, seed);
    const [minNp, maxNp] = npRange[preset];
    t.true(scenario.np >= minNp && scenario.np <= maxNp, `${preset} np ${scenario.np}`);
    for (const peer of scenario.peers) {
      t.true(peer.owned.length <= COURSE_CAPS.filesPerPeer && peer.wanted.length <= COURSE_CAPS.filesPerPeer);
    }
    for (const file of scenario.files) {
      t.true(file.name.length <= COURSE_CAPS.nameLength, file.name);
      t.true(file.hashes.length >= 1 && file.hashes.length <= COURSE_CAPS.segments);
      t.true(/^[0-9a-f]{32}$/.test(file.hashes[0]!));
    }
  }
});

test('nasty is as awkward as promised', (t) => {
  const scenario = generateScenario('nasty', 1);
  const texts = scenario.peers.map((peer) => peer.text);
  t.true(
    texts.some((text) => text.includes('\r\n')),
    'CRLF',
  );
  t.true(
    texts.some((text) => !/[\r\n]$/.test(text)),
    'no final newline',
  );
  t.true(
    texts.some((text) => text.includes('\t')),
    'tabs',
  );
  t.true(
    texts.some((text) => /\n[ \t]*\r?\n/.test(text)),
    'blank lines',
  );
  const names = scenario.files.map((file) => file.name);
  t.true(
    names.some((name) => name.length >= 200),
    'a long name',
  );
  t.true(
    // eslint-disable-next-line no-control-regex -- beyond ASCII: the range starts at NUL on purpose
    names.some((name) => /[^\x00-\x7f]/.test(name)),
    'a Unicode name',
  );
  const sizes = scenario.files.map((file) => file.hashes.length);
  t.true(sizes.includes(0) && sizes.includes(1), 'files of 0 and 1 segments');
  t.true(
    scenario.peers.some((peer) => peer.wanted.length === 0),
    'a peer wanting nothing',
  );
  t.true(
    scenario.peers.some((peer) => peer.owned.length === 0),
    'a peer owning nothing',
  );
  t.true(
    scenario.files.some((file) => file.wanters.length === 1 && file.owners.length === scenario.peers.length - 1),
    'a file owned by every other peer',
  );
  const hashes = scenario.files.flatMap((file) => file.hashes);
  t.true(hashes.some((hash) => /[A-F]/.test(hash)) && hashes.some((hash) => /[a-f]/.test(hash)), 'both cases');
});

test('renderInput layouts', (t) => {
  const owned = [{ name: 'f', hashes: ['a'.repeat(32)] }];
  t.is(renderInput(owned, ['g']), `1\nf 1\n${'a'.repeat(32)}\n1\ng\n`);
  t.is(
    renderInput(owned, ['g'], { eol: '\r\n', finalNewline: false, separator: '\t' }),
    `1\r\nf\t1\r\n${'a'.repeat(32)}\r\n1\r\ng`,
  );
  t.is(renderInput([], []), '0\n0\n');
});

test('the checker accepts a right result and names every kind of wrong one', (t) => {
  const scenario: Scenario = generateScenario('course', 1);
  const dir = freshDir('checker');
  t.teardown(() => removeDir(dir));
  writeInputs(scenario.peers, dir);
  const outputs = expectedOutputs(scenario);
  t.true(outputs.length >= 2);
  for (const output of outputs) writeFileSync(join(dir, output.name), outputText(output.hashes));
  t.deepEqual(checkScenarioOutputs(scenario, dir), []);

  const [first, second] = outputs as [(typeof outputs)[0], (typeof outputs)[0]];
  writeFileSync(join(dir, `.${first.name}.123.abc.tmp`), '');
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'sub', 'stray'), '');
  writeFileSync(join(dir, first.name), outputText([...first.hashes].reverse()));
  writeFileSync(join(dir, second.name), outputText(second.hashes).trimEnd());
  writeFileSync(join(dir, 'in1.txt'), scenario.peers[0]!.text + ' ');
  const problems = checkScenarioOutputs(scenario, dir);
  t.true(problems.includes('in1.txt was changed'), problems.join('\n'));
  t.true(
    problems.some((p) => p.startsWith(`${first.name} differs: line 1:`)),
    problems.join('\n'),
  );
  t.true(
    problems.some((p) => p.startsWith(`${second.name} differs:`)),
    'a missing final newline is a difference',
  );
  t.true(problems.includes(`unexpected file ${JSON.stringify(`.${first.name}.123.abc.tmp`)}`), problems.join('\n'));
  t.true(problems.includes('unexpected file "sub/stray"'), problems.join('\n'));
  t.false(
    checkScenarioOutputs(scenario, dir, { compare: 'diff-w' }).some((p) => p.startsWith(`${second.name}`)),
    'diff -w ignores a missing final newline',
  );
});

test("ownLines drops mpirun's banners and notices only", (t) => {
  const stderr = [
    'rank 3: in3.txt line 5: wants ghost, which no peer owns',
    '-'.repeat(74),
    'MPI_ABORT was invoked on rank 0 in communicator MPI_COMM_WORLD',
    '',
    '-'.repeat(74),
    '[vm:28299] [[629,0],0] ORTE_ERROR_LOG: Data unpack would read past end of buffer in file x.c at line 501',
    'rank 1 (download worker): warning: something',
    '',
  ].join('\n');
  t.deepEqual(ownLines(stderr), [
    'rank 3: in3.txt line 5: wants ghost, which no peer owns',
    'rank 1 (download worker): warning: something',
  ]);
});
