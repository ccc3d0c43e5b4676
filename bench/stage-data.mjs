// The datasets of `npm run bench:stage` (bench/stage.mjs) and the check of every destination.
// A dataset is random bytes, made once into bench/build/stage-data/ (git-ignored) and kept while
// its description is unchanged; a copy is right when its tree (paths, types, sizes) and every
// byte equal SOURCE's.
import { randomFillSync } from 'node:crypto';
import {
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

/** The datasets of a full run and of --quick (the same shapes, smaller). */
export const DATASETS = {
  full: [
    { name: 'file-1GiB', about: 'one 1 GiB file', kind: 'file', fileBytes: GiB, files: 1 },
    { name: '1000x1MiB', about: '1000 files of 1 MiB, 100 per folder', kind: 'folder', fileBytes: MiB, files: 1000 },
    {
      name: '20000x4KiB',
      about: '20 000 files of 4 KiB, 100 per folder',
      kind: 'folder',
      fileBytes: 4 * KiB,
      files: 20_000,
    },
  ],
  quick: [
    { name: 'file-128MiB', about: 'one 128 MiB file', kind: 'file', fileBytes: 128 * MiB, files: 1 },
    { name: '100x1MiB', about: '100 files of 1 MiB, 100 per folder', kind: 'folder', fileBytes: MiB, files: 100 },
    {
      name: '2000x4KiB',
      about: '2000 files of 4 KiB, 100 per folder',
      kind: 'folder',
      fileBytes: 4 * KiB,
      files: 2000,
    },
  ],
};

const FILES_PER_FOLDER = 100;
const FOLDERS_PER_FOLDER = 10;

/** Where file `index` of a folder dataset goes: top/leaf/file, 100 files a leaf, 10 leaves a top. */
function nestedPath(index) {
  const leaf = Math.floor(index / FILES_PER_FOLDER);
  const top = Math.floor(leaf / FOLDERS_PER_FOLDER);
  return path.join(`dir-${top}`, `sub-${leaf % FOLDERS_PER_FOLDER}`, `file-${index}.bin`);
}

function writeRandomFile(file, bytes, buffer) {
  const fd = openSync(file, 'w');
  try {
    for (let written = 0; written < bytes;) {
      const step = Math.min(buffer.length, bytes - written);
      randomFillSync(buffer, 0, step);
      writeSync(fd, buffer, 0, step);
      written += step;
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Makes the dataset under `dataRoot` unless it is there already, described as now (the
 * description is kept next to it: <name>.json). Returns its SOURCE path and total bytes.
 */
export function prepareDataset(dataset, dataRoot) {
  const source = path.join(dataRoot, dataset.kind === 'file' ? `${dataset.name}.bin` : dataset.name);
  const descriptionFile = path.join(dataRoot, `${dataset.name}.json`);
  const description = JSON.stringify(dataset);
  const made =
    existsSync(source) && existsSync(descriptionFile) && readFileSync(descriptionFile, 'utf8') === description;
  if (!made) {
    rmSync(source, { recursive: true, force: true });
    rmSync(descriptionFile, { force: true });
    mkdirSync(dataRoot, { recursive: true });
    const buffer = Buffer.allocUnsafe(Math.min(dataset.fileBytes, 16 * MiB));
    if (dataset.kind === 'file') {
      writeRandomFile(source, dataset.fileBytes, buffer);
    } else {
      for (let index = 0; index < dataset.files; index++) {
        const file = path.join(source, nestedPath(index));
        mkdirSync(path.dirname(file), { recursive: true });
        writeRandomFile(file, dataset.fileBytes, buffer);
      }
    }
    writeFileSync(descriptionFile, description);
  }
  return { source, bytes: dataset.fileBytes * dataset.files, made: !made };
}

/** Every entry under `root` (root itself: path ''), sorted: {path, type, size}. */
export function listTree(root) {
  const entries = [];
  const visit = (relative) => {
    const info = lstatSync(path.join(root, relative));
    if (info.isFile()) {
      entries.push({ path: relative, type: 'file', size: info.size });
    } else if (info.isDirectory()) {
      entries.push({ path: relative, type: 'folder', size: 0 });
      for (const name of readdirSync(path.join(root, relative)).sort()) visit(path.join(relative, name));
    } else {
      entries.push({ path: relative, type: info.isSymbolicLink() ? 'symlink' : 'other', size: info.size });
    }
  };
  visit('');
  return entries;
}

const CHUNK = 8 * MiB;

/** Reads exactly `length` bytes at `position` (a short read means the file shrank). */
function readExactly(fd, buffer, length, position) {
  let done = 0;
  while (done < length) {
    const got = readSync(fd, buffer, done, length - done, position + done);
    if (got === 0) break;
    done += got;
  }
  return done;
}

/**
 * What is wrong with the copies of `source` at `dests` (at most `limit` problems): each tree
 * must list exactly `entries` (listTree(source)), and every file must hold SOURCE's bytes.
 * SOURCE is read once, each copy once.
 */
export function checkCopies(source, entries, dests, limit = 5) {
  const problems = [];
  const expected = entries.map((entry) => `${entry.type} ${entry.path} ${entry.size}`);
  for (const dest of dests) {
    if (!existsSync(dest)) {
      problems.push(`${dest} is missing`);
      continue;
    }
    const found = listTree(dest).map((entry) => `${entry.type} ${entry.path} ${entry.size}`);
    const foundSet = new Set(found);
    const expectedSet = new Set(expected);
    const missing = expected.filter((line) => !foundSet.has(line));
    const extra = found.filter((line) => !expectedSet.has(line));
    if (missing.length > 0 || extra.length > 0) {
      problems.push(
        `${dest}: ${missing.length} entries missing or of another size (${missing[0] ?? '-'}), ` +
          `${extra.length} unexpected (${extra[0] ?? '-'})`,
      );
    }
    if (problems.length >= limit) return problems;
  }
  if (problems.length > 0) return problems;
  const sourceBuffer = Buffer.allocUnsafe(CHUNK);
  const copyBuffer = Buffer.allocUnsafe(CHUNK);
  for (const entry of entries.filter((item) => item.type === 'file')) {
    const sourceFd = openSync(path.join(source, entry.path), 'r');
    const copyFds = dests.map((dest) => openSync(path.join(dest, entry.path), 'r'));
    try {
      const differing = new Set();
      for (let position = 0; position < entry.size; position += CHUNK) {
        const length = Math.min(CHUNK, entry.size - position);
        if (readExactly(sourceFd, sourceBuffer, length, position) !== length)
          throw new Error(`${entry.path} in SOURCE shrank`);
        for (const [index, fd] of copyFds.entries()) {
          if (differing.has(index)) continue;
          const got = readExactly(fd, copyBuffer, length, position);
          if (got !== length || !copyBuffer.subarray(0, length).equals(sourceBuffer.subarray(0, length)))
            differing.add(index);
        }
      }
      for (const index of differing) problems.push(`${path.join(dests[index], entry.path)} differs from SOURCE`);
    } finally {
      closeSync(sourceFd);
      for (const fd of copyFds) closeSync(fd);
    }
    if (problems.length >= limit) break;
  }
  return problems;
}

/** Reads every file of SOURCE once, so that the first job does not pay for the disk. */
export function warmUp(source, entries) {
  const buffer = Buffer.allocUnsafe(CHUNK);
  for (const entry of entries.filter((item) => item.type === 'file')) {
    const fd = openSync(path.join(source, entry.path), 'r');
    try {
      for (let position = 0; position < entry.size; position += CHUNK) readSync(fd, buffer, 0, CHUNK, position);
    } finally {
      closeSync(fd);
    }
  }
}
