// Capture in the page: rows of the live packet list (with the packet inside
// VXLAN), packets streamed by id even before the start is answered, Stop,
// Save as a .pcap download (browser) or through the native dialog (desktop),
// and the panel's form offering the shown lab's hosts, pods and interfaces.
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_SHOWN } from '../../src/renderer/src/capture/capture.svelte';
import CapturePanel from '../../src/renderer/src/capture/CapturePanel.svelte';
import { captureTargets, defaultIface } from '../../src/renderer/src/capture/capture-targets';
import { CapturesStore } from '../../src/renderer/src/capture/captures-store.svelte';
import { packetRow } from '../../src/renderer/src/capture/packet-rows';
import { echoRequest, vxlanEcho } from '../helpers/captured';
import { apiError, ContractDouble } from './contract-double';
import { observed } from './fixtures';

afterEach(() => vi.restoreAllMocks());

const SUMMARY = { lab: 'flannel-vxlan', target: 'host1', iface: 'eth0', filter: 'udp port 8472', packets: 2, message: '2 packets captured', reason: 'stopped' as const };

describe('packet rows', () => {
  it('time since the first packet, addresses with ports, protocol, length; for VXLAN the VNI and the packet inside', () => {
    const t0 = 1_700_000_000.5;
    expect(packetRow(echoRequest(1, t0, 7), t0)).toMatchObject({ index: 1, time: '0.000000', source: '10.2.1.2', destination: '10.2.3.10', protocol: 'ICMP', inner: null });
    const v = packetRow(vxlanEcho(2, t0 + 0.000125, 1), t0);
    expect(v).toMatchObject({ time: '0.000125', source: '198.18.0.11:40000', destination: '198.18.0.12:8472', protocol: 'VXLAN' });
    expect(v.inner).toMatch(/^VNI 1 · 10\.2\.1\.2 → 10\.2\.3\.10 ICMP echo request/);
    expect(v.length).toBeGreaterThan(packetRow(echoRequest(3, t0), t0).length + 49);
  });

  it('offers every host, pod and the internet node with their interfaces (and any), eth0 first', () => {
    const targets = captureTargets(observed('masquerade'));
    expect(targets.map((t) => t.target)).toEqual(['host1', 'host1/a', 'host2', 'host2/b', 'internet']);
    const host1 = targets[0]!;
    expect(host1.ifaces).toEqual(expect.arrayContaining(['eth0', 'cni0', 'any']));
    expect(host1.ifaces).not.toContain('lo');
    expect(defaultIface(host1)).toBe('eth0');
    expect(defaultIface(undefined)).toBe('any');
  });
});

/** jsdom's Blob has no arrayBuffer(); its FileReader reads one. */
function blobBytes(b: Blob): Promise<ArrayBuffer> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(r.result as ArrayBuffer);
    r.onerror = () => reject(r.error);
    r.readAsArrayBuffer(b);
  });
}

function setup() {
  const api = new ContractDouble();
  const store = new CapturesStore(api);
  return { api, store };
}

describe('CapturesStore and the capture panel', () => {
  it('starts on the chosen interface with a filter, lists packets as they stream in, Stop ends it', async () => {
    const { api, store } = setup();
    let answer!: () => void;
    api.handle('capture:start', () => new Promise<void>((r) => (answer = r)));
    api.handle('capture:stop', () => SUMMARY);
    render(CapturePanel, { store, lab: 'flannel-vxlan', snapshot: observed('flannel-vxlan'), preset: null });
    expect((screen.getByTestId('capture-target') as HTMLSelectElement).value).toBe('host1');
    expect((screen.getByTestId('capture-iface') as HTMLSelectElement).value).toBe('eth0');
    await fireEvent.input(screen.getByTestId('capture-filter'), { target: { value: 'udp port 8472' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Start capture' }));
    const [request] = api.callsTo('capture:start') as { id: string }[];
    expect(request).toEqual({ id: expect.stringMatching(/^c-[a-z0-9]+-1$/), lab: 'flannel-vxlan', target: 'host1', iface: 'eth0', filter: 'udp port 8472' });
    // Packets can overtake the answer to capture:start.
    api.emit('capture:packets', { id: request!.id, packets: [vxlanEcho(1, 100), vxlanEcho(2, 100.001)] });
    answer();
    const current = await screen.findByTestId('capture-current');
    await waitFor(() => expect(current).toHaveAttribute('data-status', 'running'));
    const rows = within(current).getAllByTestId('packet');
    expect(rows).toHaveLength(2);
    expect(rows[1]).toHaveAttribute('data-protocol', 'VXLAN');
    expect(rows[1]).toHaveTextContent('198.18.0.11:40000');
    expect(within(rows[1]!).getByTestId('packet-inner')).toHaveTextContent('VNI 1 · 10.2.1.2 → 10.2.3.10 ICMP echo request');
    expect(current).toHaveTextContent('2 packets');
    // A click on a packet shows its headers, with their sizes: the outer ones and the frame inside the tunnel.
    expect(within(current).queryByTestId('packet-details')).toBeNull();
    await fireEvent.click(within(rows[1]!).getByRole('button', { name: 'Packet 2: show its headers' }));
    const details = within(current).getByTestId('packet-details');
    expect(within(details).getAllByTestId('packet-layer').map((l) => l.dataset.layer)).toEqual([
      'Ethernet II',
      'Internet Protocol version 4',
      'User Datagram Protocol',
      'Virtual eXtensible Local Area Network',
      'Ethernet II',
      'Internet Protocol version 4',
      'Internet Control Message Protocol',
      'Data',
    ]);
    expect(within(details).getAllByTestId('packet-layer')[3]).toHaveTextContent('VXLAN Network Identifier (VNI) 1');
    const p2 = vxlanEcho(2, 100.001);
    expect(within(details).getByTestId('tunnel-sizes')).toHaveTextContent(`VXLAN adds 50 bytes (14 Ethernet + 20 IPv4 + 8 UDP + 8 VXLAN) in front of a ${p2.length - 50}-byte frame: ${p2.length} = ${p2.length - 50} + 50`);
    await fireEvent.click(within(details).getByRole('button', { name: "Close the packet's headers" }));
    expect(within(current).queryByTestId('packet-details')).toBeNull();
    // Other captures' packets stay out.
    api.emit('capture:packets', { id: 'c-other', packets: [echoRequest(1, 1)] });
    await fireEvent.click(within(current).getByRole('button', { name: '■ Stop' }));
    expect(api.callsTo('capture:stop')).toEqual([{ id: request!.id }]);
    await waitFor(() => expect(current).toHaveAttribute('data-status', 'ended'));
    expect(current).toHaveTextContent('2 packets captured');
    expect(within(current).getAllByTestId('packet')).toHaveLength(2);
  });

  it('Save downloads the .pcap in a browser, and says where the desktop app\u2019s dialog put it', async () => {
    const { api, store } = setup();
    api.handle('capture:start', () => undefined);
    const bytes = Buffer.from([0x4d, 0x3c, 0xb2, 0xa1, 2, 0, 4, 0]);
    api.handle('capture:save', () => ({ how: 'download', name: 'flannel-vxlan-host1-eth0-20240501-120000.pcap', base64: bytes.toString('base64') }));
    const blobs: Blob[] = [];
    URL.createObjectURL = vi.fn((b: Blob) => (blobs.push(b), 'blob:pcap'));
    URL.revokeObjectURL = vi.fn();
    const clicked: HTMLAnchorElement[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this);
    });
    const c = await store.start('flannel-vxlan', { target: 'host1', iface: 'eth0' });
    await store.save(c.id);
    expect(clicked[0]!.download).toBe('flannel-vxlan-host1-eth0-20240501-120000.pcap');
    expect(blobs[0]!.type).toBe('application/vnd.tcpdump.pcap');
    expect(new Uint8Array(await blobBytes(blobs[0]!))).toEqual(new Uint8Array(bytes));
    expect(c.saved).toBe('flannel-vxlan-host1-eth0-20240501-120000.pcap');

    api.handle('capture:save', () => ({ how: 'dialog', path: '/home/me/vxlan.pcap' }));
    await store.save(c.id);
    expect(c.saved).toBe('/home/me/vxlan.pcap');
    expect(clicked).toHaveLength(1);
  });

  it('a capture that cannot start says why; Close forgets a capture and stops it on the host', async () => {
    const { api, store } = setup();
    api.handle('capture:start', ({ iface }) => {
      if (iface === 'eth9') throw apiError({ code: 'E_TARGET', message: 'capture on host1 eth9 failed: No such device exists', hint: 'list the interfaces' });
    });
    render(CapturePanel, { store, lab: 'flannel-vxlan', snapshot: observed('flannel-vxlan'), preset: null });
    const bad = await store.start('flannel-vxlan', { target: 'host1', iface: 'eth9' });
    expect(bad.status).toBe('failed');
    expect(await screen.findByTestId('error-report')).toHaveTextContent('No such device exists');
    const good = await store.start('flannel-vxlan', { target: 'host1/a', iface: 'any' });
    expect(store.selected).toBe(good);
    await fireEvent.click(await screen.findByRole('button', { name: 'Close capture host1/a any' }));
    expect(api.callsTo('capture:discard')).toEqual([{ id: good.id }]);
    store.close(bad.id);
    expect(api.callsTo('capture:discard')).toHaveLength(1); // a failed one never ran
    expect(store.captures).toEqual([]);
  });

  it('keeps the latest packets in the page when a capture floods, and counts them all', async () => {
    const { api, store } = setup();
    api.handle('capture:start', () => undefined);
    const c = await store.start('l', { target: 'host1', iface: 'eth0' });
    const batch = Array.from({ length: MAX_SHOWN + 10 }, (_, i) => echoRequest(i + 1, 10 + i / 1000));
    api.emit('capture:packets', { id: c.id, packets: batch });
    expect(c.total).toBe(MAX_SHOWN + 10);
    expect(c.packets).toHaveLength(MAX_SHOWN);
    expect(c.packets[0]!.index).toBe(11);
    expect(c.t0).toBe(batch[0]!.time);
  });

  it('takes the target and interface chosen from the topology\u2019s menu, and an exercise hint\u2019s filter', async () => {
    const { store } = setup();
    const { rerender } = render(CapturePanel, { store, lab: 'flannel-vxlan', snapshot: observed('flannel-vxlan'), preset: { target: 'host2', iface: 'flannel.1' } });
    expect((screen.getByTestId('capture-target') as HTMLSelectElement).value).toBe('host2');
    expect((screen.getByTestId('capture-iface') as HTMLSelectElement).value).toBe('flannel.1');
    await rerender({ preset: { target: 'host1', iface: 'eth0', filter: 'udp port 8472' } });
    expect((screen.getByTestId('capture-target') as HTMLSelectElement).value).toBe('host1');
    expect((screen.getByTestId('capture-filter') as HTMLInputElement).value).toBe('udp port 8472');
  });
});
