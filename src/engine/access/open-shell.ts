// A terminal on a target: a login shell (or an argv in its place) with the
// environment that names where it is.
import type { ShellStream } from '../drivers/host-driver';
import { formatTarget } from '../targets';
import { shellEnv } from '../terminals/shell-env';
import { inTarget, type LabTarget } from './lab-target';

export function openShell(t: LabTarget, size: { cols: number; rows: number }, opts: { argv?: string[] } = {}): Promise<ShellStream> {
  const argv = inTarget(t, opts.argv && opts.argv.length > 0 ? opts.argv : ['bash', '--login']);
  const env = shellEnv(formatTarget(t.target), t.target.pod ? { name: t.target.pod, container: t.spec?.network.mode === 'docker0' } : null);
  return t.driver.shell(t.lab, t.target.host, argv, { ...size, env });
}
