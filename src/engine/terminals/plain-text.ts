// Terminal output → the plain text a reader would see: escape sequences
// dropped, carriage returns and backspaces applied to the line, CRLF → LF.
// (A small line model, not a full emulator: cursor movement across lines is
// ignored, which is right for shells, ping and cat.)

// CSI … final byte, OSC … BEL/ST, DCS/SOS/PM/APC … ST, two-byte ESC sequences.
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[PX^_][^\x1b]*\x1b\\|\x1b[()*+][0-9A-Za-z]|\x1b[@-Z\\-_=>78c]/g;
// C0 controls other than \b \t \n \r.
const OTHER_CONTROLS = /[\x00-\x07\x0b\x0c\x0e-\x1f\x7f]/g;

export function terminalToPlainText(output: string): string {
  const cleaned = output.replace(ESCAPES, '').replace(/\r+\n/g, '\n');
  const lines: string[] = [];
  let line: string[] = [];
  let col = 0;
  for (const ch of cleaned.replace(OTHER_CONTROLS, '')) {
    if (ch === '\n') {
      lines.push(line.join('').trimEnd());
      line = [];
      col = 0;
    } else if (ch === '\r') {
      col = 0;
    } else if (ch === '\b') {
      col = Math.max(0, col - 1);
    } else {
      line[col] = ch;
      col++;
    }
  }
  const last = line.join('').trimEnd();
  if (last) lines.push(last);
  return lines.join('\n') + (lines.length ? '\n' : '');
}
