import { testFixtureChecks } from '../helpers/checks.js';

testFixtureChecks(
  'gather-reduce.ts',
  [1, 2, 3],
  [
    'allgather-puts-each-rank-at-its-place',
    'allgather-writes-in-place-no-copy',
    'allgatherv-packs-or-places-by-displacements',
    'gather-fills-the-root-only',
    'gatherv-fills-the-root-only',
    'allreduce-applies-the-op-element-by-element',
    'allreduce-in-place-when-send-is-recv',
    'allgather-bytes-of-any-lengths',
    'bcast-bytes-of-any-length-from-every-root',
    'ibarrier-completes-once-every-rank-entered',
    'ibcast-delivers-into-the-buffer',
    'collective-arguments-are-checked',
  ],
);
