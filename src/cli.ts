/**
 * The course swarm's program, bundled as dist/cli.cjs and run by main.ts when the command line
 * names no other command (commands/registry.ts).
 */
import { runCourse } from './commands/course.js';

export function main(): Promise<void> {
  return runCourse(process.argv.slice(2));
}
