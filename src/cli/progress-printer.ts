// `up` progress on stderr: one line per step as it finishes; on a terminal
// the step under way is shown live on the last line.
import type { UpProgress } from '../shared/lab';

export function createProgressPrinter(stream: NodeJS.WriteStream = process.stderr): { progress(p: UpProgress): void; log(line: string): void; end(): void } {
  const tty = stream.isTTY === true;
  let live = '';
  const clear = () => {
    if (tty && live) stream.write('\r\x1b[2K');
    live = '';
  };
  return {
    progress(p) {
      const time = `${(p.elapsedMs / 1000).toFixed(2)}s`;
      if (p.status === 'started') {
        if (tty) {
          clear();
          live = `  … ${p.phase}${p.detail ? `  ${p.detail}` : ''}`;
          stream.write(live);
        }
        return;
      }
      clear();
      const mark = p.status === 'done' ? '✓' : '-';
      stream.write(`  ${mark} ${p.phase.padEnd(10)} ${time.padStart(6)}${p.detail ? `  ${p.detail}` : ''}\n`);
    },
    log(line) {
      clear();
      stream.write(`    ${line}\n`);
    },
    end: clear,
  };
}
