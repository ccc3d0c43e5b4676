import { CONTROL_CHARACTERS } from './file-name.js';

const MAX_SHOWN = 40;
const ESCAPED = new RegExp(`[${CONTROL_CHARACTERS}"\\\\]`, 'g');

/**
 * A word from an input file as it can be shown inside a one-line message: in double quotes,
 * with quotes, backslashes and control characters escaped, and cut short when very long.
 */
export function quote(text: string): string {
  let shown = text;
  let cut = '';
  if (text.length > MAX_SHOWN) {
    shown = text.slice(0, MAX_SHOWN);
    // Do not leave half of a surrogate pair behind.
    if (/[\uD800-\uDBFF]$/.test(shown)) shown = shown.slice(0, -1);
    cut = '...';
  }
  const escaped = shown.replace(ESCAPED, (c) =>
    c === '"' || c === '\\' ? `\\${c}` : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `"${escaped}"${cut}`;
}
