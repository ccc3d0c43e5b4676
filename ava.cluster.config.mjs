// `npm run test:cluster` and `npm run test:slurm`: tests that need root and bring up namespaces or
// daemons, kept out of `npm test`. Same settings as package.json's "ava", other files.
import { readFileSync } from 'node:fs';

const { ava } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

// One file at a time: they share the namespaces' names, the test range and Slurm's ports.
export default { ...ava, files: ['test/cluster/**/*.test.ts', 'test/slurm/**/*.test.ts'], concurrency: 1 };
