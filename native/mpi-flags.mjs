#!/usr/bin/env node
// Prints MPI's compile or link flags, asked of the MPI compiler wrapper, for binding.gyp.
// The wrapper is $MPICC, else `mpicc`. Open MPI answers `--showme:compile` / `--showme:link`;
// MPICH answers `-show` with the whole command line.
import { execFileSync } from 'node:child_process';

const wanted = process.argv[2];
if (wanted !== '--cflags' && wanted !== '--libs') {
  console.error('usage: mpi-flags.mjs --cflags|--libs');
  process.exit(2);
}
const wrapper = process.env.MPICC || 'mpicc';

function ask(args) {
  try {
    return execFileSync(wrapper, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

let flags = ask([wanted === '--cflags' ? '--showme:compile' : '--showme:link']);
if (flags === null) {
  const command = ask(['-show']);
  if (command === null) {
    console.error(
      `mpi-flags: cannot run the MPI compiler wrapper "${wrapper}". ` +
        'Install Open MPI (apt-get install openmpi-bin libopenmpi-dev) or MPICH, or set MPICC.',
    );
    process.exit(1);
  }
  const words = command.split(/\s+/).slice(1);
  const isCompileFlag = (w) => w.startsWith('-I') || w.startsWith('-D');
  const isLinkFlag = (w) => w.startsWith('-L') || w.startsWith('-l') || w.startsWith('-Wl,');
  flags = words.filter(wanted === '--cflags' ? isCompileFlag : isLinkFlag).join(' ');
}
// Open MPI's link flags do not carry an rpath; add one so the addon finds libmpi.
if (wanted === '--libs') {
  const rpaths = flags
    .split(/\s+/)
    .filter((w) => w.startsWith('-L'))
    .map((w) => `-Wl,-rpath,${w.slice(2)}`);
  flags = [flags, ...rpaths].join(' ');
}
console.log(flags);
