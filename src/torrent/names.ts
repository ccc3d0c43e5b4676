/** Which names a dataset's files and folders may have, in a source tree and in a `.torrent`. */

// C0 controls and DEL: they garble terminals and logs, and no tool quotes them the same way.
const CONTROL = /[\u0000-\u001f\u007f]/;

/** What is wrong with one path component, or undefined when it is a fine name. */
export function nameProblem(name: string): string | undefined {
  if (name === '') return 'an empty name';
  if (name === '.' || name === '..') return `the name "${name}"`;
  if (name.includes('/')) return 'a name with "/"';
  if (CONTROL.test(name)) return `a name with a control character (${JSON.stringify(name)})`;
  return undefined;
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The bytes as UTF-8 text, or undefined when they are not valid UTF-8. */
export function utf8OrUndefined(bytes: Uint8Array): string | undefined {
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Bytewise order of the names' UTF-8, the order of BEP 52's file tree. */
export function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
