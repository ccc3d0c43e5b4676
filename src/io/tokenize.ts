/** One whitespace-separated word of a text and the 1-based line it is on. */
export interface Token {
  readonly text: string;
  readonly line: number;
}

// The separators of C's isspace(), as the course's scanf-based reader uses: space, \t \n \v \f \r.
function isSeparator(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d);
}

/**
 * Splits a text into words, remembering each word's line. Lines end at "\n", "\r\n" or a lone
 * "\r", so CRLF files and old Mac files number their lines as an editor shows them.
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (!isSeparator(code)) {
      if (start < 0) start = i;
      continue;
    }
    if (start >= 0) {
      tokens.push({ text: text.slice(start, i), line });
      start = -1;
    }
    if (code === 0x0a || (code === 0x0d && text.charCodeAt(i + 1) !== 0x0a)) line++;
  }
  if (start >= 0) tokens.push({ text: text.slice(start), line });
  return tokens;
}
