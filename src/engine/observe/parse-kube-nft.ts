// `nft -j list table ip kube-proxy` of a node → its Services as kube-proxy's
// nftables mode makes them (docs/networking.md, "kube-proxy, nftables mode"):
//   map service-ips        VIP . proto . port : goto service-<hash>-<ns>/<name>/<proto>/<port>
//   map service-nodeports  proto . nodePort   : goto external-…  (→ local-…: externalTrafficPolicy Local)
//   service-/local- chain  ip saddr @affinity-… goto endpoint-… (ClientIP), then
//                          numgen random mod N vmap { i : goto endpoint-… }
//   endpoint- chain        … dnat to ip:port
//   maps no-endpoint-*     "<spn>" : goto reject-chain | drop
// An endpoint whose chain has lost its dnat rule is not counted.
// The text form (`nft list table ip kube-proxy`), when given, supplies each
// chain's statements for the inspector.
import type { NoEndpointVerdict, ObservedEndpoint, ObservedProtocol, ObservedServicePort, ObservedServices } from '../../shared/services';
import { servicePortName } from '../plan/kube-proxy-names';
import { emptyServicePort, groupServices } from './observed-services';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const PROTOCOLS: readonly string[] = ['tcp', 'udp', 'sctp'];

/** `service-SUSTUHLJ-default/web/tcp/http` → its ServicePortName and protocol. */
export function chainServicePort(chain: string): { spn: string; protocol: ObservedProtocol } | null {
  const m = /^(?:service|local|external|firewall)-[A-Z2-7]{8}-([a-z0-9-]+)\/([a-z0-9-]+)\/([a-z]+)\/([a-z0-9-]*)$/.exec(chain);
  if (!m || !PROTOCOLS.includes(m[3]!)) return null;
  return { spn: servicePortName(m[1]!, m[2]!, m[4]!), protocol: m[3] as ObservedProtocol };
}

/** Each chain's statements in `nft list` text. */
function chainStatements(listText: string): Map<string, string[]> {
  const chains = new Map<string, string[]>();
  let current: string[] | null = null;
  for (const raw of listText.split('\n')) {
    const line = raw.trim();
    const start = /^chain (\S+) \{$/.exec(line);
    if (start) chains.set(start[1]!, (current = []));
    else if (line === '}') current = null;
    else if (current && line && !line.startsWith('type ') && !line.startsWith('comment ')) current.push(line);
  }
  return chains;
}

const gotoTarget = (verdict: unknown): string | null => (isObject(verdict) && isObject(verdict.goto) && typeof verdict.goto.target === 'string' ? verdict.goto.target : null);
const verdictOf = (v: unknown): NoEndpointVerdict | null => (gotoTarget(v) === 'reject-chain' ? 'reject' : isObject(v) && 'drop' in v ? 'drop' : null);

/** A map element: its key parts (concatenation), its comment, its value. */
function mapElements(map: Json | undefined): { key: unknown[]; comment: string | null; value: unknown }[] {
  const elems = Array.isArray(map?.elem) ? map.elem : [];
  return elems.flatMap((e) => {
    if (!Array.isArray(e) || e.length !== 2) return [];
    let key: unknown = e[0];
    let comment: string | null = null;
    if (isObject(key) && isObject(key.elem)) {
      comment = typeof key.elem.comment === 'string' ? key.elem.comment : null;
      key = key.elem.val;
    }
    const parts = isObject(key) && Array.isArray(key.concat) ? key.concat : [key];
    return [{ key: parts, comment, value: e[1] }];
  });
}

/** Services as one host's `ip kube-proxy` table implements them. */
export function parseKubeServicesNft(jsonText: string, listText?: string): ObservedServices {
  const doc: unknown = JSON.parse(jsonText);
  const items = isObject(doc) && Array.isArray(doc.nftables) ? doc.nftables : [];
  const sets = new Map<string, Json>();
  const rules = new Map<string, Json[]>();
  for (const item of items) {
    if (!isObject(item)) continue;
    const obj = (item.set ?? item.map) as unknown;
    if (isObject(obj) && typeof obj.name === 'string') sets.set(obj.name, obj);
    if (isObject(item.rule) && typeof item.rule.chain === 'string') rules.set(item.rule.chain, [...(rules.get(item.rule.chain) ?? []), item.rule]);
  }
  const statements = listText ? chainStatements(listText) : new Map<string, string[]>();

  const ports = new Map<string, ObservedServicePort>();
  const portOf = (spn: string, protocol: ObservedProtocol) => {
    const key = `${spn}/${protocol}`;
    if (!ports.has(key)) ports.set(key, emptyServicePort(spn, protocol));
    return ports.get(key)!;
  };
  const addChain = (p: ObservedServicePort, chain: string) => {
    if (p.chains.includes(chain)) return;
    p.chains.push(chain);
    p.rules.push(...(statements.get(chain) ?? []).map((s) => `${chain}: ${s}`));
  };
  const exprsOf = (rule: Json): Json[] => (Array.isArray(rule.expr) ? rule.expr.filter(isObject) : []);

  const endpointOf = (chain: string): { ip: string; port: number } | null => {
    for (const rule of rules.get(chain) ?? []) {
      for (const e of exprsOf(rule)) {
        if (isObject(e.dnat) && typeof e.dnat.addr === 'string' && typeof e.dnat.port === 'number') return { ip: e.dnat.addr, port: e.dnat.port };
      }
    }
    return null;
  };

  /** A service-/local- chain's endpoints (numgen vmap) and its affinity timeout. */
  const endpointsOf = (p: ObservedServicePort, chain: string): ObservedEndpoint[] => {
    addChain(p, chain);
    const endpoints: ObservedEndpoint[] = [];
    for (const rule of rules.get(chain) ?? []) {
      for (const e of exprsOf(rule)) {
        if (isObject(e.match) && typeof e.match.right === 'string' && e.match.right.startsWith('@affinity-')) {
          const timeout = sets.get(e.match.right.slice(1))?.timeout;
          p.affinityTimeoutSeconds = typeof timeout === 'number' ? timeout : null;
        }
        const vmap = isObject(e.vmap) ? e.vmap : null;
        const numgen = vmap && isObject(vmap.key) && isObject(vmap.key.numgen) ? vmap.key.numgen : null;
        const entries = numgen && isObject(vmap!.data) && Array.isArray(vmap!.data.set) ? vmap!.data.set : null;
        if (!numgen || !entries) continue;
        const probability = 1 / Number(numgen.mod);
        for (const entry of entries) {
          const target = Array.isArray(entry) ? gotoTarget(entry[1]) : null;
          if (!target) continue;
          addChain(p, target);
          const ep = endpointOf(target);
          if (ep) endpoints.push({ ...ep, probability, share: probability, chain: target });
        }
      }
    }
    return endpoints;
  };

  for (const { key, value } of mapElements(sets.get('service-ips'))) {
    const target = gotoTarget(value);
    const sp = target ? chainServicePort(target) : null;
    if (!sp || typeof key[0] !== 'string') continue;
    const p = portOf(sp.spn, sp.protocol);
    p.clusterIP = key[0];
    p.port = Number(key[2]);
    p.endpoints = endpointsOf(p, target!);
  }

  for (const { key, value } of mapElements(sets.get('service-nodeports'))) {
    const ext = gotoTarget(value);
    const sp = ext ? chainServicePort(ext) : null;
    if (!sp) continue;
    const p = portOf(sp.spn, sp.protocol);
    p.nodePort = Number(key[1]);
    addChain(p, ext!);
    const extRules = rules.get(ext!) ?? [];
    const local = extRules.find((r) => exprsOf(r).some((e) => gotoTarget(e)?.startsWith('local-')));
    const shortCircuit = extRules.some((r) => r.comment === 'short-circuit pod traffic');
    p.externalTrafficPolicy = local || shortCircuit ? 'Local' : 'Cluster';
    if (p.externalTrafficPolicy === 'Local') {
      const localChain = local ? exprsOf(local).map(gotoTarget).find((t) => t?.startsWith('local-')) : null;
      p.localEndpoints = localChain ? endpointsOf(p, localChain) : [];
    }
  }

  for (const [mapName, field] of [
    ['no-endpoint-services', 'clusterIP'],
    ['no-endpoint-nodeports', 'nodePort'],
  ] as const) {
    for (const { key, comment, value } of mapElements(sets.get(mapName))) {
      const verdict = verdictOf(value);
      const protocol = String(field === 'clusterIP' ? key[1] : key[0]);
      if (!comment || !verdict || !PROTOCOLS.includes(protocol)) continue;
      const p = portOf(comment, protocol as ObservedProtocol);
      p.noEndpoints[field] = verdict;
      if (field === 'clusterIP') {
        p.clusterIP = String(key[0]);
        p.port = Number(key[2]);
      } else {
        p.nodePort = Number(key[1]);
        if (verdict === 'drop') {
          p.externalTrafficPolicy = 'Local';
          p.localEndpoints ??= [];
        } else {
          p.externalTrafficPolicy ??= 'Cluster';
        }
      }
    }
  }

  return { mode: 'nftables', services: groupServices(ports.values()) };
}
