import { testFixtureChecks } from '../helpers/checks.js';

testFixtureChecks(
  'p2p.ts',
  [1, 2, 3],
  ['token-ring', 'sendrecv-ring', 'any-source-any-tag', 'tags-kept-apart', 'zero-length', 'views-with-offsets'],
);
