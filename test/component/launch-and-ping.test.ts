import { fireEvent, render, screen } from '@testing-library/svelte';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { applyProgress, endPhases, initialPhases } from '../../src/renderer/src/labs/launch-state';
import { socketUrl } from '../../src/renderer/src/lib/ws-transport';
import { takePageToken } from '../../src/renderer/src/lib/page-token';
import PingDialog from '../../src/renderer/src/terminals/PingDialog.svelte';
import { pingDestinations, pingSources } from '../../src/renderer/src/terminals/ping-targets';
import { observed } from './fixtures';

describe('launch steps', () => {
  it('follows the engine\u2019s progress, closing steps a later one implies, and marks the running one failed', () => {
    let p = initialPhases();
    expect(p.map((x) => x.phase)).toEqual(['image', 'underlay', 'hosts', 'pods', 'overlay', 'publishing', 'ready']);
    p = applyProgress(p, { phase: 'image', status: 'started', elapsedMs: 1 });
    p = applyProgress(p, { phase: 'underlay', status: 'started', detail: 'switch 198.18.0.0/24', elapsedMs: 5 });
    expect(p.slice(0, 3).map((x) => x.status)).toEqual(['done', 'started', 'pending']);
    p = applyProgress(p, { phase: 'publishing', status: 'skipped', detail: 'nothing to do', elapsedMs: 9 });
    expect(p.find((x) => x.phase === 'underlay')!.status).toBe('done');
    p = applyProgress(p, { phase: 'ready', status: 'started', elapsedMs: 10 });
    expect(endPhases(p, 'failed').find((x) => x.phase === 'ready')!.status).toBe('failed');
  });
});

describe('browser transport address', () => {
  it('carries the page\u2019s token to the API socket', () => {
    expect(socketUrl({ protocol: 'http:', host: '127.0.0.1:7474' }, 'abc_-1')).toBe('ws://127.0.0.1:7474/api?token=abc_-1');
  });

  it('takes the token out of the address and keeps it in this tab for reloads', () => {
    const stored = new Map<string, string>();
    const replaced: string[] = [];
    const page = (search: string) => ({
      location: { pathname: '/', search, hash: '#x' },
      history: { state: null, replaceState: (_s: unknown, _t: string, url?: string | URL | null) => void replaced.push(String(url)) },
      sessionStorage: { getItem: (k: string) => stored.get(k) ?? null, setItem: (k: string, v: string) => void stored.set(k, v) },
    });
    expect(takePageToken(page('?token=abc_-1&lab=x'))).toBe('abc_-1');
    expect(replaced).toEqual(['/?lab=x#x']);
    expect([...stored.values()]).toEqual(['abc_-1']);
    // The reload: no token in the address any more, the tab's own copy is used.
    expect(takePageToken(page(''))).toBe('abc_-1');
    expect(replaced).toHaveLength(1);
  });
});

describe('Ping…', () => {
  beforeAll(() => {
    // jsdom has <dialog> but not its modal methods.
    HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
      this.open = true;
    };
    HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
      this.open = false;
    };
  });

  it('offers pods and hosts as sources and destinations (with the internet node when there is one)', () => {
    expect(pingSources(observed('flannel-vxlan')).map((s) => s.target)).toEqual(['host1/a', 'host1/b', 'host1', 'host2/b', 'host2/c', 'host2']);
    expect(pingDestinations(observed('masquerade')).at(-1)).toEqual({ target: 'internet', label: 'internet (203.0.113.10)', address: '203.0.113.10' });
  });

  it('starts a ping from the chosen pod to another host\u2019s pod, or to a typed address', async () => {
    const onstart = vi.fn();
    render(PingDialog, { snapshot: observed('flannel-vxlan'), from: 'host1/a', onstart, onclose: vi.fn() });
    expect((screen.getByTestId('ping-from') as HTMLSelectElement).value).toBe('host1/a');
    // The default destination is on another host.
    expect((screen.getByTestId('ping-to') as HTMLSelectElement).value).toBe('host2/b');
    await fireEvent.click(screen.getByRole('button', { name: 'Start ping' }));
    expect(onstart).toHaveBeenLastCalledWith({ from: 'host1/a', address: '10.2.3.10', to: 'host2/b' });
    const custom = screen.getByPlaceholderText('e.g. 10.2.3.10');
    await fireEvent.input(custom, { target: { value: '10.2.3.999' } });
    expect(screen.getByRole('button', { name: 'Start ping' })).toBeDisabled();
    await fireEvent.input(custom, { target: { value: '10.2.3.2' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Start ping' }));
    expect(onstart).toHaveBeenLastCalledWith({ from: 'host1/a', address: '10.2.3.2', to: '10.2.3.2' });
  });
});
