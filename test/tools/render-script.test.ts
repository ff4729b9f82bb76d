import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { toIptablesRestore } from '../../src/engine/plan/iptables-restore';
import { renderSteps } from '../../src/engine/plan/render-script';
import { cmd } from '../../src/engine/plan/step';
import { shellJoin, shellQuote } from '../../src/engine/util/shell-quote';

describe('shell quoting', () => {
  it('leaves plain words alone and quotes everything else so a shell reads the same argv back', () => {
    const argv = ['ip', 'addr', "it's", '$(reboot)', 'a b', '; rm -rf /', '', '!'];
    const out = spawnSync('sh', ['-c', `printf '%s\\n' ${shellJoin(argv)}`], { encoding: 'utf8' }).stdout;
    expect(out.split('\n').slice(0, -1)).toEqual(argv);
    expect(shellQuote('10.2.0.0/16')).toBe('10.2.0.0/16');
  });
});

describe('batching', () => {
  it('runs consecutive ip commands of one namespace in one `ip -batch`', () => {
    const script = renderSteps([cmd('ip', 'link', 'add', 'cni0', 'type', 'bridge'), cmd('ip', 'link', 'set', 'cni0', 'up'), cmd('ip', '-n', 'a', 'link', 'set', 'lo', 'up'), cmd('ip', '-n', 'a', 'link', 'set', 'eth0', 'up')]);
    expect(script).toBe("ip -batch - <<'PODNET_EOF'\nlink add cni0 type bridge\nlink set cni0 up\nPODNET_EOF\nip -n a -batch - <<'PODNET_EOF'\nlink set lo up\nlink set eth0 up\nPODNET_EOF\n");
  });

  it('turns iptables commands into one iptables-restore input, chains first', () => {
    expect(
      toIptablesRestore([
        ['iptables', '-t', 'nat', '-N', 'FLANNEL-POSTRTG'],
        ['iptables', '-t', 'nat', '-A', 'POSTROUTING', '-m', 'comment', '--comment', 'flanneld masq', '-j', 'FLANNEL-POSTRTG'],
        ['iptables', '-t', 'filter', '-P', 'FORWARD', 'DROP'],
      ]),
    ).toBe('*nat\n:FLANNEL-POSTRTG - [0:0]\n-A POSTROUTING -m comment --comment "flanneld masq" -j FLANNEL-POSTRTG\nCOMMIT\n*filter\n:FORWARD DROP [0:0]\nCOMMIT\n');
  });

  it('writes files with a heredoc whose end marker is not in the content', () => {
    const script = renderSteps([{ kind: 'file', path: '/x/f', content: 'PODNET_EOF\nmore\n', mode: 0o644 }]);
    expect(script).toContain("cat > /x/f <<'PODNET_EOF_1'\nPODNET_EOF\nmore\nPODNET_EOF_1\n");
  });
});
