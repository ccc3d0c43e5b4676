/**
 * The commands besides the course swarm. The entry (main.ts) looks the first word up here and
 * loads the command only when named: its own bundle when it has one (stage, an MPI job, whose
 * every thread's start counts), else its module from tsc's dist/. None of them is in the course
 * swarm's bundle, which starts no slower for them (docs/startup.md).
 */

/** What a command module exports. */
export interface CommandModule {
  /** Runs the command with the words after its name; resolves to the exit status. */
  main(argv: string[]): Promise<number>;
}

export interface Subcommand {
  name: string;
  /** How it is run, for the usage. */
  synopsis: string;
  summary: string;
  load(): Promise<CommandModule>;
  /** Its CommonJS bundle, a path from dist/: what the bundled build runs instead of load(). */
  bundle?: string;
}

// A URL, not a string literal: the bundler leaves the module where tsc put it.
const module = (file: string) => () => import(new URL(file, import.meta.url).href) as Promise<CommandModule>;

export const SUBCOMMANDS: readonly Subcommand[] = [
  {
    name: 'stage',
    synopsis: 'mpirun -np N node dist/main.js stage SOURCE DEST',
    summary: 'put a verified copy of a file or folder at DEST on every node',
    load: module('./stage.js'),
    bundle: 'commands/stage.cjs',
  },
  {
    name: 'create',
    synopsis: 'node dist/main.js create SOURCE -o FILE.torrent',
    summary: 'hash a file or folder into a BitTorrent v2 .torrent (no MPI)',
    load: module('./create.js'),
  },
  {
    name: 'report',
    synopsis: 'node dist/main.js report STATS.json -o REPORT.html',
    summary: 'draw a run from its --stats file: one self-contained page (no MPI)',
    load: module('./report.js'),
  },
];

export function findSubcommand(word: string | undefined): Subcommand | undefined {
  return SUBCOMMANDS.find((command) => command.name === word);
}

/** The lines the course's usage lists the other commands with. */
export function subcommandsUsage(): string {
  const width = Math.max(...SUBCOMMANDS.map((command) => command.synopsis.length));
  return SUBCOMMANDS.map((command) => `  ${command.synopsis.padEnd(width)}  ${command.summary}`).join('\n');
}
