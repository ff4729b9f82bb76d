// The YAML of a ```check block → CheckSpec. Each check is a mapping with ONE
// key naming its kind:
//   ping:      { from: host1/a, to: host2/b, expect: success }
//   route:     { on: host1, dst: 10.2.3.0/24, via: 10.2.3.0, dev: flannel.1 }
//   neighbour: { on: host1, dst: 10.2.3.0, lladdr: …, dev: flannel.1, permanent: true }
//   fdb:       { on: host1, dev: flannel.1, mac: …, dst: "{{ip host2}}" }
//   iptables:  { on: host2, table: nat, rule: "-A DOCKER ! -i docker0 … -j DNAT --to-destination 172.17.0.2:80" }
//   interface: { on: host1, name: flannel.1, type: vxlan, mtu: 1450, vxlan: { learning: false } }
//              { on: host1/c1, name: eth0, type: veth, peer: { on: host1, master: docker0 } }  (the veth's real other end)
//   capture:   { on: host1, iface: eth0, filter: udp port 8472, during: { ping: { from: host1/a, to: host2/b } }, match: { inner: { protocol: icmp } } }
//   command:   { on: host1, run: cat /run/flannel/subnet.env, output: "FLANNEL_MTU=1450" }
//              (a pattern as output needs `shows`: what it looks like, for the check's label)
// `expect` defaults to present / success / packets; a block may hold a list of checks.
import { z } from 'zod';
import type { CheckSpec } from '../../shared/exercise';

const target = z.string().regex(/^[a-z][a-z0-9-]{0,19}(\/[a-z][a-z0-9-]{0,19})?$/, 'a target is host or host/pod');
const text = z.string().min(1);
const presence = z.enum(['present', 'absent']).default('present');
const count = z.number().int().min(1).max(20).default(2);
const pingSpec = z.strictObject({ from: target, to: text, count });

const endpoint = { src: text.optional(), dst: text.optional(), protocol: text.optional() };

const schemas = {
  ping: z.strictObject({ from: target, to: text, expect: z.enum(['success', 'failure']).default('success'), count }),
  route: z.strictObject({ on: target, dst: text, via: text.optional(), dev: text.optional(), expect: presence }),
  neighbour: z.strictObject({ on: target, dst: text, lladdr: text.optional(), dev: text.optional(), permanent: z.boolean().optional(), expect: presence }),
  fdb: z.strictObject({ on: target, mac: text.optional(), dev: text.optional(), dst: text.optional(), expect: presence }),
  iptables: z.strictObject({ on: target, table: z.enum(['nat', 'filter']), rule: text, expect: presence }),
  interface: z.strictObject({
    on: target,
    name: text,
    expect: presence,
    type: text.optional(),
    mtu: z.number().int().positive().optional(),
    up: z.boolean().optional(),
    master: text.optional(),
    address: text.optional(),
    mac: text.optional(),
    vxlan: z
      .strictObject({ id: z.number().int().optional(), port: z.number().int().optional(), local: text.optional(), dev: text.optional(), learning: z.boolean().optional() })
      .optional(),
    peer: z.strictObject({ on: target, name: text.optional(), master: text.optional() }).optional(),
  }),
  capture: z.strictObject({
    on: target,
    iface: text,
    filter: text.optional(),
    during: z.strictObject({ ping: pingSpec }),
    expect: z.enum(['packets', 'none']).default('packets'),
    match: z.strictObject({ ...endpoint, inner: z.strictObject(endpoint).optional() }).optional(),
  }),
  command: z.strictObject({ on: target, run: text, exit: z.number().int().min(0).max(255).default(0), output: text.optional(), shows: text.optional() }),
} as const;

export const CHECK_KINDS = Object.keys(schemas) as (keyof typeof schemas)[];

export interface CheckIssue {
  /** Path inside the check block's YAML. */
  path: (string | number)[];
  message: string;
  hint?: string;
  /** Point at the key rather than its value. */
  atKey?: boolean;
}

function drop<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function toSpec(kind: keyof typeof schemas, v: Record<string, unknown>): CheckSpec {
  if (kind === 'interface') {
    const { on, name, expect, ...attrs } = v as z.infer<(typeof schemas)['interface']>;
    return { kind, on, name, expect, attrs: drop(attrs) };
  }
  return drop({ kind, ...v }) as CheckSpec;
}

/** One check block's parsed YAML → checks, or the issues found. */
export function parseChecks(input: unknown): { checks: CheckSpec[]; issues: CheckIssue[] } {
  const items = Array.isArray(input) ? input : [input];
  const checks: CheckSpec[] = [];
  const issues: CheckIssue[] = [];
  items.forEach((item, i) => {
    const at = Array.isArray(input) ? [i] : [];
    const keys = item && typeof item === 'object' && !Array.isArray(item) ? Object.keys(item) : [];
    if (keys.length !== 1) {
      issues.push({ path: at, message: 'a check is a mapping with one key naming its kind', hint: `kinds: ${CHECK_KINDS.join(', ')}` });
      return;
    }
    const kind = keys[0] as keyof typeof schemas;
    const schema = schemas[kind];
    if (!schema) {
      issues.push({ path: [...at, kind], atKey: true, message: `unknown check kind "${kind}"`, hint: `kinds: ${CHECK_KINDS.join(', ')}` });
      return;
    }
    const parsed = schema.safeParse((item as Record<string, unknown>)[kind]);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = [...at, kind, ...issue.path.filter((s): s is string | number => typeof s !== 'symbol')];
        issues.push({ path, message: issue.message.replace(/^Invalid input: /, '') });
      }
      return;
    }
    checks.push(toSpec(kind, parsed.data as Record<string, unknown>));
  });
  return { checks, issues };
}
