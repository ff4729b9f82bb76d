// The lab file's `namespaces:` and `networkPolicies:` → the namespaces with
// their labels and the policies as the API server stores them (checked and
// defaulted by kube/network-policy.ts checkPolicy), every problem located at
// its field: a policy's own (a bad CIDR, a bad port, an unknown field), a
// policy in a namespace the lab does not have, the same name twice in a
// namespace.
import { checkPolicy, type KubeNamespace, type NetworkPolicy } from '../kube/network-policy';
import { checkLabels, checkNamespace } from '../kube/service-checks';
import type { FieldPath } from './field-path';
import type { LabFile } from './lab-schema';
import type { SpecIssue } from './spec-issue';

export interface LabPolicies {
  namespaces: KubeNamespace[];
  policies: NetworkPolicy[];
  issues: SpecIssue[];
}

/**
 * checkPolicy's path (`ingress[0].from[1].podSelector.kubernetes.io/metadata.name`)
 * as a field path, walking the policy as written so that a label key with dots
 * stays one segment; what does not exist any more is kept as one last segment.
 */
export function policyFieldPath(policy: unknown, path: string): (string | number)[] {
  const out: (string | number)[] = [];
  let rest = path;
  let value: unknown = policy;
  while (rest !== '') {
    const index = /^\[(\d+)\]\.?/.exec(rest);
    if (index) {
      out.push(Number(index[1]));
      value = Array.isArray(value) ? value[Number(index[1])] : undefined;
      rest = rest.slice(index[0].length);
      continue;
    }
    // The longest key of the map that the path goes on with (followed by `.`, `[` or the end).
    const keys = value && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : [];
    const key = keys
      .filter((k) => rest.startsWith(k) && (rest.length === k.length || rest[k.length] === '.' || rest[k.length] === '['))
      .sort((a, b) => b.length - a.length)[0];
    if (key === undefined) {
      out.push(rest);
      break;
    }
    out.push(key);
    value = (value as Record<string, unknown>)[key];
    rest = rest.slice(key.length).replace(/^\./, '');
  }
  return out;
}

/** `known`: namespaces the lab has without declaring them (default, the pods', the Services', kube-system with cluster DNS). */
export function labPolicies(file: LabFile, known: ReadonlySet<string>): LabPolicies {
  const issues: SpecIssue[] = [];
  const namespaces: KubeNamespace[] = Object.entries(file.namespaces ?? {}).map(([name, ns]) => {
    const path: FieldPath = ['namespaces', name];
    issues.push(...checkNamespace(name, path).map((i) => ({ ...i, atKey: true })), ...checkLabels(ns.labels ?? {}, [...path, 'labels']));
    return { name, labels: ns.labels ?? {} };
  });
  const exists = new Set([...known, ...namespaces.map((n) => n.name)]);
  const policies: NetworkPolicy[] = [];
  const seen = new Set<string>();
  (file.networkPolicies ?? []).forEach((raw, i) => {
    const at: FieldPath = ['networkPolicies', i];
    const { policy, problems } = checkPolicy(raw);
    // An unknown field is pointed at by its key, every other problem by its value.
    for (const p of problems) issues.push({ path: [...at, ...policyFieldPath(raw, p.path)], message: p.message, ...(p.message.startsWith('unknown') ? { atKey: true } : {}) });
    if (!policy) return;
    const where = raw && typeof raw === 'object' && 'namespace' in raw ? [...at, 'namespace'] : [...at, 'name'];
    if (!exists.has(policy.namespace)) {
      issues.push({
        path: where,
        message: `network policy ${policy.name}: the lab has no namespace "${policy.namespace}"`,
        hint: `no pod is in it and \`namespaces:\` does not declare it (namespaces here: ${[...exists].sort().join(', ')})`,
      });
    }
    const id = `${policy.namespace}/${policy.name}`;
    if (seen.has(id)) issues.push({ path: [...at, 'name'], message: `network policy ${id} is declared twice`, hint: 'a name is unique in its namespace: rename one of them' });
    seen.add(id);
    policies.push(policy);
  });
  return { namespaces, policies, issues };
}
