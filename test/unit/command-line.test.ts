import { describe, expect, it } from 'vitest';
import { CommandLineError, splitCommandLine } from '../../src/engine/exercises/command-line';

describe('exercise command lines → argv (as bash would split them)', () => {
  it('splits words and keeps quoted text together', () => {
    expect(splitCommandLine('ip -d link show flannel.1')).toEqual(['ip', '-d', 'link', 'show', 'flannel.1']);
    expect(splitCommandLine(`iptables -t nat -D POSTROUTING -m comment --comment "flanneld masq" -j FLANNEL-POSTRTG`)).toEqual([
      'iptables', '-t', 'nat', '-D', 'POSTROUTING', '-m', 'comment', '--comment', 'flanneld masq', '-j', 'FLANNEL-POSTRTG',
    ]);
    expect(splitCommandLine(`echo 'a "b"' "c \\"d\\"" e\\ f`)).toEqual(['echo', 'a "b"', 'c "d"', 'e f']);
    expect(splitCommandLine(`x''y ""`)).toEqual(['xy', '']);
  });

  it('keeps iptables negation as its own word', () => {
    expect(splitCommandLine('iptables -A DOCKER ! -i docker0 -j ACCEPT')).toContain('!');
  });

  it.each([
    ['ip route | grep default', '|'],
    ['cat /etc/hosts > /tmp/x', '>'],
    ['ping -c 1 $HOST', '$'],
    ['ls *.json', '*'],
    ['true; rm -rf /', ';'],
    ['sleep 1 &', '&'],
    ['echo `id`', '`'],
    ['echo "$HOME"', '$'],
    ['iptables !-i eth0', '!'],
    ["echo 'unterminated", 'unterminated'],
  ])('refuses what a shell would interpret: %s', (line, what) => {
    expect(() => splitCommandLine(line)).toThrow(CommandLineError);
    expect(() => splitCommandLine(line)).toThrow(what === 'unterminated' ? /unterminated/ : new RegExp(`"\\${what}"`));
  });

  it('reports the column of the problem', () => {
    try {
      splitCommandLine('ip route | grep x');
      expect.unreachable();
    } catch (e) {
      expect((e as CommandLineError).column).toBe(10);
    }
  });
});
