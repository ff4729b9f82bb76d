// Netfilter tracing of one flow on a real kernel (iptables-nft 1.8.9, nft
// 1.0.6 in podnet/node:2): the deciding rule named with its text, NAT with
// its translation, TCP's SYN and SYN-ACK, UDP's answer, the route and fdb of
// a VXLAN hop — and nothing left behind, whatever happens to the trace.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { lookupRoutes } from '../../src/engine/trace/route-explain';
import { newTraceFlow, type FlowRequest } from '../../src/engine/trace/trace-flow';
import type { TraceNamespace } from '../../src/engine/trace/trace-namespace';
import { traceProbe, type NamespaceTrace, type ProbeTrace } from '../../src/engine/trace/trace-probe';
import { startTraceSession } from '../../src/engine/trace/trace-session';
import { traceTableCommands, traceTableName } from '../../src/engine/trace/trace-table';
import { describeWithDocker } from '../helpers/docker-required';
import { NAMESPACES, startTraceTopology, type TopologyNamespace, type TraceTopology } from '../helpers/trace-topology';

await describeWithDocker('netfilter trace of one flow', () => {
  let topo: TraceTopology;
  /** Every namespace's `iptables-save` and `nft list ruleset` before any trace. */
  let pristine: Map<string, string>;

  /** The rules as a person compares them: both listings, without dates and packet counters. */
  const rules = async (ns: TopologyNamespace) => {
    const r = await topo.ns(ns).exec(['sh', '-c', 'iptables-save; echo ---; nft list ruleset']);
    expect(r.code, r.stderr).toBe(0);
    return r.stdout
      .split('\n')
      .filter((l) => !l.startsWith('#'))
      .map((l) => l.replace(/ \[\d+:\d+\]$/, '').replace(/counter packets \d+ bytes \d+/g, 'counter'))
      .join('\n');
  };
  const allRules = async () => new Map(await Promise.all(NAMESPACES.map(async (ns) => [ns, await rules(ns)] as const)));
  const expectPristine = async () => expect(await allRules()).toEqual(pristine);

  const trace = (from: TopologyNamespace, req: FlowRequest, opts: { signal?: AbortSignal; namespaces?: TraceNamespace[]; onProbe?(): void } = {}) =>
    traceProbe({
      flow: newTraceFlow(req),
      source: topo.ns(from),
      namespaces: opts.namespaces ?? NAMESPACES.map((n) => topo.ns(n)),
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.onProbe ? { onProbe: opts.onProbe } : {}),
    });
  const at = (t: ProbeTrace, node: string): NamespaceTrace => t.namespaces.find((n) => n.node === node)!;

  beforeAll(async () => {
    topo = await startTraceTopology();
    pristine = await allRules();
    expect(pristine.get('host1')).toContain('table ip kube-proxy');
  });
  afterAll(async () => {
    await topo?.remove();
  });

  it('names a DROP inserted in h2\'s FORWARD chain with its iptables-save text; the ping goes no further', async () => {
    await topo.sh('ip netns exec h2 iptables -I FORWARD -d 10.2.3.10 -j DROP');
    try {
      const t = await trace('pa', { protocol: 'icmp', dst: '10.2.3.10' });
      expect(t.probe.answered).toBe(false);
      const [request, ...others] = at(t, 'h2').packets;
      expect(others).toEqual([]);
      expect(request).toMatchObject({ role: 'request', fate: 'dropped' });
      expect(request!.decidedBy).toMatchObject({ table: 'filter', chain: 'FORWARD', rule: '-A FORWARD -d 10.2.3.10/32 -j DROP', syntax: 'iptables', verdict: 'drop' });
      expect(at(t, 'pb').packets).toEqual([]);
      for (const n of t.namespaces) expect(n.cleanup, n.node).toEqual({ verified: true, changes: [] });
    } finally {
      await topo.sh('ip netns exec h2 iptables -D FORWARD -d 10.2.3.10 -j DROP');
    }
    await expectPristine();
  });

  it('names Docker\'s DNAT of a published port and its reverse translation; the TCP probe shows SYN and SYN-ACK', async () => {
    const t = await trace('pb', { protocol: 'tcp', dst: '192.168.100.1', dstPort: 8080 });
    expect(t.probe.answered).toBe(true);
    const host1 = at(t, 'host1');
    const request = host1.packets.find((p) => p.role === 'request')!;
    expect(request.steps.map((s) => s.rule)).toContain('-A DOCKER ! -i vpa -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.2.1.2:80');
    expect(host1.connections[0]!.nat!.text).toBe(`10.2.3.10:${t.flow.srcPort} → 192.168.100.1:8080 became 10.2.3.10:${t.flow.srcPort} → 10.2.1.2:80`);
    for (const node of ['pb', 'h2', 'host1', 'pa']) {
      const flags = at(t, node).packets.map((p) => p.packet!.tcpFlags.join('+'));
      expect(flags.slice(0, 2), node).toEqual(['syn', 'syn+ack']);
    }
    // The SYN-ACK leaves pa from 10.2.1.2:80; pb sees it from 192.168.100.1:8080: conntrack undid the DNAT.
    expect(at(t, 'pa').packets[1]!.packet).toMatchObject({ src: '10.2.1.2', srcPort: 80 });
    expect(at(t, 'pb').packets[1]!.packet).toMatchObject({ src: '192.168.100.1', srcPort: 8080, dstPort: t.flow.srcPort });
  });

  it('names flannel\'s MASQUERADE in FLANNEL-POSTRTG and the source it gave the ping', async () => {
    const t = await trace('pa', { protocol: 'icmp', dst: '192.168.100.2' });
    expect(t.probe.answered).toBe(true);
    const host1 = at(t, 'host1');
    expect(host1.packets[0]!.steps.at(-1)).toMatchObject({
      chain: 'FLANNEL-POSTRTG',
      rule: '-A FLANNEL-POSTRTG -s 10.2.0.0/16 ! -d 224.0.0.0/4 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully',
      verdict: 'accept',
    });
    expect(host1.connections[0]!.nat).toMatchObject({ snat: true, after: { src: '192.168.100.1', dst: '192.168.100.2' } });
    expect(at(t, 'h2').packets.map((p) => [p.role, p.packet!.src, p.packet!.dst])).toEqual([['request', '192.168.100.1', '192.168.100.2'], ['reply', '192.168.100.2', '192.168.100.1']]);
  });

  it('names the rules of a native nft table in nft\'s words: kube-proxy\'s service DNAT and its drop', async () => {
    const service = await trace('pa', { protocol: 'tcp', dst: '10.96.100.10', dstPort: 80 });
    expect(service.probe.answered).toBe(true);
    const host1 = at(service, 'host1');
    expect(host1.packets[0]!.steps.map((s) => `${s.table} ${s.chain}: ${s.rule}`)).toContain('kube-proxy endpoint-HGNPOIJ5-default/web/tcp/http__10.2.3.10/80: meta l4proto tcp dnat to 10.2.3.10:80');
    expect(host1.connections[0]!.nat!.text).toBe(`10.2.1.2:${service.flow.srcPort} → 10.96.100.10:80 became 10.2.1.2:${service.flow.srcPort} → 10.2.3.10:80`);

    const dropped = await trace('pa', { protocol: 'icmp', dst: '10.96.7.7' });
    expect(at(dropped, 'host1').packets[0]!.decidedBy).toMatchObject({ table: 'kube-proxy', chain: 'cluster-ips-check', rule: 'ip daddr 10.96.0.0/12 drop comment "Drop traffic to unallocated ClusterIPs"', syntax: 'nft', verdict: 'drop' });
  });

  it('follows one UDP datagram and the ICMP port unreachable that answers it', async () => {
    const t = await trace('pa', { protocol: 'udp', dst: '10.2.3.10', dstPort: 5353 });
    expect(t.probe.answered).toBe(false);
    expect(t.probe.said).toContain('Connection refused');
    for (const n of t.namespaces) {
      expect(n.packets.map((p) => p.role), n.node).toEqual(['request', 'error']);
      expect(n.packets[1]!.packet).toMatchObject({ protocol: 'icmp', icmpType: 'destination-unreachable', icmpCode: 'port-unreachable' });
    }
  });

  it('keeps two traces running at once apart', async () => {
    const [ping, tcp] = await Promise.all([trace('pa', { protocol: 'icmp', dst: '10.2.3.10' }), trace('pa', { protocol: 'tcp', dst: '10.2.3.10', dstPort: 80 })]);
    for (const node of NAMESPACES) {
      expect(at(ping, node).packets.map((p) => p.packet!.protocol), node).toEqual(['icmp', 'icmp']);
      expect(new Set(at(tcp, node).packets.map((p) => p.packet!.protocol)), node).toEqual(new Set(['tcp']));
    }
    await expectPristine();
  });

  it('leaves no trace table and no rule behind when the probe fails, when it is cancelled, or when a namespace cannot be traced', async () => {
    const failing = { ...topo.ns('pa'), exec: () => Promise.reject(new Error('the probe could not start')) };
    await expect(traceProbe({ flow: newTraceFlow({ protocol: 'icmp', dst: '10.2.3.10' }), source: failing, namespaces: NAMESPACES.map((n) => topo.ns(n)) })).rejects.toThrow('the probe could not start');
    await expectPristine();

    // A SYN into a DROP waits a second for its answer: cancel it meanwhile.
    await topo.sh('ip netns exec h2 iptables -I FORWARD -d 10.2.3.10 -j DROP');
    try {
      const abort = new AbortController();
      let probing = false;
      const t = trace('pa', { protocol: 'tcp', dst: '10.2.3.10', dstPort: 80 }, { signal: abort.signal, onProbe: () => ((probing = true), setTimeout(() => abort.abort(), 200)) });
      await expect(t).rejects.toThrow('cancelled');
      expect(probing).toBe(true);
    } finally {
      await topo.sh('ip netns exec h2 iptables -D FORWARD -d 10.2.3.10 -j DROP');
    }
    await expectPristine();

    const gone: TraceNamespace = { node: 'host1/gone', exec: (argv, o) => topo.ns('host1').exec(['ip', 'netns', 'exec', 'gone', ...argv], o), spawn: (argv, o) => topo.ns('host1').spawn(['ip', 'netns', 'exec', 'gone', ...argv], o) };
    const partial = await trace('pa', { protocol: 'icmp', dst: '10.2.3.10' }, { namespaces: [topo.ns('pa'), gone, topo.ns('pb')] });
    expect(at(partial, 'host1/gone').errors[0]).toMatch(/^tracing in host1\/gone failed: .*gone/);
    expect(at(partial, 'pb').packets.map((p) => p.role)).toEqual(['request', 'reply']);
    await expectPristine();
  });

  it('loses its table when the session is killed outright, and when its time runs out', async () => {
    const flow = newTraceFlow({ protocol: 'icmp', dst: '10.2.3.10' });
    const table = traceTableName('c0ffee0001');
    const tables = async () => (await topo.ns('h2').exec(['nft', 'list', 'tables'])).stdout;
    await startTraceSession({ node: 'h2', table, commands: traceTableCommands(table, flow), ttlSeconds: 60, spawn: (argv, o) => topo.ns('h2').spawn(argv, o) });
    expect(await tables()).toContain(table);
    // SIGKILL: no trap runs; the table's owner reads EOF and the kernel deletes the table.
    // (The bracket keeps pgrep from finding the shell that runs it.)
    const pid = (await topo.sh(`pgrep -f -- 'podnet-trac[e] ${table}'`)).trim();
    expect(pid).toMatch(/^\d+$/);
    await topo.sh(`kill -KILL ${pid}`);
    await expect.poll(tables, { timeout: 5000 }).not.toContain(table);

    const timed = traceTableName('c0ffee0002');
    await startTraceSession({ node: 'h2', table: timed, commands: traceTableCommands(timed, flow), ttlSeconds: 1, spawn: (argv, o) => topo.ns('h2').spawn(argv, o) });
    expect(await tables()).toContain(timed);
    await expect.poll(tables, { timeout: 5000 }).not.toContain(timed);
    await expectPristine();
  });

  it('explains the VXLAN hop: route, neighbour and the fdb entry with the remote VTEP; a deleted fdb entry is named as missing', async () => {
    const query = { dst: '10.2.3.10', from: '10.2.1.2', iif: 'vpa' };
    const [hop] = await lookupRoutes(topo.ns('host1'), [query]);
    expect(hop!.route).toBe('10.2.3.0/24 via 10.2.3.0 dev flannel.1 onlink');
    expect(hop!.fdb).toMatchObject({ mac: '0e:00:00:00:03:00', dst: '192.168.100.2' });
    expect(hop!.missing).toBeNull();

    await topo.sh('bridge fdb del 0e:00:00:00:03:00 dev flannel.1 dst 192.168.100.2 self');
    try {
      const [broken] = await lookupRoutes(topo.ns('host1'), [query]);
      expect(broken!.missing).toBe('fdb');
      expect(broken!.lines).toContain('no fdb entry for 0e:00:00:00:03:00 on flannel.1: the kernel does not know which host to send the VXLAN packet to');
    } finally {
      await topo.sh('bridge fdb add 0e:00:00:00:03:00 dev flannel.1 dst 192.168.100.2 self permanent');
    }
    const [pod, nowhere] = await lookupRoutes(topo.ns('host1'), [{ dst: '10.2.1.2' }, { dst: '10.9.9.9', from: '10.2.1.2', iif: 'vpa' }]);
    expect(pod).toMatchObject({ missing: null, route: '10.2.1.0/24 dev vpa proto kernel scope link src 10.2.1.1' });
    expect(nowhere).toMatchObject({ missing: 'route', lines: ['no route to 10.9.9.9 (the kernel answers "Network is unreachable")'] });
  });
});
