/**
 * A peer's input file, `in<R>.txt`:
 *
 *   <number of owned files>
 *   <file name> <number of segments>     then that many 32-hex-character segment hashes
 *   ...                                  (repeated for each owned file)
 *   <number of wanted files>
 *   <file name>                          (that many)
 *
 * Read as whitespace-separated words, like the course's scanf-based reader, so line layout, CRLF,
 * tabs, blank lines and a missing final newline do not matter; each word keeps its line number
 * for messages. No limits on counts or name lengths. Every problem is an InputError.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unsafeFileNameReason } from './file-name.js';
import { describeFsError } from './fs-reason.js';
import { InputError } from './input-error.js';
import { quote } from './quote.js';
import { checkRank } from './rank.js';
import { segmentLabel } from './segment-label.js';
import { tokenize, type Token } from './tokenize.js';

export interface OwnedFile {
  name: string;
  /** The segment hashes in order, each exactly as written (case preserved). */
  hashes: string[];
  /** The line of the file's "name count" header. */
  line: number;
}

export interface WantedFile {
  name: string;
  line: number;
}

export interface PeerInput {
  /** The path shown in messages. */
  path: string;
  owned: OwnedFile[];
  wanted: WantedFile[];
}

const HASH = /^[0-9a-fA-F]{32}$/;
const COUNT = /^[0-9]+$/;

/** "in3.txt" for rank 3. */
export function inputFileName(rank: number): string {
  return `in${checkRank(rank)}.txt`;
}

/**
 * Reads and parses `<dir>/in<rank>.txt`. Messages show the path as `path.join(dir, name)`, so a
 * peer started in the input folder with dir "." reports plain "in3.txt".
 */
export function readInput(dir: string, rank: number): PeerInput {
  const path = join(dir, inputFileName(rank));
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(path, undefined, `cannot read: ${describeFsError(error)}`, { cause: error });
  }
  return parseInput(text, path);
}

/** Parses the text of an input file; `path` only names the file in messages. Pure. */
export function parseInput(text: string, path: string): PeerInput {
  return new InputParser(text, path).parse();
}

class InputParser {
  private readonly tokens: Token[];
  private next = 0;

  constructor(
    text: string,
    private readonly path: string,
  ) {
    // Editors on Windows may start a UTF-8 file with a byte order mark.
    this.tokens = tokenize(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  }

  parse(): PeerInput {
    if (this.tokens.length === 0) this.fail(undefined, 'empty file, expected the number of owned files');
    const owned = this.readOwnedFiles();
    const wanted = this.readWantedFiles(owned);
    return { path: this.path, owned, wanted };
  }

  private readOwnedFiles(): OwnedFile[] {
    const countToken = this.take(() => 'the number of owned files');
    const count = this.count(countToken, 'number of owned files');
    const owned: OwnedFile[] = [];
    const firstLines = new Map<string, number>();
    while (owned.length < count) {
      const nameToken = this.take(() => `${plural(count, 'owned file')}, found ${owned.length}`);
      const name = this.fileName(nameToken);
      const first = firstLines.get(name);
      if (first !== undefined) this.fail(nameToken.line, `${name} is listed twice as owned (first on line ${first})`);
      firstLines.set(name, nameToken.line);

      const hint = (): string => segmentCountHint(name, owned.at(-1), countToken.line);
      const segmentsToken = this.take(() => `the number of segments of ${name}${hint()}`);
      const segments = this.count(segmentsToken, `number of segments of ${name}`, hint);
      owned.push({ name, hashes: this.readHashes(name, nameToken.line, segments), line: nameToken.line });
    }
    return owned;
  }

  private readHashes(name: string, headerLine: number, count: number): string[] {
    const hashes: string[] = [];
    while (hashes.length < count) {
      const token = this.take(() => `${plural(count, 'hash', 'hashes')} of ${name}, found ${hashes.length}`);
      if (!HASH.test(token.text)) {
        // A number here usually means the header announced more segments than were listed.
        const hint = looksLikeCount(token.text)
          ? ` (line ${headerLine} announces ${plural(count, 'segment')} of ${name}, found ${plural(hashes.length, 'hash', 'hashes')})`
          : '';
        this.fail(
          token.line,
          `hash ${quote(token.text)} of ${name} segment ${segmentLabel(hashes.length)} is not 32 hex characters${hint}`,
        );
      }
      hashes.push(token.text);
    }
    return hashes;
  }

  private readWantedFiles(owned: readonly OwnedFile[]): WantedFile[] {
    const countToken = this.take(() => 'the number of wanted files');
    const count = this.count(countToken, 'number of wanted files');
    const ownedLines = new Map(owned.map((file) => [file.name, file.line]));
    const firstLines = new Map<string, number>();
    const wanted: WantedFile[] = [];
    while (wanted.length < count) {
      const token = this.take(() => `${plural(count, 'wanted file')}, found ${wanted.length}`);
      const name = this.fileName(token);
      const ownedLine = ownedLines.get(name);
      if (ownedLine !== undefined) this.fail(token.line, `${name} is wanted but already owned (line ${ownedLine})`);
      const first = firstLines.get(name);
      if (first !== undefined) this.fail(token.line, `${name} is listed twice as wanted (first on line ${first})`);
      firstLines.set(name, token.line);
      wanted.push({ name, line: token.line });
    }

    const extra = this.tokens[this.next];
    if (extra !== undefined) {
      this.fail(
        extra.line,
        `unexpected ${quote(extra.text)} after the wanted list (line ${countToken.line} announces ${plural(count, 'wanted file')})`,
      );
    }
    return wanted;
  }

  /** The next word; at the end of the file, an error saying what `expected()` describes. */
  private take(expected: () => string): Token {
    const token = this.tokens[this.next];
    if (token === undefined) {
      const lastLine = this.tokens[this.tokens.length - 1]?.line;
      this.fail(lastLine, `unexpected end of file: expected ${expected()}`);
    }
    this.next++;
    return token;
  }

  private count(token: Token, subject: string, hint: () => string = () => ''): number {
    if (!COUNT.test(token.text)) {
      this.fail(token.line, `${subject} ${quote(token.text)} is not a non-negative integer${hint()}`);
    }
    const value = Number(token.text);
    if (!Number.isSafeInteger(value)) this.fail(token.line, `${subject} ${quote(token.text)} is too large`);
    return value;
  }

  private fileName(token: Token): string {
    const reason = unsafeFileNameReason(token.text);
    if (reason !== undefined) this.fail(token.line, `file name ${quote(token.text)} ${reason}`);
    return token.text;
  }

  private fail(line: number | undefined, detail: string): never {
    throw new InputError(this.path, line, detail);
  }
}

/** Guesses which count is wrong when a file's segment count is missing or not a number. */
function segmentCountHint(name: string, previous: OwnedFile | undefined, ownedCountLine: number): string {
  if (HASH.test(name)) {
    return previous === undefined
      ? ''
      : ` (does ${previous.name} on line ${previous.line} list more hashes than it announces?)`;
  }
  if (looksLikeCount(name)) return ` (is the number of owned files on line ${ownedCountLine} too large?)`;
  return '';
}

// A short number, as counts are; a long run of digits is more likely a mistyped hash.
function looksLikeCount(text: string): boolean {
  return /^[0-9]{1,15}$/.test(text);
}

function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}
