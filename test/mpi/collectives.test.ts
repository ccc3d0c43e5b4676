import { testFixtureChecks } from '../helpers/checks.js';

testFixtureChecks(
  'collectives.ts',
  [1, 3],
  [
    'bcast-from-every-root',
    'barrier-waits-for-the-last-rank',
    'dup-has-its-own-message-space',
    'world-and-self-cannot-be-freed',
    'comm-self',
  ],
);
