// Services benchmark (issue 11): a 3-host lab with 100 Services × 3
// endpoints against the same lab without Services — kube-proxy's rules are
// one iptables-restore per host, so `up` should cost little more. Prints the
// rule set per host in lines. Never fails on a number.
import { RESOURCES, loadEngine, median, ms, now, row } from './_lib.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SERVICES = 100;
const { createEngine } = await loadEngine();
const engine = createEngine({ resourcesDir: RESOURCES });

const hosts = ['node1', 'node2', 'node3'].map((h, i) => `  - { name: ${h}, pods: [{ name: web-${i + 1}, labels: { app: web }, serve: 8080 }, client-${i + 1}] }`);
const base = (name) => ['name: ' + name, 'hosts:', ...hosts, 'network: { mode: pod-cidr, cidr: 10.244.0.0/16, backend: vxlan }'];
const services = Array.from({ length: SERVICES }, (_, i) => `  - { name: svc-${i}, selector: { app: web }, ports: [{ name: http, port: 80, targetPort: 8080 }] }`);
const plain = base('bench-svc-none').join('\n') + '\n';
const withServices = [...base('bench-svc'), 'kubernetes: { dns: false }', 'services:', ...services].join('\n') + '\n';

async function timeUp(text, name) {
  await engine.down(name);
  const t0 = now();
  await engine.up({ text, file: `${name}.yaml` });
  const up = now() - t0;
  await engine.down(name);
  return up;
}

console.log(`Services benchmark — ${RUNS} runs each, median; 3 hosts × 2 pods, ${SERVICES} Services × 3 endpoints (iptables mode, no DNS pod)`);
const planned = await engine.plan({ text: withServices, file: 'bench-svc.yaml' });
const rules = planned.plan.hosts[0].phases.flatMap((p) => p.steps).find((s) => s.kind === 'file' && s.path.endsWith('/kube-proxy/iptables.rules'));
row('kube-proxy rule set per host (iptables-restore lines)', rules.content.trimEnd().split('\n').length);

await timeUp(plain, 'bench-svc-none'); // warm-up
const none = [];
const some = [];
for (let i = 0; i < RUNS; i++) {
  none.push(await timeUp(plain, 'bench-svc-none'));
  some.push(await timeUp(withServices, 'bench-svc'));
}
row('up without Services (ready, checked)', ms(median(none)));
row(`up with ${SERVICES} Services (ready, checked)`, ms(median(some)));
row('ratio', (median(some) / median(none)).toFixed(2), '≤ 1.2');
await engine.dispose();
