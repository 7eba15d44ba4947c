/**
 * Quoting for the shell commands the portal shows (curl examples): whatever a developer registered
 * (a redirect URI, an id) must come back from a pasted command as the same bytes, and never as a
 * second command. POSIX sh quoting: single quotes keep everything literal but a quote itself.
 */

/** Characters a shell word may hold unquoted (no expansion, globbing, splitting or history). */
const BARE = /^[A-Za-z0-9_\-.,:/@%+=]+$/;

/** Characters that keep their meaning inside double quotes ($ ` \ " and ! for interactive history), and control characters. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what is quoted here
const SPECIAL_IN_DOUBLE_QUOTES = /["$`\\!\x00-\x1f\x7f-\x9f\u2028\u2029]/;

/** One shell word that the shell reads back as `value`: bare when safe, else single-quoted. */
export function shellWord(value: string): string {
  return BARE.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * `value` placed inside a double-quoted string ("...${value}..."): as is when nothing in it means
 * anything there, else the string is closed, the value single-quoted, and the string reopened.
 */
export function inDoubleQuotes(value: string): string {
  return SPECIAL_IN_DOUBLE_QUOTES.test(value) ? `"${shellWord(value)}"` : value;
}

/** Text for a `# comment` line: a line break would end the comment and start a command. */
export function shellComment(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is replaced here
  return text.replace(/[\x00-\x1f\x7f-\x9f\u2028\u2029]/g, '?');
}
