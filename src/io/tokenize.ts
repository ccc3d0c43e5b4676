/** One whitespace-separated word of a text and the 1-based line it is on. */
export interface Token {
  readonly text: string;
  readonly line: number;
}

// Lines end at "\n", "\r\n" or a lone "\r", so CRLF files and old Mac files number their lines as an
// editor shows them. Within a line, words are split at the rest of C's isspace(), as the course's
// scanf-based reader splits them: space, \t, \v, \f.
const LINE_END = /\r\n|\r|\n/;
const SEPARATORS = /[ \t\v\f]+/;

/**
 * Splits a text into words, remembering each word's line. Native splits rather than a loop over
 * characters: an input is read once, by code that has not run yet, and V8's interpreter takes
 * ~0.1 us a character (docs/decisions/006-cold-code-not-messages.md).
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const lines = text.split(LINE_END);
  for (let index = 0; index < lines.length; index++) {
    for (const word of lines[index]!.split(SEPARATORS)) {
      if (word !== '') tokens.push({ text: word, line: index + 1 });
    }
  }
  return tokens;
}
