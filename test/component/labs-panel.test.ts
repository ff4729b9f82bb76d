import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import type { LabSummary } from '../../src/shared/lab';
import LabsPanel from '../../src/renderer/src/labs/LabsPanel.svelte';
import { LabsStore } from '../../src/renderer/src/labs/labs-store.svelte';
import { apiError, ContractDouble } from './contract-double';

const BUILTIN = [{ file: '/r/labs/flannel-vxlan.yaml', name: 'flannel-vxlan', title: 'Flannel VXLAN', description: 'Two hosts, VXLAN overlay' }];
const summary = (name: string): LabSummary => ({ name, driver: 'docker', mode: 'pod-cidr', backend: 'vxlan', status: 'running', underlay: '198.18.0.0/24', hosts: [{ name: 'host1', role: 'host', address: '198.18.0.11', pods: ['a', 'b'], running: true }], source: null, owner: null, faults: [] });

function setup() {
  const api = new ContractDouble();
  const running: LabSummary[] = [];
  let finishUp: ((v: { name: string; elapsedMs: number }) => void) | null = null;
  let failUp: ((e: Error) => void) | null = null;
  api
    .handle('labs:builtin', () => BUILTIN)
    .handle('labs:list', () => [...running])
    .handle('labs:up', () => new Promise((resolve, reject) => ((finishUp = resolve), (failUp = reject))))
    .handle('labs:down', ({ name }) => {
      running.splice(running.findIndex((l) => l.name === name), 1);
      return { removed: [] };
    });
  const store = new LabsStore(api);
  const props = { store, shown: null, onshow: vi.fn(), onlaunched: vi.fn(), onstopped: vi.fn() };
  render(LabsPanel, props);
  return { api, store, props, running, finish: (v: { name: string; elapsedMs: number }) => finishUp!(v), fail: (e: Error) => failUp!(e) };
}

describe('LabsPanel', () => {
  it('launches a built-in lab and ticks its steps off as progress arrives, on that lab\u2019s card', async () => {
    const t = setup();
    await t.store.load();
    const card = await screen.findByTestId('builtin-flannel-vxlan');
    expect(card).toHaveTextContent('Two hosts, VXLAN overlay');
    await fireEvent.click(within(card).getByRole('button', { name: 'Launch Flannel VXLAN' }));
    const { opId, source } = t.api.callsTo('labs:up')[0] as { opId: string; source: unknown };
    expect(source).toEqual({ builtin: 'flannel-vxlan' });
    t.api.emit('up:progress', { opId, progress: { phase: 'image', status: 'done', detail: 'podnet/node:2 present', elapsedMs: 10 } });
    t.api.emit('up:progress', { opId, progress: { phase: 'underlay', status: 'started', elapsedMs: 12 } });
    await waitFor(() => expect(card.querySelector('[data-phase="underlay"]')).toHaveAttribute('data-status', 'started'));
    expect(card.querySelector('[data-phase="image"]')).toHaveTextContent('podnet/node:2 present');
    expect(within(card).getByRole('button', { name: 'Launch Flannel VXLAN' })).toBeDisabled();
    t.api.emit('up:progress', { opId, progress: { phase: 'hosts', status: 'started', elapsedMs: 300 } });
    await waitFor(() => expect(card.querySelector('[data-phase="underlay"]')).toHaveAttribute('data-status', 'done'));
    t.running.push(summary('flannel-vxlan'));
    t.finish({ name: 'flannel-vxlan', elapsedMs: 1900 });
    await waitFor(() => expect(t.props.onlaunched).toHaveBeenCalledWith('flannel-vxlan'));
    expect(await screen.findByTestId('running-flannel-vxlan')).toHaveTextContent('2 pods');
  });

  it('Cancel asks the engine to cancel that launch', async () => {
    const t = setup();
    await t.store.load();
    await fireEvent.click(await screen.findByRole('button', { name: 'Launch Flannel VXLAN' }));
    await fireEvent.click(await screen.findByRole('button', { name: 'Cancel' }));
    const { opId } = t.api.callsTo('labs:up')[0] as { opId: string };
    expect(t.api.callsTo('labs:cancel')).toEqual([{ opId }]);
    t.fail(apiError({ code: 'E_CANCELLED', message: 'cancelled' }));
    expect(await screen.findByText('Cancelled — nothing left behind')).toBeInTheDocument();
  });

  it('shows a lab file\u2019s diagnostics with line, column and the offending line, where the file was opened', async () => {
    const t = setup();
    await t.store.load();
    const text = 'name: mine\nhosts:\n  - name: Host1\n';
    const input = screen.getByTestId('lab-file-input') as HTMLInputElement;
    await fireEvent.change(input, { target: { files: [new File([text], 'mine.yaml', { type: 'application/yaml' })] } });
    await waitFor(() => expect(t.api.callsTo('labs:up')).toHaveLength(1));
    expect((t.api.callsTo('labs:up')[0] as { source: unknown }).source).toEqual({ text, file: 'mine.yaml' });
    t.fail(apiError({ code: 'E_SPEC', message: 'invalid lab file', diagnostics: [{ file: 'mine.yaml', line: 3, column: 11, field: 'hosts.0.name', message: 'a name must start with a lowercase letter', hint: 'host1' }] }));
    const report = await screen.findByTestId('error-report');
    expect(report).toHaveTextContent('1 problem in the lab file');
    expect(report).toHaveTextContent('mine.yaml:3:11 · hosts.0.name');
    expect(report.querySelector('pre')!.textContent).toBe('   3 |   - name: Host1\n     |           ^');
    expect(report).toHaveTextContent('Nothing was created.');
    // Not on the built-in lab's card.
    expect(within(screen.getByTestId('builtin-flannel-vxlan')).queryByTestId('error-report')).toBeNull();
  });

  it('does not read a file over 1 MiB, and says so; lists 50 problems of many and counts the rest', async () => {
    const t = setup();
    await t.store.load();
    const input = screen.getByTestId('lab-file-input') as HTMLInputElement;
    const huge = new File(['x'], 'huge.yaml', { type: 'application/yaml' });
    Object.defineProperty(huge, 'size', { value: 5 * 1024 * 1024 });
    await fireEvent.change(input, { target: { files: [huge] } });
    expect(await screen.findByText('huge.yaml is 5.0 MiB; a lab file is at most 1 MiB.')).toBeInTheDocument();
    expect(t.api.callsTo('labs:up')).toHaveLength(0);

    const text = 'name: many\nhosts: 1\n' + 'k: 1\n'.repeat(60);
    await fireEvent.change(input, { target: { files: [new File([text], 'many.yaml', { type: 'application/yaml' })] } });
    await waitFor(() => expect(t.api.callsTo('labs:up')).toHaveLength(1));
    const diagnostics = Array.from({ length: 50 }, (_, i) => ({ file: 'many.yaml', line: i + 3, column: 1, field: `k${i}`, message: `unknown key "k${i}"` }));
    t.fail(apiError({ code: 'E_SPEC', message: 'invalid lab file', diagnostics, omittedDiagnostics: 9950 }));
    const report = await screen.findByTestId('error-report');
    expect(report).toHaveTextContent('10000 problems in the lab file');
    expect(report).toHaveTextContent('… and 9950 more (the first 50 are listed).');
    expect(report.querySelectorAll('li')).toHaveLength(50);
  });

  it('stops a running lab only after asking, says who started each lab, and reports a failure next to it', async () => {
    const t = setup();
    t.running.push({ ...summary('lab-a'), owner: 'me@box', startedByYou: true }, { ...summary('lab-b'), owner: 'alice@box', startedByYou: false }, summary('lab-c'));
    await t.store.load();
    expect(within(await screen.findByTestId('running-lab-a')).getByTestId('lab-owner')).toHaveTextContent('started by you');
    expect(within(screen.getByTestId('running-lab-b')).getByTestId('lab-owner')).toHaveTextContent('started by alice@box');
    expect(within(screen.getByTestId('running-lab-c')).getByTestId('lab-owner')).toHaveTextContent('started by someone else');
    expect(screen.getByRole('button', { name: 'Show lab-a in the topology' })).toBeInTheDocument();
    // Stop asks first; Keep it changes nothing.
    await fireEvent.click(screen.getByRole('button', { name: 'Stop lab-a' }));
    const ask = within(screen.getByTestId('running-lab-a')).getByTestId('stop-confirm');
    expect(ask).toHaveTextContent('Stop lab-a? Every host is removed');
    await fireEvent.click(within(ask).getByRole('button', { name: 'Keep it' }));
    expect(t.api.callsTo('labs:down')).toEqual([]);
    expect(screen.queryByTestId('stop-confirm')).toBeNull();
    // Someone else's lab: the question says whose it is.
    await fireEvent.click(screen.getByRole('button', { name: 'Stop lab-b' }));
    expect(screen.getByTestId('stop-confirm')).toHaveTextContent('alice@box started it, not you.');
    await fireEvent.click(screen.getByRole('button', { name: 'Stop lab-a' }));
    await fireEvent.click(within(screen.getByTestId('stop-confirm')).getByRole('button', { name: 'Stop lab-a' }));
    await waitFor(() => expect(t.props.onstopped).toHaveBeenCalledWith('lab-a'));
    expect(screen.queryByTestId('running-lab-a')).toBeNull();
    t.api.handle('labs:down', () => {
      throw apiError({ code: 'E_BACKEND_UNAVAILABLE', message: 'Docker is not reachable', hint: 'start dockerd' });
    });
    await fireEvent.click(screen.getByRole('button', { name: 'Stop lab-b' }));
    await fireEvent.click(within(screen.getByTestId('stop-confirm')).getByRole('button', { name: 'Stop lab-b' }));
    const row = screen.getByTestId('running-lab-b');
    expect(await within(row).findByTestId('error-report')).toHaveTextContent('Docker is not reachable');
    expect(row).toHaveTextContent('start dockerd');
  });

  it('names what is broken in a degraded lab and offers Repair there; the lab then shows as running', async () => {
    const t = setup();
    const broken: LabSummary = { ...summary('lab-c'), status: 'degraded', faults: [{ part: 'host2', problem: 'restarted', message: 'host2 restarted (no eth0: its network state is gone)' }] };
    t.running.push(broken);
    t.api.handle('labs:repair', ({ name }) => {
      t.running.splice(0, 1, summary(name));
      return { name, repaired: broken.faults, done: ['host2: started afresh, plugged into the underlay, its plan applied again'], elapsedMs: 900 };
    });
    await t.store.load();
    const row = await screen.findByTestId('running-lab-c');
    expect(row).toHaveTextContent('degraded');
    expect(within(row).getByTestId('faults-lab-c')).toHaveTextContent('host2 restarted (no eth0: its network state is gone)');
    await fireEvent.click(within(row).getByRole('button', { name: 'Repair lab-c' }));
    expect(t.api.callsTo('labs:repair')).toEqual([{ name: 'lab-c' }]);
    expect(await within(row).findByTestId('repaired-lab-c')).toHaveTextContent('host2: started afresh');
    expect(row).toHaveTextContent('running');
    expect(within(row).queryByRole('button', { name: 'Repair lab-c' })).toBeNull();
  });

  it('a lab whose build never finished says so, and a failed repair says why next to it', async () => {
    const t = setup();
    t.running.push({ ...summary('lab-d'), status: 'failed', faults: [{ part: 'build', problem: 'unfinished', message: 'its build (pid 42) ended before the lab was up' }] });
    t.running.push({ ...summary('lab-e'), status: 'degraded', faults: [{ part: 'underlay', problem: 'stopped', message: 'the underlay switch stopped' }] });
    t.api.handle('labs:repair', () => {
      throw apiError({ code: 'E_APPLY', message: 'starting the underlay switch again failed', hint: 'podnet down lab-e' });
    });
    await t.store.load();
    const failed = await screen.findByTestId('running-lab-d');
    expect(failed).toHaveTextContent('its build (pid 42) ended before the lab was up');
    expect(failed).toHaveTextContent('Stop removes what it left');
    expect(within(failed).queryByRole('button', { name: 'Repair lab-d' })).toBeNull();
    const degraded = screen.getByTestId('running-lab-e');
    await fireEvent.click(within(degraded).getByRole('button', { name: 'Repair lab-e' }));
    expect(await within(degraded).findByTestId('error-report')).toHaveTextContent('starting the underlay switch again failed');
  });
});
