import { testFixtureChecks } from '../helpers/checks.js';

testFixtureChecks(
  'nonblocking.ts',
  [1, 3],
  [
    'irecv-test-then-waitSync',
    'irecv-wait-promise',
    'isend-irecv-1mib-wait-promise',
    'cancel-unmatched-irecv',
    'recvAsync-after-send',
    'recvAsync-before-send',
    'recvAsync-tags-resolve-their-own',
    'recvAsync-any-source',
  ],
);
