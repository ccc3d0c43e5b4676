#!/usr/bin/env node
// Bundles the program's entries into one file each, after tsc has built dist/
// (`npm run build:ts`). A thread that loads one file instead of 15 to 40 modules starts faster:
// docs/decisions/003-bundles-with-esbuild.md has the numbers. Every thread of an MPI job runs a
// bundle: the course swarm and the stage command have bundles of their own, so neither parses
// the other's own code (test/e2e/startup-budget.test.ts checks).
//   dist/main.js                   the entry, ESM (`node dist/main.js` in a "type": "module"
//                                  package): runs dist/cli.cjs, or a command's bundle
//                                  (commands/registry.ts), with V8's code cache (one per role:
//                                  <bundle>.tracker.v8-cache, .peer.v8-cache); tsc's
//                                  dist/main.js is replaced, every other file of tsc's stays
//                                  (the library, dist/mpi/index.js, is not bundled; nor are
//                                  create and report, which run once, without MPI)
//   dist/cli.cjs                   the course swarm (src/cli.ts), CommonJS
//   dist/peer/download.worker.cjs  the course's workers, CommonJS: a worker thread then starts
//   dist/peer/upload.worker.cjs    without Node's ESM loader, which costs it ~6 ms of CPU
//   dist/peer/cached-worker.cjs    every peer worker's entry: runs its bundle with V8's code
//                                  cache (<bundle>.v8-cache, written by the first runs)
//   dist/commands/stage.cjs        the stage command (src/commands/stage.ts), CommonJS
//   dist/stage/download.worker.cjs the stage's workers (through cached-worker.cjs too), with
//   dist/stage/upload.worker.cjs   the destination on disk as their store
//   dist/stage/seed.worker.cjs     the stage's seeding and hashing pools' workers, started
//   dist/torrent/hash.worker.cjs   directly (they compile little, then hash); create, unbundled,
//                                  starts tsc's hash.worker.js
// Built from src/ (not from tsc's output, which this replaces), with tsconfig.json's settings.
// Running tsc alone afterwards gives back tsc's dist/main.js, which starts tsc's .js workers.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..'); // this file is in src/launch/
const src = path.join(root, 'src');
const dist = path.join(root, 'dist');

/**
 * Each module's `import.meta.url` is made the URL its own file has in tsc's dist/, and its
 * `import.meta.dirname` that file's folder, so that paths relative to them (the addon at
 * ../../build/Release, the workers next to peer.js) stay right inside a bundle that lives
 * elsewhere in dist/.
 */
function moduleUrls(outfile, format) {
  return {
    name: 'module-urls',
    setup(builder) {
      builder.onLoad({ filter: /\.ts$/ }, async ({ path: file }) => {
        let contents = await readFile(file, 'utf8');
        const compiled = path.join(dist, path.relative(src, file)).replace(/\.ts$/, '.js');
        // A path from the bundle's folder to one in tsc's dist/, with forward slashes.
        const fromBundle = (to) => path.relative(path.dirname(outfile), to).split(path.sep).join('/');
        if (contents.includes('import.meta.url')) {
          const relative = JSON.stringify(fromBundle(compiled));
          const url =
            format === 'esm'
              ? `new URL(${relative}, import.meta.url).href`
              : `require('node:url').pathToFileURL(require('node:path').join(__dirname, ${relative})).href`;
          contents = contents.replaceAll('import.meta.url', `(${url})`);
        }
        if (contents.includes('import.meta.dirname')) {
          const relative = fromBundle(path.dirname(compiled));
          // Not normalized in ESM (no node:path there): `dir/../x` names the same folder.
          const dir =
            format === 'esm'
              ? relative === ''
                ? 'import.meta.dirname'
                : `import.meta.dirname + ${JSON.stringify(`/${relative}`)}`
              : `require('node:path').join(__dirname, ${JSON.stringify(relative)})`;
          contents = contents.replaceAll('import.meta.dirname', `(${dir})`);
        }
        return { contents, loader: 'ts' };
      });
    },
  };
}

async function bundle(entry, outfile, format, external = []) {
  await build({
    entryPoints: [path.join(src, entry)],
    outfile: path.join(dist, outfile),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format,
    tsconfig: path.join(root, 'tsconfig.json'),
    define: { MPITORRENT_BUNDLED: 'true' },
    external,
    plugins: [moduleUrls(path.join(dist, outfile), format)],
    logLevel: 'warning',
  });
  await requireAscii(path.join(dist, outfile));
}

/**
 * esbuild escapes every character beyond ASCII in the code (charset: 'ascii'), but not in the
 * comments it keeps. Every thread reads its bundle as UTF-8, and V8 decodes ASCII at full speed
 * only up to the first character beyond it: keep the comments that reach a bundle ASCII.
 */
async function requireAscii(file) {
  const lines = (await readFile(file, 'utf8')).split('\n');
  // eslint-disable-next-line no-control-regex -- beyond ASCII: the range starts at NUL on purpose
  const at = lines.findIndex((line) => /[^\x00-\x7f]/.test(line));
  if (at >= 0) {
    throw new Error(
      `${path.relative(root, file)} line ${at + 1} is not ASCII (a comment in src/?): ${lines[at].trim()}`,
    );
  }
}

await Promise.all([
  // The entry runs the CLI's bundle; tsc's cli.js, which it imports unbundled, stays out.
  bundle('main.ts', 'main.js', 'esm', ['./cli.js']),
  bundle('cli.ts', 'cli.cjs', 'cjs'),
  bundle('peer/download.worker.ts', 'peer/download.worker.cjs', 'cjs'),
  bundle('peer/upload.worker.ts', 'peer/upload.worker.cjs', 'cjs'),
  bundle('peer/cached-worker.ts', 'peer/cached-worker.cjs', 'cjs'),
  bundle('commands/stage.ts', 'commands/stage.cjs', 'cjs'),
  bundle('stage/download.worker.ts', 'stage/download.worker.cjs', 'cjs'),
  bundle('stage/upload.worker.ts', 'stage/upload.worker.cjs', 'cjs'),
  bundle('stage/seed.worker.ts', 'stage/seed.worker.cjs', 'cjs'),
  bundle('torrent/hash.worker.ts', 'torrent/hash.worker.cjs', 'cjs'),
]);
