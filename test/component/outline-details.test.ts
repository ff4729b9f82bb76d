import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import DetailsPanel from '../../src/renderer/src/topology/details/DetailsPanel.svelte';
import Outline from '../../src/renderer/src/topology/Outline.svelte';
import { observed, withoutRoute } from './fixtures';

describe('Outline', () => {
  it('lists every host with its underlay address, interfaces, pods with IPs and tunnels with their routes', () => {
    render(Outline, { snapshot: observed('flannel-vxlan'), selection: null, onselect: vi.fn(), onterminal: vi.fn() });
    const host1 = screen.getByTestId('outline-host-host1');
    expect(host1).toHaveTextContent('198.18.0.11');
    expect(host1).toHaveTextContent('eth0 198.18.0.11/24');
    expect(host1).toHaveTextContent('flannel.1 10.2.1.0/32');
    expect(host1).toHaveTextContent('pod a 10.2.1.2');
    expect(host1).toHaveTextContent('pod b 10.2.1.3');
    expect(within(host1).getByTestId('outline-tunnel')).toHaveTextContent('tunnel flannel.1 → host2 carries 10.2.3.0/24');
    expect(screen.getByTestId('outline-host-host2')).toHaveTextContent('pod b 10.2.3.10');
  });

  it('shows "no route" on a tunnel whose route is gone, and reacts to a new snapshot', async () => {
    const props = { snapshot: observed('flannel-vxlan'), selection: null, onselect: vi.fn(), onterminal: vi.fn() };
    const view = render(Outline, props);
    await view.rerender({ ...props, snapshot: withoutRoute(observed('flannel-vxlan'), 'host1', '10.2.3.0/24') });
    const tunnel = within(screen.getByTestId('outline-host-host1')).getByTestId('outline-tunnel');
    expect(tunnel).toHaveTextContent('no route');
    expect(tunnel.querySelector('.broken')).not.toBeNull();
  });

  it('selects with a click (or Enter) and opens terminals on hosts and pods', async () => {
    const onselect = vi.fn();
    const onterminal = vi.fn();
    render(Outline, { snapshot: observed('flannel-vxlan'), selection: null, onselect, onterminal });
    await fireEvent.click(screen.getByText('pod b 10.2.3.10'));
    expect(onselect).toHaveBeenCalledWith({ kind: 'pod', host: 'host2', pod: 'b' });
    await fireEvent.click(screen.getByRole('button', { name: 'Terminal on host1/a' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Terminal on host2' }));
    expect(onterminal.mock.calls).toEqual([['host1/a'], ['host2']]);
  });
});

describe('DetailsPanel', () => {
  it('shows a host\u2019s interfaces, routes, neighbours, fdb and nat rules', () => {
    render(DetailsPanel, { snapshot: observed('flannel-vxlan'), selection: { kind: 'host', host: 'host1' }, onterminal: vi.fn() });
    const details = screen.getByTestId('details');
    expect(details).toHaveTextContent('72:85:41:41:b4:e4'); // flannel.1 MAC
    expect(details).toHaveTextContent('10.2.3.0/2410.2.3.0flannel.1'); // route row
    expect(details).toHaveTextContent('92:1f:55:d1:e4:53'); // neighbour / fdb: host2's VTEP MAC
    expect(details).toHaveTextContent('-A FLANNEL-POSTRTG -s 10.2.0.0/16 ! -d 224.0.0.0/4');
  });

  it('explains a tunnel: VNI, remote VTEP, and the routes into it (none after a delete)', async () => {
    const sel = { kind: 'tunnel' as const, host: 'host1', dev: 'flannel.1', mac: '92:1f:55:d1:e4:53', dst: '198.18.0.12' };
    const view = render(DetailsPanel, { snapshot: observed('flannel-vxlan'), selection: sel, onterminal: vi.fn() });
    expect(screen.getByTestId('details')).toHaveTextContent('routes into it 10.2.3.0/24');
    await view.rerender({ snapshot: withoutRoute(observed('flannel-vxlan'), 'host1', '10.2.3.0/24'), selection: sel, onterminal: vi.fn() });
    expect(screen.getByTestId('details')).toHaveTextContent('routes into it none');
  });

  it('offers a terminal for pods', async () => {
    const onterminal = vi.fn();
    render(DetailsPanel, { snapshot: observed('flannel-vxlan'), selection: { kind: 'pod', host: 'host2', pod: 'b' }, onterminal });
    expect(screen.getByTestId('details')).toHaveTextContent('10.2.3.10');
    await fireEvent.click(screen.getByRole('button', { name: 'Terminal' }));
    expect(onterminal).toHaveBeenCalledWith('host2/b');
  });
});
