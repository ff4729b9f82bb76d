// Kubernetes label selectors (metav1.LabelSelector): matchLabels AND every
// matchExpressions requirement. An empty selector ({}) selects everything;
// the API server refuses operators it does not know, and so do we.

export type Labels = Readonly<Record<string, string>>;

export type SelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface SelectorRequirement {
  key: string;
  operator: SelectorOperator;
  /** In / NotIn: at least one value; Exists / DoesNotExist: none. */
  values: readonly string[];
}

export interface LabelSelector {
  matchLabels: Labels;
  matchExpressions: readonly SelectorRequirement[];
}

export const EVERYTHING: LabelSelector = { matchLabels: {}, matchExpressions: [] };

function requirementMatches(r: SelectorRequirement, labels: Labels): boolean {
  const has = Object.hasOwn(labels, r.key);
  switch (r.operator) {
    case 'In':
      return has && r.values.includes(labels[r.key]!);
    case 'NotIn':
      return !has || !r.values.includes(labels[r.key]!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
  }
}

export function selectorMatches(selector: LabelSelector, labels: Labels): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels)) if (labels[k] !== v) return false;
  return selector.matchExpressions.every((r) => requirementMatches(r, labels));
}
