import { testFixtureChecks } from '../helpers/checks.js';

testFixtureChecks(
  'environment.ts',
  [2],
  [
    'second-init-is-harmless',
    'init-skips-absent-fabrics',
    'library-facts',
    'finalize-rejects-pending-receives',
    'init-and-finalize-keep-the-timer-slack',
    'calls-after-finalize-throw',
  ],
);
