/**
 * The control characters, Unicode's category Cc (the C0 controls, DEL and the C1 controls), as
 * ranges for a regular expression's character class. Spelled out: `\p{Cc}` makes every thread
 * that compiles it build the set from ICU's tables.
 */
export const CONTROL_CHARACTERS = '\\u0000-\\u001f\\u007f-\\u009f';
const CONTROL = new RegExp(`[${CONTROL_CHARACTERS}]`);

/**
 * Why a file name from an input file cannot be used, or undefined when it can. Names become part
 * of output file names (`client<R>_<name>`), so a name must never reach outside the output folder
 * nor carry characters that corrupt a terminal or a path.
 */
export function unsafeFileNameReason(name: string): string | undefined {
  if (name.length === 0) return 'is empty';
  if (name.includes('/')) return 'contains "/"';
  if (name.includes('\\')) return 'contains a backslash';
  if (name.includes('..')) return 'contains ".."';
  const control = CONTROL.exec(name);
  if (control) return `contains the control character ${codePoint(control[0])}`;
  return undefined;
}

function codePoint(character: string): string {
  return `U+${character.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}
