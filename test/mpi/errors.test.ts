import { testFixtureChecks } from '../helpers/checks.js';

testFixtureChecks(
  'errors.ts',
  [2],
  [
    'truncate-recv',
    'truncate-mrecv',
    'truncate-irecv-waitSync',
    'truncate-irecv-wait-promise-rejects',
    'bad-rank',
    'bad-tag',
    'tags-up-to-the-upper-bound',
    'proc-null-is-not-an-error',
    'bad-arguments',
    'still-works-after-errors',
  ],
);
