// Text from a user's file or arguments, made safe to print on a terminal:
// control characters (ESC starts the sequences that clear the screen, set
// the title or write the clipboard: ESC[2J, ESC]52) and the invisible
// direction overrides are shown as escapes (\x1b, \u202e) instead of acting.

// C0 except tab and newline, DEL, C1; line/paragraph separators; bidi embeddings, overrides and isolates.
const UNPRINTABLE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escapeOne(c: string): string {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `text` with every control character shown as an escape; newlines and tabs are kept. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, escapeOne);
}

/** One line of `text`: newlines are escaped too. */
export function printableLine(text: string): string {
  return printable(text).replace(/[\n]/g, '\\n');
}
