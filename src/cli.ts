/**
 * mpitorrent's command line, run by main.ts. The first word may name a command; without one the
 * program is the course swarm, exactly as the course runs it. Each command is its own module,
 * loaded only when named, so the course swarm starts no slower for the others.
 */
import { runCourse } from './commands/course.js';

/** A command besides the course swarm: its one-line summary and its module. */
interface Subcommand {
  summary: string;
  /** Runs the command with the words after its name; resolves to the exit status. */
  load(): Promise<{ main(argv: string[]): Promise<number> }>;
}

export const SUBCOMMANDS = new Map<string, Subcommand>();

/** Runs the command line of this process. */
export async function main(): Promise<void> {
  const [first, ...rest] = process.argv.slice(2);
  const subcommand = first === undefined ? undefined : SUBCOMMANDS.get(first);
  if (subcommand === undefined) return runCourse(process.argv.slice(2));
  const command = await subcommand.load();
  process.exit(await command.main(rest));
}
