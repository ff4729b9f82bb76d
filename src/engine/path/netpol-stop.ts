// A probe stopped by kube-router's REJECT (a rule of a KUBE-POD-FW-… chain):
// the stop names the NetworkPolicy side of it, read from the same host's
// observed rules (HostState.netpol, explainObserved) — which pod is isolated
// in which direction, by which policies, none of whose rules allows the flow.
import type { PathStop } from '../../shared/path';
import type { Snapshot } from '../../shared/snapshot';
import { explainObserved } from '../observe/parse-netpol';
import { POD_FW_PREFIX } from '../plan/kube-router-names';

export interface StopFlow {
  protocol: string;
  src: string;
  dst: string;
  port: number | null;
}

export function withNetpolStop(stop: PathStop | null, snapshot: Snapshot, flow: StopFlow): PathStop | null {
  if (stop?.kind !== 'rule' || !stop.rule?.chain.startsWith(POD_FW_PREFIX)) return stop;
  const state = snapshot.hosts.find((h) => h.name === stop.node)?.netpol;
  if (!state) return stop;
  // A Service's ClusterIP or node port was DNATed before the pod's chain judged it: the rejecting pod is
  // then neither end of the flow as sent, but the destination as translated (its port unknown here).
  const judged = state.pods.find((p) => p.chain === stop.rule!.chain);
  const translated = judged && judged.ip !== flow.src && judged.ip !== flow.dst ? { ...flow, dst: judged.ip, port: null } : flow;
  const step = explainObserved(state, translated.src, translated.dst, translated.protocol, translated.port).steps.find((s) => s.verdict === 'rejected' && s.pod.chain === stop.rule!.chain);
  if (!step) return stop;
  const pod = state.pods.find((p) => p.chain === step.pod.chain);
  const names = new Map(state.policies.map((p) => [p.chain, p.namespace && p.name ? `${p.namespace}/${p.name}` : p.chain]));
  const policies = (pod?.policies ?? []).filter((j) => j.direction === step.direction || j.direction === 'both').map((j) => names.get(j.chain) ?? j.chain);
  const who = step.pod.namespace && step.pod.name ? `${step.pod.namespace}/${step.pod.name}` : step.pod.ip;
  const what = `${translated.protocol} ${translated.src} → ${translated.dst}${translated.port != null ? `:${translated.port}` : ''}`;
  const by = policies.length ? `NetworkPolicy ${policies.join(', ')} isolate${policies.length === 1 ? 's' : ''} ${who} for ${step.direction}` : `${who} is isolated for ${step.direction}`;
  return { ...stop, text: `${stop.text} — ${by} and no rule of ${policies.length === 1 ? 'it' : 'them'} allows ${what}`, netpol: { pod: who, direction: step.direction, policies } };
}
