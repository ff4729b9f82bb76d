// The script that removes a lab from a real machine, rendered from its
// manifest and kept next to it (/run/podnet/lab/down.sh): `down` and `gc`
// run it, and a person can too. Idempotent: what is already gone is skipped.
// It prints one line per object it removed.
import { shellJoin, shellQuote } from '../../util/shell-quote';
import type { LabManifest } from './lab-manifest';

const q = shellQuote;

/** Shell variable holding the value a policy or sysctl had before the lab (in before.env). */
export const beforeVar = (what: string) => `before_${what.replace(/[^A-Za-z0-9]/g, '_')}`;

/** Run before the plan: remembers what the lab is about to change (only the first time). */
export function recordBeforeScript(m: LabManifest): string {
  const lines = [
    ...m.sysctls.map((k) => `echo "${beforeVar(k)}=$(cat /proc/sys/${k.replace(/\./g, '/')} 2>/dev/null)"`),
    ...m.policies.map((p) => `echo "${beforeVar(`${p.table}_${p.chain}`)}=$(iptables -w 5 -t ${q(p.table)} -S ${q(p.chain)} 2>/dev/null | sed -n 's/^-P ${p.chain} //p')"`),
  ];
  const file = `${m.stateDir}/before.env`;
  return `[ -f ${q(file)} ] || {\n${lines.join('\n') || ':'}\n} > ${q(file)}\n`;
}

export function teardownScript(m: LabManifest): string {
  const out: string[] = [`# Removes lab ${m.lab} (host ${m.host}) from this machine. Written by Podnet Lab.`, `d=${q(m.stateDir)}`, `[ -f "$d/before.env" ] && . "$d/before.env"`];
  // What runs in the lab's namespaces (pod responders, shells) first: a namespace with processes would outlive its deletion.
  for (const ns of m.netns) out.push(`for p in $(ip netns pids ${q(ns)} 2>/dev/null); do kill -9 "$p" 2>/dev/null; done`);
  out.push(`pkill -9 -f -- ${q(`${m.stateDir}/serve.sh`)} 2>/dev/null`);
  for (const ns of m.netns) out.push(`ip netns del ${q(ns)} 2>/dev/null && echo ${q(`netns ${ns}`)}`);
  for (const l of m.links) out.push(`ip link del ${q(l)} 2>/dev/null && echo ${q(`link ${l}`)}`);
  for (const r of m.routes) out.push(`ip route del ${q(r.dst)} dev ${q(r.dev)} 2>/dev/null && echo ${q(`route ${r.dst} dev ${r.dev}`)}`);
  for (const a of m.addresses) out.push(`ip addr del ${q(a.address)} dev ${q(a.dev)} 2>/dev/null && echo ${q(`address ${a.address} dev ${a.dev}`)}`);
  for (const r of [...m.rules].reverse()) {
    out.push(`${shellJoin(['iptables', '-w', '5', '-t', r.table, '-D', ...r.rule])} 2>/dev/null && echo ${q(`rule -t ${r.table} -A ${r.rule.join(' ')}`)}`);
  }
  for (const c of m.chains) out.push(`${shellJoin(['iptables', '-w', '5', '-t', c.table, '-F', c.chain])} 2>/dev/null`);
  for (const c of m.chains) out.push(`${shellJoin(['iptables', '-w', '5', '-t', c.table, '-X', c.chain])} 2>/dev/null && echo ${q(`chain -t ${c.table} ${c.chain}`)}`);
  for (const p of m.policies) {
    const v = beforeVar(`${p.table}_${p.chain}`);
    out.push(`[ -n "\${${v}:-}" ] && iptables -w 5 -t ${q(p.table)} -P ${q(p.chain)} "$${v}" 2>/dev/null && echo ${q(`policy -t ${p.table} ${p.chain}`)}" $${v}"`);
  }
  for (const k of m.sysctls) {
    const v = beforeVar(k);
    const file = `/proc/sys/${k.replace(/\./g, '/')}`;
    out.push(`[ -n "\${${v}:-}" ] && [ "$(cat ${q(file)})" != "$${v}" ] && echo "$${v}" > ${q(file)} && echo ${q(`sysctl ${k}`)}"=$${v}"`);
  }
  for (const f of m.files) out.push(`rm -f ${q(f)}`);
  out.push('rm -rf "$d"', 'true');
  return out.join('\n') + '\n';
}
