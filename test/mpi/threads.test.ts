import { testFixtureChecks } from '../helpers/checks.js';

testFixtureChecks('threads.ts', [2, 3], ['any-source-worker-received-all', 'by-source-worker-received-all']);
