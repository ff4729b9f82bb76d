import { describe, expect, it } from 'vitest';
import { AsciicastRecorder } from '../../src/engine/terminals/asciicast';
import { terminalToPlainText } from '../../src/engine/terminals/plain-text';

describe('terminalToPlainText', () => {
  it('drops colours, titles and cursor keys; applies CR, backspace and CRLF', () => {
    const raw = '\x1b]0;root@host1: /\x07\x1b[01;32mroot@host1\x1b[00m:/# pinh\bg -c1 x\r\n' + 'progress 10%\rprogress 100%\r\n' + '\x1b[?2004lline\x1b[K\r\n';
    expect(terminalToPlainText(raw)).toBe('root@host1:/# ping -c1 x\nprogress 100%\nline\n');
  });

  it('keeps an unfinished last line', () => {
    expect(terminalToPlainText('a\r\nprompt$ ')).toBe('a\nprompt$\n');
    expect(terminalToPlainText('')).toBe('');
  });
});

describe('AsciicastRecorder', () => {
  it('writes a v2 header and timed output and resize events', () => {
    let now = 1000;
    const r = new AsciicastRecorder({ width: 80, height: 24, title: 'x' }, () => now);
    now = 1250;
    r.output('hi "there"\n');
    now = 2000;
    r.resize(100, 30);
    const lines = r.toString().split('\n');
    expect(lines.at(-1)).toBe('');
    expect(JSON.parse(lines[0]!)).toMatchObject({ version: 2, width: 80, height: 24, title: 'x', env: { TERM: 'xterm-256color' } });
    expect(JSON.parse(lines[1]!)).toEqual([0.25, 'o', 'hi "there"\n']);
    expect(JSON.parse(lines[2]!)).toEqual([1, 'r', '100x30']);
    expect(r.durationMs).toBe(1000);
  });
});
