import { testFixtureChecks } from '../helpers/checks.js';

testFixtureChecks(
  'split.ts',
  [1, 3, 4],
  [
    'split-type-shared-groups-the-ranks-of-this-machine',
    'split-type-key-orders-the-ranks',
    'split-type-undefined-gives-null',
    'split-by-color-makes-one-group-per-color',
    'split-key-orders-the-group',
    'split-undefined-color-gives-null',
    'split-communicators-have-their-own-message-space',
    'split-communicators-return-errors',
    'freed-split-communicators-are-refused',
    'split-arguments-are-checked',
  ],
);
