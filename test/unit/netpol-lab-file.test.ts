// The lab file's `namespaces:` and `networkPolicies:` (issue 13's YAML): the
// policies as the API server stores them after defaulting, and each bad input
// located at its line and column (E_SPEC, exit 2).
import { describe, expect, it } from 'vitest';
import { parseLab } from '../../src/engine/spec/parse-lab';
import { policyFieldPath } from '../../src/engine/spec/parse-network-policies';
import { diagnosticsOf } from '../helpers/spec-diagnostics';

const lab = (...lines: string[]) =>
  [
    'name: np',
    'hosts:',
    '  - name: node1',
    '    pods:',
    '      - { name: web-1, labels: { app: web }, serve: 8080 }',
    '      - { name: client, labels: { role: client } }',
    '  - name: node2',
    '    pods:',
    '      - { name: api-1, namespace: shop, labels: { app: api } }',
    'network: { mode: pod-cidr, cidr: 10.244.0.0/16 }',
    ...lines,
    '',
  ].join('\n');

const ISSUE_EXAMPLE = [
  'namespaces:',
  '  shop: { labels: { team: shop } }',
  'networkPolicies:',
  '  - name: web-from-client',
  '    namespace: default',
  '    podSelector: { app: web }',
  '    policyTypes: [Ingress]',
  '    ingress:',
  '      - from:',
  '          - podSelector: { role: client }',
  '          - namespaceSelector: { team: shop }',
  '          - ipBlock: { cidr: 203.0.113.0/24, except: [203.0.113.128/25] }',
  '        ports: [{ protocol: TCP, port: 8080 }]',
];

function expectProblem(text: string, want: { line: number; column: number; message: RegExp }) {
  const ds = diagnosticsOf(text);
  const d = ds.find((x) => want.message.test(x.message));
  expect(d, `diagnostics were: ${JSON.stringify(ds)}`).toBeDefined();
  expect({ line: d!.line, column: d!.column }).toEqual({ line: want.line, column: want.column });
}

/** The issue's example with line `n` (1-based within it) replaced. */
const exampleWith = (n: number, line: string) => lab(...ISSUE_EXAMPLE.map((l, i) => (i === n - 1 ? line : l)));

describe("the lab file's NetworkPolicies", () => {
  it("issue 13's example: namespaces with labels and the policy as the API server stores it", () => {
    const k = parseLab(lab(...ISSUE_EXAMPLE), 'lab.yaml').spec.kubernetes!;
    expect(k.namespaces).toEqual([{ name: 'shop', labels: { team: 'shop' } }]);
    expect(k.networkPolicies).toEqual([
      {
        name: 'web-from-client',
        namespace: 'default',
        podSelector: { matchLabels: { app: 'web' }, matchExpressions: [] },
        policyTypes: ['Ingress'],
        ingress: [
          {
            peers: [
              { kind: 'pods', podSelector: { matchLabels: { role: 'client' }, matchExpressions: [] } },
              { kind: 'namespaces', namespaceSelector: { matchLabels: { team: 'shop' }, matchExpressions: [] }, podSelector: null },
              { kind: 'ipBlock', cidr: '203.0.113.0/24', except: ['203.0.113.128/25'] },
            ],
            ports: [{ protocol: 'TCP', port: 8080, endPort: null }],
          },
        ],
        egress: [],
      },
    ]);
    // Policies alone turn on neither kube-proxy nor the DNS.
    expect(k).toMatchObject({ proxyMode: 'none', dns: false });
  });

  it('defaults: namespace default, policyTypes from the rules, TCP', () => {
    const k = parseLab(lab('networkPolicies:', '  - { name: out, podSelector: {}, egress: [{ ports: [{ port: 53 }] }] }'), 'lab.yaml').spec.kubernetes!;
    expect(k.networkPolicies[0]).toMatchObject({ namespace: 'default', policyTypes: ['Ingress', 'Egress'], egress: [{ peers: [], ports: [{ protocol: 'TCP', port: 53 }] }] });
  });

  it('a policy in a namespace the lab does not have', () => {
    expectProblem(exampleWith(5, '    namespace: shopp'), { line: 15, column: 16, message: /no namespace "shopp"/ });
    // a namespace declared only under namespaces: exists
    expect(parseLab(lab('namespaces: { empty: {} }', 'networkPolicies: [{ name: p, namespace: empty }]'), 'lab.yaml').spec.kubernetes!.networkPolicies).toHaveLength(1);
  });

  it('a bad CIDR, an except outside it, a bad port, a named port, an unknown field', () => {
    expectProblem(exampleWith(12, '          - ipBlock: { cidr: 203.0.113.0/33 }'), { line: 22, column: 30, message: /prefix|CIDR|\/33/i });
    expectProblem(exampleWith(12, '          - ipBlock: { cidr: 203.0.113.0/24, except: [198.51.100.0/25] }'), { line: 22, column: 55, message: /strictly inside/ });
    expectProblem(exampleWith(13, '        ports: [{ protocol: TCP, port: 70000 }]'), { line: 23, column: 40, message: /1 to 65535/ });
    expectProblem(exampleWith(13, '        ports: [{ protocol: TCP, port: http }]'), { line: 23, column: 40, message: /named ports/ });
    expectProblem(exampleWith(13, '        ports: [{ protocol: ICMP, port: 80 }]'), { line: 23, column: 29, message: /TCP, UDP or SCTP/ });
    expectProblem(exampleWith(6, '    podSelecter: { app: web }'), { line: 16, column: 5, message: /unknown field/ });
  });

  it('the same name twice in a namespace; the same name in two namespaces is fine', () => {
    expectProblem(lab('networkPolicies:', '  - { name: p }', '  - { name: p, namespace: default }'), { line: 13, column: 13, message: /default\/p is declared twice/ });
    expect(parseLab(lab('networkPolicies:', '  - { name: p }', '  - { name: p, namespace: shop }'), 'lab.yaml').spec.kubernetes!.networkPolicies).toHaveLength(2);
  });

  it("bad namespace names and labels; a label key with dots is located whole", () => {
    expectProblem(lab('namespaces: { Shop: {} }'), { line: 11, column: 15, message: /not a valid namespace name/ });
    expectProblem(lab('namespaces: { shop: { labels: { team: "a b" } } }'), { line: 11, column: 39, message: /not a valid label value/ });
    expect(policyFieldPath({ podSelector: { 'kubernetes.io/metadata.name': 1 } }, 'podSelector.kubernetes.io/metadata.name')).toEqual(['podSelector', 'kubernetes.io/metadata.name']);
    expect(policyFieldPath({ ingress: [{ from: [{}] }] }, 'ingress[0].from[0].ipBlock.cidr')).toEqual(['ingress', 0, 'from', 0, 'ipBlock.cidr']);
  });

  it('needs a pod network, and the docker or local driver', () => {
    const docker0 = lab('networkPolicies: [{ name: p }]').replace('network: { mode: pod-cidr, cidr: 10.244.0.0/16 }', 'network: { mode: docker0 }').replace(/, labels: \{[^}]*\}|, namespace: shop, labels: \{[^}]*\}/g, '');
    expectProblem(docker0, { line: 11, column: 1, message: /need a pod network/ });
  });
});
