import { describe, expect, it } from 'vitest';
import { PidLineFilter, killArgv, pidReportingArgv } from '../../src/engine/drivers/spawn-wrapper';

describe('stopping a spawned process by the PID it reports', () => {
  it('the argv stays positional parameters: the shell never parses it', () => {
    expect(pidReportingArgv(['tcpdump', '--', 'icmp; reboot'])).toEqual(['sh', '-c', `printf '\\036pid %s\\n' "$$" >&2; exec "$@"`, 'sh', 'tcpdump', '--', 'icmp; reboot']);
    // The group the process leads (a docker exec or SSH session), else the process alone.
    expect(killArgv('INT', 42)).toEqual(['sh', '-c', 'kill -INT -"$1" 2>/dev/null || kill -INT "$1"', 'sh', '42']);
  });

  it('takes the PID line off stderr, even split across chunks, and forwards the rest untouched', async () => {
    const out: string[] = [];
    const f = new PidLineFilter((b) => out.push(b.toString()));
    f.push(Buffer.from('\x1epid 12'));
    f.push(Buffer.from('3\nlistening on eth0\n'));
    f.push(Buffer.from('more\n'));
    expect(await f.pid).toBe(123);
    expect(out.join('')).toBe('listening on eth0\nmore\n');
  });

  it('no PID when the wrapper never ran (the error is passed on)', async () => {
    const out: string[] = [];
    const f = new PidLineFilter((b) => out.push(b.toString()));
    f.push(Buffer.from('OCI runtime exec failed\n'));
    expect(await f.pid).toBeNull();
    expect(out).toEqual(['OCI runtime exec failed\n']);
    const g = new PidLineFilter(() => undefined);
    g.end();
    expect(await g.pid).toBeNull();
    expect(await g.signalArgv('TERM')).toBeNull();
  });

  it('signals the reported PID while the process runs, and nothing once it has ended', async () => {
    const f = new PidLineFilter(() => undefined);
    f.push(Buffer.from('\x1epid 77\n'));
    expect(await f.signalArgv('INT')).toEqual(killArgv('INT', 77));
    f.end();
    expect(await f.signalArgv('INT')).toBeNull();
  });
});
