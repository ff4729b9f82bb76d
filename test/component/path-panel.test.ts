// The Path panel: its protocol and port picker asks `path:trace` for a TCP
// or UDP probe; each hop opens to its "why" (route, fdb, the rules met),
// the rule that dropped the probe is shown, and a ping stays the default.
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import PathPanel from '../../src/renderer/src/path/PathPanel.svelte';
import { PathStore } from '../../src/renderer/src/path/path-store.svelte';
import { hopWhys } from '../../src/renderer/src/path/path-text';
import type { PacketPath, PathHopWhy } from '../../src/shared/path';
import { ContractDouble } from './contract-double';
import { observed } from './fixtures';

const DROP = '-A FORWARD -d 10.2.3.10/32 -j DROP';

const why = (node: string, lines: string[], extra: Partial<PathHopWhy> = {}): PathHopWhy => ({
  node,
  leg: 'request',
  packet: 'tcp 10.2.1.2:23456 → 10.2.3.10:80 [syn]',
  iif: null,
  oif: null,
  route: [],
  missing: null,
  rules: [],
  fate: 'passed',
  nat: null,
  lines,
  ...extra,
});

const hop = (node: string, iface: string, direction: 'in' | 'out') => ({
  node,
  iface,
  ifaceKind: iface === 'flannel.1' ? 'vxlan' : 'veth',
  direction,
  offsetNs: null,
  packet: { src: '10.2.1.2', dst: '10.2.3.10', protocol: 'tcp', info: 'TCP 23456 → 80 [syn]' },
  tunnel: null,
  note: null,
});

const STOP = `host2: dropped by filter FORWARD rule 1: ${DROP}`;

const DROPPED: PacketPath = {
  lab: 'flannel-vxlan',
  from: 'host1/a',
  to: 'host2/b:80',
  protocol: 'tcp',
  port: 80,
  source: '10.2.1.2',
  destination: '10.2.3.10',
  ok: false,
  request: { hops: [hop('host1/a', 'eth0', 'out'), hop('host1', 'cni0', 'in'), hop('host1', 'flannel.1', 'out'), hop('host2', 'flannel.1', 'in')], reached: false, lastSeen: hop('host2', 'flannel.1', 'in'), reason: STOP },
  reply: { hops: [], reached: false, lastSeen: null, reason: 'no reply: the request never arrived' },
  observed: ['host1/a', 'host1', 'host2', 'host2/b'],
  trace: {
    protocol: 'tcp',
    port: 80,
    flow: 'tcp 10.2.1.2:23456 → 10.2.3.10:80',
    answered: false,
    said: 'Connection timed out',
    hops: [
      why('host1/a', ['request: tcp 10.2.1.2:23456 → 10.2.3.10:80 [syn] (made here, out eth0)', 'route: 10.2.0.0/16 via 10.2.1.1 dev eth0']),
      why('host1', ['route: 10.2.3.0/24 via 10.2.3.0 dev flannel.1 onlink', 'fdb: 0e:00:00:00:03:00 dev flannel.1 dst 198.18.0.12 self permanent']),
      why('host2', ['netfilter:', `  filter FORWARD rule 1: ${DROP} → drop`, `dropped by filter FORWARD rule 1: ${DROP}`], { fate: 'dropped' }),
    ],
    stop: { node: 'host2', leg: 'request', kind: 'rule', rule: { table: 'filter', chain: 'FORWARD', kind: 'rule', rule: DROP, syntax: 'iptables', position: 1, verdict: 'drop' }, text: STOP },
    traced: ['host1/a', 'host1', 'host2', 'host2/b'],
    cleanup: { verified: true, changes: [] },
    errors: [],
  },
};

describe('the Path panel', () => {
  it('puts each namespace\'s why under its last hop of the leg', () => {
    const { at, rest } = hopWhys(DROPPED, 'request');
    expect([...at.keys()]).toEqual([0, 2, 3]);
    expect(at.get(2)!.node).toBe('host1');
    expect(rest).toEqual([]);
  });

  it('traces TCP to a port, shows the rule that dropped it and each hop\'s why', async () => {
    const api = new ContractDouble().handle('path:trace', () => DROPPED);
    const store = new PathStore(api);
    render(PathPanel, { store, lab: 'flannel-vxlan', snapshot: observed('flannel-vxlan'), preset: null });
    await fireEvent.change(screen.getByTestId('path-from'), { target: { value: 'host1/a' } });
    await fireEvent.change(screen.getByTestId('path-to'), { target: { value: 'host2/b' } });
    expect(screen.queryByTestId('path-port')).toBeNull();
    await fireEvent.change(screen.getByTestId('path-protocol'), { target: { value: 'tcp' } });
    const submit = screen.getByRole('button', { name: 'Trace TCP' });
    // No port yet: nothing to send.
    expect(submit).toBeDisabled();
    await fireEvent.input(screen.getByTestId('path-port'), { target: { value: '80' } });
    await fireEvent.click(submit);
    expect(api.callsTo('path:trace')).toEqual([{ lab: 'flannel-vxlan', from: 'host1/a', to: 'host2/b', protocol: 'tcp', port: 80 }]);

    const result = await screen.findByTestId('path-result');
    expect(within(result).getByTestId('path-stop')).toHaveTextContent(STOP);
    expect(within(result).getByRole('radiogroup', { name: 'Leg shown' })).toHaveTextContent('SYN');
    const whys = within(result).getAllByTestId('path-hop-why');
    expect(whys.map((w) => w.dataset.node)).toEqual(['host1/a', 'host1', 'host2']);
    // The hop that dropped it is open, with the rule's text; the others open on a click.
    const host2 = whys[2] as HTMLDetailsElement;
    expect(host2.open).toBe(true);
    expect(host2).toHaveTextContent(`filter FORWARD rule 1: ${DROP} → drop`);
    const host1 = whys[1] as HTMLDetailsElement;
    expect(host1.open).toBe(false);
    await fireEvent.click(within(host1).getByText('why'));
    await waitFor(() => expect(host1.open).toBe(true));
    expect(host1).toHaveTextContent('fdb: 0e:00:00:00:03:00 dev flannel.1 dst 198.18.0.12');
  });

  it('sends a plain ping by default (no protocol, no port on the request)', async () => {
    const api = new ContractDouble().handle('path:trace', () => ({ ...DROPPED, protocol: 'icmp', port: null, trace: null }));
    const store = new PathStore(api);
    render(PathPanel, { store, lab: 'flannel-vxlan', snapshot: observed('flannel-vxlan'), preset: null });
    await fireEvent.click(screen.getByRole('button', { name: 'Trace a ping' }));
    const [request] = api.callsTo('path:trace') as Record<string, unknown>[];
    expect(request).not.toHaveProperty('protocol');
    expect(request).not.toHaveProperty('port');
    await screen.findByTestId('path-result');
  });
});
