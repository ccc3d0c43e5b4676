import { testFixtureChecks } from '../helpers/checks.js';

testFixtureChecks('large.ts', [1, 3], ['64mib-recv', '64mib-recv-async']);
