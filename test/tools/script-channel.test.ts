import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { ScriptChannel, type ChannelTransport } from '../../src/engine/drivers/script-channel';

// A real `sh` on this machine as the transport (the Docker and SSH drivers use the same class).
const opened: ChannelTransport[] = [];
function localShell(): Promise<ChannelTransport> {
  const child = spawn('sh', [], { stdio: ['pipe', 'pipe', 'pipe'] });
  const t: ChannelTransport = { stdin: child.stdin, stdout: child.stdout, stderr: child.stderr, onClose: (l) => child.once('exit', l), close: () => child.kill() };
  opened.push(t);
  return Promise.resolve(t);
}

afterEach(() => {
  for (const t of opened.splice(0)) t.close();
});

describe('ScriptChannel', () => {
  it('runs scripts one after another over one shell, with stdout, stderr and exit code apart', async () => {
    const ch = new ScriptChannel(localShell, 'test');
    const [a, b] = await Promise.all([ch.run('echo one; echo err >&2; exit 3'), ch.run('printf two')]);
    expect(a).toEqual({ code: 3, stdout: 'one\n', stderr: 'err\n' });
    expect(b).toEqual({ code: 0, stdout: 'two', stderr: '' });
    expect(opened).toHaveLength(1);
    ch.close();
  });

  it('reconnects after the shell dies, failing only the call that was running', async () => {
    const ch = new ScriptChannel(localShell, 'test');
    await expect(ch.run('kill -9 $$; sleep 5')).rejects.toThrow(/ended/);
    expect((await ch.run('echo back')).stdout).toBe('back\n');
    expect(opened).toHaveLength(2);
    ch.close();
  });

  it('gives up on a script that does not answer in time', async () => {
    const ch = new ScriptChannel(localShell, 'test');
    await expect(ch.run('sleep 5', 200)).rejects.toThrow(/did not answer within 200 ms/);
    ch.close();
  });
});
