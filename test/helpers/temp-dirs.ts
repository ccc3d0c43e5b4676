/**
 * Temporary folders for one test file, all removed once its tests are done:
 *
 *   const freshDir = tempDirs('output');
 *   test('...', (t) => { const dir = freshDir(); ... });
 */
import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Call at the top of a test file: returns the function that makes a fresh folder. */
export function tempDirs(label: string): () => string {
  const created: string[] = [];
  test.after.always(() => {
    for (const dir of created) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), `mpitorrent-${label}-`));
    created.push(dir);
    return dir;
  };
}
