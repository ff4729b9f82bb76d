import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import type { LabSummary } from '../../src/shared/lab';
import LabsPanel from '../../src/renderer/src/labs/LabsPanel.svelte';
import { LabsStore } from '../../src/renderer/src/labs/labs-store.svelte';
import { apiError, ContractDouble } from './contract-double';

const BUILTIN = [{ file: '/r/labs/flannel-vxlan.yaml', name: 'flannel-vxlan', title: 'Flannel VXLAN', description: 'Two hosts, VXLAN overlay' }];
const summary = (name: string): LabSummary => ({ name, driver: 'docker', mode: 'pod-cidr', backend: 'vxlan', status: 'running', underlay: '198.18.0.0/24', hosts: [{ name: 'host1', role: 'host', address: '198.18.0.11', pods: ['a', 'b'], running: true }], source: null });

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

  it('stops a running lab only after asking, says who started each lab, and reports a failure next to it', async () => {
    const t = setup();
    t.running.push({ ...summary('lab-a'), startedBy: 'me@box', startedByYou: true }, { ...summary('lab-b'), startedBy: 'alice@box', startedByYou: false }, summary('lab-c'));
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
});
