import { testFixtureChecks } from '../helpers/checks.js';

testFixtureChecks(
  'probe.ts',
  [1, 3],
  [
    'probe-then-recv',
    'iprobe',
    'mprobe-reserves-the-message',
    'improbe-nothing-there',
    'waitMessage-and-timeout',
    'receive-into-the-callers-buffer',
  ],
);
