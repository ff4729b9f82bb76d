// kube-router's NetworkPolicy state read back from a host: the filter table's
// lines (HostState.iptables.filter, as parseIptablesSave keeps them) and
// `ipset save` → which local pods are isolated in which direction, which
// policy chains their firewall chains run, and what each policy allows.
// The layout read is the one plan/kube-router-netpol.ts writes (kube-router
// v2.11.1); every conclusion is drawn from the matches, targets and sets of
// the rules, and comments only supply names. A learner's edit shows: delete a
// pod's REJECT and the pod is no longer isolated; empty a set and its peers go.
import type { IpsetObserved, NetpolAllowObserved, NetpolDirection, NetpolExplanation, NetpolExplanationStep, NetpolObserved, NetpolPeerObserved, NetpolPodObserved, NetpolPolicyObserved } from '../../shared/netpol';
import { contains, toInt } from '../ipam/cidr';
import {
  isKubeRouterChain,
  isKubeRouterSet,
  KUBE_NWPLCY_COMMON,
  KUBE_NWPLCY_DEFAULT,
  KUBE_NWPLCY_TAIL,
  KUBE_ROUTER_FORWARD,
  MARK_MATCHED,
  podFirewallChain,
  POD_FW_PREFIX,
  policyChain,
  policyDestinationSet,
  POLICY_PREFIX,
  policySourceSet,
  TOP_LEVEL_CHAINS,
} from '../plan/kube-router-names';

/** What the lab declared, to name chains whose rules carry no comment (a deny-all policy's empty chain). */
export interface NetpolNames {
  syncVersion: string;
  policies: readonly { namespace: string; name: string }[];
  pods: readonly { namespace: string; name: string }[];
}

/** One `-A` rule, the parts kube-router's rules use. */
interface Rule {
  chain: string;
  line: string;
  src: string | null;
  dst: string | null;
  protocol: string | null;
  port: string | null;
  sets: { name: string; side: 'src' | 'dst'; negated: boolean }[];
  comment: string | null;
  target: string | null;
  setXmark: string | null;
  markNegated: boolean;
  bridged: boolean;
}

/** Splits an iptables-save line into words; "…" with \-escapes is one word. */
export function iptablesWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let started = false;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted && ch === '\\' && i + 1 < line.length) {
      word += line[++i];
    } else if (ch === '"') {
      quoted = !quoted;
      started = true;
    } else if (!quoted && /\s/.test(ch)) {
      if (started) words.push(word);
      word = '';
      started = false;
    } else {
      word += ch;
      started = true;
    }
  }
  if (started) words.push(word);
  return words;
}

const stripHost = (a: string): string => a.replace(/\/32$/, '');

function parseRule(line: string): Rule | null {
  const w = iptablesWords(line);
  if (w[0] !== '-A' || !w[1]) return null;
  const rule: Rule = { chain: w[1], line, src: null, dst: null, protocol: null, port: null, sets: [], comment: null, target: null, setXmark: null, markNegated: false, bridged: false };
  let negated = false;
  for (let i = 2; i < w.length; i++) {
    const word = w[i]!;
    const next = w[i + 1] ?? '';
    switch (word) {
      case '!':
        negated = true;
        continue;
      case '-s':
        rule.src = negated ? null : stripHost(next);
        i++;
        break;
      case '-d':
        rule.dst = negated ? null : stripHost(next);
        i++;
        break;
      case '-p':
        rule.protocol = next.toLowerCase(); // iptables lowercases -p (kube-router writes TCP)
        i++;
        break;
      case '--dport':
      case '--dports':
        rule.port = next;
        i++;
        break;
      case '--match-set':
        rule.sets.push({ name: next, side: w[i + 2] === 'dst' ? 'dst' : 'src', negated });
        i += 2;
        break;
      case '--comment':
        rule.comment = next;
        i++;
        break;
      case '-j':
        rule.target = next;
        i++;
        break;
      case '--set-xmark':
        rule.setXmark = next;
        i++;
        break;
      case '--mark':
        rule.markNegated = negated;
        i++;
        break;
      case '--physdev-is-bridged':
        rule.bridged = true;
        break;
    }
    negated = false;
  }
  return rule;
}

/** `ipset save` → kube-router's sets. */
export function parseIpsetSave(text: string): IpsetObserved[] {
  const sets = new Map<string, IpsetObserved>();
  for (const raw of text.split('\n')) {
    const [op, name, value, ...rest] = raw.trim().split(/\s+/);
    if (!name || !isKubeRouterSet(name)) continue;
    if (op === 'create' && value) sets.set(name, { name, type: value, members: [] });
    else if (op === 'add' && value) sets.get(name)?.members.push({ value, nomatch: rest.includes('nomatch') });
  }
  return [...sets.values()];
}

/** "<namespace>/<name> <kind>" (comments.go's idComment) → its parts. */
function idOf(comment: string | null): { namespace: string; name: string; kind: string } | null {
  const m = comment ? /^([a-z0-9][-a-z0-9]*)\/([a-z0-9][-a-z0-9.]*) (.+)$/.exec(comment) : null;
  return m ? { namespace: m[1]!, name: m[2]!, kind: m[3]! } : null;
}

const isPolicyChain = (chain: string): boolean => chain.startsWith(POLICY_PREFIX) && ![KUBE_NWPLCY_COMMON, KUBE_NWPLCY_DEFAULT, KUBE_NWPLCY_TAIL].includes(chain);

function peerOf(set: { name: string } | undefined, sets: Map<string, IpsetObserved>): NetpolPeerObserved {
  if (!set) return { kind: 'any' };
  const s = sets.get(set.name);
  if (!s) return { kind: 'missing-set', set: set.name };
  if (s.type === 'hash:net') return { kind: 'cidrs', set: s.name, cidrs: s.members.filter((m) => !m.nomatch).map((m) => m.value), except: s.members.filter((m) => m.nomatch).map((m) => m.value) };
  return { kind: 'pods', set: s.name, ips: s.members.map((m) => m.value) };
}

/** A policy chain's MARK rules → allowances, the direction told by which side carries the policy's own set. */
function allowsOf(rules: Rule[], id: { namespace: string; name: string } | null, sets: Map<string, IpsetObserved>): NetpolAllowObserved[] {
  const out: NetpolAllowObserved[] = [];
  for (const r of rules) {
    if (r.target !== 'MARK' || r.setXmark !== MARK_MATCHED) continue;
    const src = r.sets.find((s) => s.side === 'src' && !s.negated);
    const dst = r.sets.find((s) => s.side === 'dst' && !s.negated);
    const ruleId = idOf(r.comment) ?? (id ? { ...id, kind: '' } : null);
    let direction: NetpolDirection | null = null;
    if (ruleId && dst?.name === policyDestinationSet(ruleId.namespace, ruleId.name)) direction = 'ingress';
    else if (ruleId && src?.name === policySourceSet(ruleId.namespace, ruleId.name)) direction = 'egress';
    else if (ruleId?.kind.startsWith('ingress')) direction = 'ingress';
    else if (ruleId?.kind.startsWith('egress')) direction = 'egress';
    if (!direction) continue;
    const own = direction === 'ingress' ? dst : src;
    const other = direction === 'ingress' ? src : dst;
    const ownSet = own ? sets.get(own.name) : undefined;
    out.push({
      direction,
      targets: ownSet ? ownSet.members.map((m) => m.value) : [],
      peer: peerOf(other, sets),
      protocol: r.protocol,
      port: r.port,
      rule: r.line,
    });
  }
  return out;
}

/** Reads kube-router's NetworkPolicy state from a host's filter lines and `ipset save`. */
export function parseNetpol(filterLines: readonly string[], ipsetSave: string, names?: NetpolNames): NetpolObserved {
  const rules = filterLines.map(parseRule).filter((r): r is Rule => r !== null);
  const byChain = new Map<string, Rule[]>();
  for (const r of rules) byChain.set(r.chain, [...(byChain.get(r.chain) ?? []), r]);
  const chains = [...new Set(filterLines.filter((l) => l.startsWith(':')).map((l) => l.slice(1).split(/\s/)[0]!))].filter(isKubeRouterChain);
  const sets = new Map(parseIpsetSave(ipsetSave).map((s) => [s.name, s]));

  const enforced = TOP_LEVEL_CHAINS.every(([builtin, top]) => (byChain.get(builtin) ?? []).some((r) => r.target === top));

  // Names a hash stands for, from the lab's own objects (pods and policies).
  const podNames = new Map(names?.pods.map((p) => [podFirewallChain(p.namespace, p.name, names.syncVersion), p]) ?? []);
  const policyNames = new Map(names?.policies.map((p) => [policyChain(p.namespace, p.name, names.syncVersion), p]) ?? []);
  for (const r of rules) {
    const id = idOf(r.comment);
    if (id?.kind === 'policy' && r.target && isPolicyChain(r.target)) policyNames.set(r.target, id);
    if (id && isPolicyChain(r.chain) && /^(ingress|egress) /.test(id.kind)) policyNames.set(r.chain, id);
  }

  const policies: NetpolPolicyObserved[] = chains.filter(isPolicyChain).map((chain) => {
    const id = policyNames.get(chain) ?? null;
    return { namespace: id?.namespace ?? null, name: id?.name ?? null, chain, allows: allowsOf(byChain.get(chain) ?? [], id, sets) };
  });

  // Local pods: the routed "in" jumps of KUBE-ROUTER-FORWARD (one per pod, -d <pod IP>).
  const pods: NetpolPodObserved[] = [];
  for (const jump of byChain.get(KUBE_ROUTER_FORWARD) ?? []) {
    if (jump.bridged || !jump.dst || !jump.target?.startsWith(POD_FW_PREFIX) || pods.some((p) => p.chain === jump.target)) continue;
    const chainRules = byChain.get(jump.target) ?? [];
    const ip = jump.dst;
    const id = idOf(jump.comment) ?? podNames.get(jump.target) ?? null;
    const defaults = chainRules.filter((r) => r.target === KUBE_NWPLCY_DEFAULT);
    const reject = chainRules.find((r) => r.target === 'REJECT' && r.markNegated)?.line ?? null;
    pods.push({
      namespace: id?.namespace ?? null,
      name: id?.name ?? null,
      ip,
      chain: jump.target,
      isolatedIngress: reject !== null && !defaults.some((r) => r.dst === ip),
      isolatedEgress: reject !== null && !defaults.some((r) => r.src === ip),
      policies: chainRules.filter((r) => r.target && isPolicyChain(r.target)).map((r) => ({ chain: r.target!, direction: r.dst === ip ? 'ingress' : r.src === ip ? 'egress' : 'both' })),
      reject,
    });
  }
  pods.sort((a, b) => toInt(a.ip) - toInt(b.ip));

  return { enforced, pods, policies, ipsets: [...sets.values()], chains };
}

// ---------------------------------------------------------------------------

function peerMatches(peer: NetpolPeerObserved, ip: string): boolean {
  switch (peer.kind) {
    case 'any':
      return true;
    case 'pods':
      return peer.ips.includes(ip);
    case 'cidrs':
      return peer.cidrs.some((c) => contains(c, ip)) && !peer.except.some((e) => contains(e, ip));
    case 'missing-set':
      return false;
  }
}

function portMatches(a: NetpolAllowObserved, protocol: string, port: number | null): boolean {
  if (a.protocol === null) return true;
  if (a.protocol !== protocol) return false;
  if (a.port === null) return true;
  if (port === null) return false;
  const [lo, hi] = a.port.split(':').map(Number) as [number, number | undefined];
  return hi === undefined ? port === lo : port >= lo && port <= hi;
}

/**
 * How this host's kube-router judges a new connection (replies pass by
 * conntrack): the source pod's chain for its egress, the destination pod's for
 * its ingress, each only if that pod is local. `protocol`: tcp, udp, sctp or
 * icmp (an echo-request, which KUBE-NWPLCY-COMMON accepts). Like the kernel, a
 * chain jumped to without -s/-d (a policy of both types) runs all its rules:
 * an egress rule of such a policy can let traffic INTO a pod it also selects.
 */
export function explainObserved(state: NetpolObserved, srcIp: string, dstIp: string, protocol: string, port: number | null): NetpolExplanation {
  const marks = (a: NetpolAllowObserved) =>
    (a.direction === 'ingress' ? a.targets.includes(dstIp) && peerMatches(a.peer, srcIp) : a.targets.includes(srcIp) && peerMatches(a.peer, dstIp)) && portMatches(a, protocol, port);
  const judge = (pod: NetpolPodObserved, direction: NetpolDirection): NetpolExplanationStep => {
    const step = { pod: { namespace: pod.namespace, name: pod.name, ip: pod.ip, chain: pod.chain }, direction, policy: null, rule: null };
    if (!(direction === 'ingress' ? pod.isolatedIngress : pod.isolatedEgress)) return { ...step, verdict: 'not-isolated' };
    if (protocol === 'icmp') return { ...step, verdict: 'icmp' };
    for (const jump of pod.policies.filter((j) => j.direction === direction || j.direction === 'both')) {
      const policy = state.policies.find((p) => p.chain === jump.chain);
      const allow = policy?.allows.find(marks);
      if (policy && allow) return { ...step, verdict: 'allowed', policy: { namespace: policy.namespace, name: policy.name, chain: policy.chain }, rule: allow.rule };
    }
    return { ...step, verdict: 'rejected', rule: pod.reject };
  };
  const src = state.pods.find((p) => p.ip === srcIp);
  const dst = state.pods.find((p) => p.ip === dstIp);
  const steps = [...(src ? [judge(src, 'egress')] : []), ...(dst ? [judge(dst, 'ingress')] : [])];
  return { allowed: steps.every((s) => s.verdict !== 'rejected'), steps };
}
