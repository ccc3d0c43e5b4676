import test from 'ava';

import { formatBytes, parseByteSize } from '../../src/io/byte-size.js';

test('sizes are read as bytes or with a binary suffix, K, M or G, as KiB or KB alike', (t) => {
  t.is(parseByteSize('65536'), 65536);
  t.is(parseByteSize('16K'), 16 * 1024);
  t.is(parseByteSize('4m'), 4 * 1024 ** 2);
  t.is(parseByteSize('4MiB'), 4 * 1024 ** 2);
  t.is(parseByteSize('2 GB'), 2 * 1024 ** 3);
  t.is(parseByteSize(' 0 '), 0);
});

test('anything else is not a size', (t) => {
  for (const text of ['', 'M', '1.5M', '-1', '4T', '4 MiBs', '0x10', `${2 ** 60}G`]) {
    t.is(parseByteSize(text), undefined, text);
  }
});

test('bytes are written in binary units, with three significant digits below ten', (t) => {
  t.is(formatBytes(0), '0 B');
  t.is(formatBytes(1023), '1023 B');
  t.is(formatBytes(1536), '1.50 KiB');
  t.is(formatBytes(20 * 1024), '20.0 KiB');
  t.is(formatBytes(3 * 1024 ** 3), '3.00 GiB');
});
