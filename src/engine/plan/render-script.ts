// A host's plan → ONE shell script (one round trip to the host), with runs of
// `ip` commands batched per namespace (`ip -batch -`), `bridge` commands in
// `bridge -batch -`, and iptables rules in `iptables-restore --noflush`.
// Every argument comes from an argv array and is quoted; the script prints a
// marker line as it enters each phase so progress can be reported live.
import { shellJoin, shellQuote } from '../util/shell-quote';
import { isIptablesArgv, toIptablesRestore } from './iptables-restore';
import type { HostPlan, Step } from './step';

export const PHASE_MARK = '\x1ephase ';

const BATCH_SAFE = /^[A-Za-z0-9_.:/@,+=-]+$/;

const PRELUDE = `set -eu
podnet_phase() { printf '\\036phase %s\\n' "$1"; }
podnet_wait_listen() {
  i=0
  while [ "$i" -lt "$(( $3 / 50 ))" ]; do
    if [ "$1" = - ]; then out=$(ss -Hltn "sport = :$2"); else out=$(ip netns exec "$1" ss -Hltn "sport = :$2"); fi
    [ -n "$out" ] && return 0
    sleep 0.05; i=$((i + 1))
  done
  echo "nothing listens on TCP port $2 (netns $1) after $3 ms" >&2
  return 1
}
`;

type Group = { key: string; steps: Step[] };

function batchKey(step: Step): string | null {
  if (step.kind !== 'cmd') return null;
  const a = step.argv;
  if (isIptablesArgv(a)) return 'iptables';
  if (a[0] === 'bridge' && a.slice(1).every((x) => BATCH_SAFE.test(x))) return 'bridge';
  if (a[0] === 'ip') {
    const ns = a[1] === '-n' ? a[2]! : '';
    const rest = a[1] === '-n' ? a.slice(3) : a.slice(1);
    if (rest[0]?.startsWith('-') || !rest.every((x) => BATCH_SAFE.test(x))) return null;
    return `ip:${ns}`;
  }
  return null;
}

function heredoc(command: string, body: string): string {
  let tag = 'PODNET_EOF';
  for (let n = 1; body.split('\n').includes(tag); n++) tag = `PODNET_EOF_${n}`;
  return `${command} <<'${tag}'\n${body.replace(/\n$/, '')}\n${tag}\n`;
}

function renderGroup(g: Group): string {
  const argvs = g.steps.map((s) => (s as { argv: string[] }).argv);
  if (g.key === 'iptables') return heredoc('iptables-restore -w 5 --noflush', toIptablesRestore(argvs));
  if (g.key === 'bridge') return argvs.length === 1 ? shellJoin(argvs[0]!) + '\n' : heredoc('bridge -batch -', argvs.map((a) => a.slice(1).join(' ')).join('\n'));
  const ns = g.key.slice(3);
  if (argvs.length === 1) return shellJoin(argvs[0]!) + '\n';
  const lines = argvs.map((a) => (ns ? a.slice(3) : a.slice(1)).join(' ')).join('\n');
  return heredoc(ns ? `ip -n ${shellQuote(ns)} -batch -` : 'ip -batch -', lines);
}

function renderSingle(step: Step): string {
  switch (step.kind) {
    case 'cmd':
      return shellJoin(step.argv) + '\n';
    case 'file': {
      const dir = step.path.slice(0, step.path.lastIndexOf('/')) || '/';
      const write = step.content.endsWith('\n') ? heredoc(`cat > ${shellQuote(step.path)}`, step.content) : `printf '%s' ${shellQuote(step.content)} > ${shellQuote(step.path)}\n`;
      return `mkdir -p ${shellQuote(dir)}\n${write}chmod ${step.mode.toString(8)} ${shellQuote(step.path)}\n`;
    }
    case 'sysctl': {
      if (!/^[a-z0-9_.]+$/.test(step.key) || !/^[0-9]+$/.test(step.value)) throw new Error(`bad sysctl ${step.key}=${step.value}`);
      const file = `/proc/sys/${step.key.replace(/\./g, '/')}`;
      return `[ "$(cat ${file} 2>/dev/null)" = ${shellQuote(step.value)} ] || sysctl -qw ${shellQuote(`${step.key}=${step.value}`)}\n`;
    }
    case 'daemon': {
      const dir = step.log.slice(0, step.log.lastIndexOf('/')) || '/';
      return `mkdir -p ${shellQuote(dir)}\nsetsid ${shellJoin(step.argv)} </dev/null >>${shellQuote(step.log)} 2>&1 &\n`;
    }
    case 'wait-listen':
      return `podnet_wait_listen ${shellQuote(step.netns ?? '-')} ${step.port} ${step.timeoutMs}\n`;
  }
}

export function renderSteps(steps: readonly Step[]): string {
  const groups: Group[] = [];
  for (const step of steps) {
    const key = batchKey(step) ?? '';
    const last = groups[groups.length - 1];
    if (key && last?.key === key) last.steps.push(step);
    else groups.push({ key, steps: [step] });
  }
  return groups.map((g) => (g.key ? renderGroup(g) : renderSingle(g.steps[0]!))).join('');
}

/** The whole host plan as one script for `sh -s`. `tail` runs after the last phase, in the same round trip. */
export function renderHostScript(plan: Omit<HostPlan, 'expected'>, tail = ''): string {
  let out = PRELUDE;
  for (const { phase, steps } of plan.phases) out += `podnet_phase ${phase}\n` + renderSteps(steps);
  return out + `podnet_phase done\n` + tail;
}

/** The plan in readable form (`podnet up --dry-run`): one line per step. */
export function describeHostPlan(plan: HostPlan, heading: string): string {
  const lines = [`## ${heading}`];
  for (const { phase, steps } of plan.phases) {
    if (steps.length === 0) continue;
    lines.push(`# ${phase}`);
    for (const step of steps) lines.push(...describeStep(step));
  }
  return lines.join('\n') + '\n';
}

function describeStep(step: Step): string[] {
  switch (step.kind) {
    case 'cmd':
      return [shellJoin(step.argv)];
    case 'file':
      if (step.content === '') return [`write ${step.path} (mode ${step.mode.toString(8)}, empty)`];
      // Control characters (host-local's \r\n) are shown, not sent to the reader's terminal.
      return [`write ${step.path} (mode ${step.mode.toString(8)}):`, ...step.content.replace(/\n$/, '').replace(/\r/g, '\\r').split('\n').map((l) => `    ${l}`)];
    case 'sysctl':
      return [`sysctl -w ${step.key}=${step.value}`];
    case 'daemon':
      return [`start in background: ${shellJoin(step.argv)}  (log ${step.log})`];
    case 'wait-listen':
      return [`wait until TCP port ${step.port} listens${step.netns ? ` in netns ${step.netns}` : ''} (up to ${step.timeoutMs / 1000} s)`];
  }
}
