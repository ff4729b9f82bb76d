// The exercise panel over the contract double: the curriculum, starting an
// exercise's lab with launch progress, Run in terminal (tcpdump in its own
// terminal), hints and solutions on demand, checks turning passed or failed
// with what was found, progress kept — and prose that can never inject HTML.
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import type { CommandBlock, StepCheck } from '../../src/shared/exercise';
import type { LabSummary } from '../../src/shared/lab';
import { checkRows, stepState } from '../../src/renderer/src/exercises/check-state';
import { ExerciseProgressStore } from '../../src/renderer/src/exercises/exercise-progress.svelte';
import ExercisesPanel from '../../src/renderer/src/exercises/ExercisesPanel.svelte';
import { ExercisesStore } from '../../src/renderer/src/exercises/exercises-store.svelte';
import { safeHref } from '../../src/renderer/src/exercises/markdown';
import { LabsStore } from '../../src/renderer/src/labs/labs-store.svelte';
import { apiError, ContractDouble } from './contract-double';
import { exercise, SUMMARY } from './exercise-fixture';

const running = (name: string): LabSummary => ({ name, driver: 'docker', mode: 'pod-cidr', backend: 'vxlan', status: 'running', faults: [], underlay: '198.18.0.0/24', hosts: [], source: null, owner: null });

describe('check states', () => {
  const last = { passed: false, at: 't', checks: [{ label: 'old label', kind: 'fdb' as const, status: 'failed' as const, found: 'ae:e9 dev flannel.1 dst 198.18.0.12' }, { label: 'p', kind: 'ping' as const, status: 'passed' as const, found: null }] };

  it('pending before any check, checking while one runs, else what the lab said, labelled as the exercise says now', () => {
    const labels = ['host1 has no fdb entry', 'ping gets no reply'];
    expect(checkRows(labels, null, false).map((r) => r.state)).toEqual(['pending', 'pending']);
    expect(checkRows(labels, last, true).map((r) => r.state)).toEqual(['checking', 'checking']);
    expect(checkRows(labels, last, false)).toEqual([
      { label: 'host1 has no fdb entry', state: 'failed', found: 'ae:e9 dev flannel.1 dst 198.18.0.12' },
      { label: 'ping gets no reply', state: 'passed', found: null },
    ]);
    // The exercise changed since: a remembered result with another number of checks counts as none.
    expect(checkRows(['only one'], last, false)[0]!.state).toBe('pending');
    expect([stepState(2, null, false), stepState(2, last, false), stepState(2, { ...last, passed: true }, false), stepState(2, last, true), stepState(3, last, false)]).toEqual([
      'pending',
      'failed',
      'passed',
      'checking',
      'pending',
    ]);
  });

  it('links only to web addresses', () => {
    expect(safeHref('https://github.com/flannel-io/flannel')).toBe('https://github.com/flannel-io/flannel');
    for (const bad of ['javascript:alert(1)', 'data:text/html,x', 'file:///etc/passwd', '/relative', 'vbscript:x']) expect(safeHref(bad)).toBeNull();
  });
});

function setup(opts: { labRunning?: boolean } = {}) {
  const api = new ContractDouble();
  const labs: LabSummary[] = opts.labRunning ? [running('flannel-vxlan')] : [];
  let finishStart: ((v: { name: string; elapsedMs: number }) => void) | null = null;
  let answerCheck: ((r: StepCheck[]) => void) | null = null;
  api
    .handle('labs:list', () => [...labs])
    .handle('exercises:list', () => [SUMMARY])
    .handle('exercises:get', ({ lab }) => exercise(lab ?? null))
    .handle('exercises:start', () => new Promise((resolve) => (finishStart = resolve)))
    .handle('exercises:check', () => new Promise((resolve) => (answerCheck = resolve)));
  const storage = new Map<string, string>();
  const progress = new ExerciseProgressStore({ getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => void storage.set(k, v), removeItem: (k) => void storage.delete(k) });
  const store = new ExercisesStore(api, progress);
  const labsStore = new LabsStore(api);
  const props = { store, labs: labsStore, onshow: vi.fn(), onlaunched: vi.fn(), onrun: vi.fn(async () => undefined), ontool: vi.fn() };
  render(ExercisesPanel, props);
  return {
    api,
    store,
    labsStore,
    props,
    storage,
    labs,
    finishStart: (v: { name: string; elapsedMs: number }) => finishStart!(v),
    answerCheck: (r: StepCheck[]) => answerCheck!(r),
  };
}

async function openExercise(t: ReturnType<typeof setup>) {
  await t.labsStore.refresh();
  await t.store.load();
  await fireEvent.click(await screen.findByRole('button', { name: 'Exercise 6: flannel VXLAN' }));
  return screen.findByTestId('exercise-view');
}

describe('ExercisesPanel', () => {
  it('lists the curriculum with the progress remembered for each exercise', async () => {
    const t = setup();
    t.storage.set('podnet.exercise.flannel-vxlan', JSON.stringify({ version: 1, lab: null, steps: { 1: { done: true, hints: 0, solution: false, last: null } } }));
    await t.store.load();
    const item = await screen.findByTestId('exercise-6');
    expect(item).toHaveTextContent('flannel VXLAN');
    expect(item).toHaveTextContent('lab flannel-vxlan · 2 steps · ~20 min');
    expect(item).toHaveTextContent('1/2');
    // Progress remembered: no "start here".
    expect(screen.queryByTestId('start-here')).toBeNull();
  });

  it('on a first visit says where to start: the first exercise of the curriculum', async () => {
    const t = setup();
    await t.store.load();
    const start = await screen.findByTestId('start-here');
    expect(start).toHaveTextContent('New here? Start with exercise 6, flannel VXLAN');
    await fireEvent.click(within(start).getByRole('button', { name: 'Start with exercise 6' }));
    expect(await screen.findByTestId('exercise-view')).toHaveTextContent('6. flannel VXLAN');
  });

  it('starts the exercise\u2019s lab under the chosen name with launch progress, then fills the commands in from it', async () => {
    const t = setup();
    const view = await openExercise(t);
    // Not running: the commands still hold placeholders and nothing can run.
    expect(t.api.callsTo('exercises:get')).toEqual([{ id: 'flannel-vxlan' }]);
    for (const b of within(view).getAllByTestId('run-command')) expect(b).toBeDisabled();
    expect(within(view).getByRole('button', { name: 'Check step 1' })).toBeDisabled();

    const name = within(view).getByTestId('exercise-lab');
    await fireEvent.input(name, { target: { value: 'ui-ex6' } });
    await fireEvent.change(name);
    await fireEvent.click(within(view).getByRole('button', { name: 'Start lab' }));
    const { opId, ...request } = t.api.callsTo('exercises:start')[0] as { opId: string };
    expect(request).toEqual({ id: 'flannel-vxlan', lab: 'ui-ex6' });
    t.api.emit('up:progress', { opId, progress: { phase: 'hosts', status: 'started', elapsedMs: 5 } });
    await waitFor(() => expect(view.querySelector('[data-phase="hosts"]')).toHaveAttribute('data-status', 'started'));
    t.labs.push(running('ui-ex6'));
    t.finishStart({ name: 'ui-ex6', elapsedMs: 2100 });
    await waitFor(() => expect(t.props.onlaunched).toHaveBeenCalledWith('ui-ex6'));
    await waitFor(() => expect(t.api.callsTo('exercises:get').at(-1)).toEqual({ id: 'flannel-vxlan', lab: 'ui-ex6' }));
    await waitFor(() => expect(within(view).getAllByTestId('run-command')[0]).toBeEnabled());
    expect(within(view).getByText('running')).toBeInTheDocument();
    expect(within(view).getByRole('button', { name: 'Reset lab' })).toBeEnabled();
    // The name is remembered with the exercise.
    expect(JSON.parse(t.storage.get('podnet.exercise.flannel-vxlan')!).lab).toBe('ui-ex6');
  });

  it('Run in terminal hands the command and its target over; a waiting command asks for a terminal of its own', async () => {
    const t = setup({ labRunning: true });
    const view = await openExercise(t);
    await waitFor(() => expect(within(view).getAllByTestId('run-command')[0]).toBeEnabled());
    await fireEvent.click(within(view).getByRole('button', { name: 'Run in terminal on host1: tcpdump -ni eth0 -c 4 udp port 8472' }));
    await fireEvent.click(within(view).getByRole('button', { name: 'Run in terminal on host1/a: ping -c 2 10.2.3.10' }));
    expect(t.props.onrun.mock.calls.map((call: unknown[]) => {
      const [lab, block, command] = call as [string, CommandBlock, string];
      return [lab, block.target, block.waits, command];
    })).toEqual([
      ['flannel-vxlan', 'host1', true, 'tcpdump -ni eth0 -c 4 udp port 8472'],
      ['flannel-vxlan', 'host1/a', false, 'ping -c 2 10.2.3.10'],
    ]);
    expect(within(view).getByText('own terminal')).toBeInTheDocument();
  });

  it('shows hints one at a time and the solution only when asked, and remembers both', async () => {
    const t = setup({ labRunning: true });
    const view = await openExercise(t);
    const step1 = await within(view).findByTestId('step-1');
    expect(within(step1).queryByText('The capture panel shows', { exact: false })).toBeNull();
    await fireEvent.click(within(step1).getByRole('button', { name: 'Show a hint (3 left)' }));
    expect(within(step1).getByText('The capture panel shows', { exact: false })).toBeInTheDocument();
    await fireEvent.click(within(step1).getByRole('button', { name: 'Another hint (2 left)' }));
    await fireEvent.click(within(step1).getByRole('button', { name: 'Another hint (1 left)' }));
    expect(within(step1).queryByRole('button', { name: /hint/ })).toBeNull();

    // A hint's tool opens the panel filled in, for the exercise's lab — no CLI command to copy.
    expect(step1).not.toHaveTextContent('podnet');
    await fireEvent.click(within(step1).getByRole('button', { name: /Capture on host1 eth0 \(udp port 8472\)/ }));
    expect(t.props.ontool).toHaveBeenLastCalledWith('flannel-vxlan', { panel: 'capture', on: 'host1', iface: 'eth0', filter: 'udp port 8472' });
    await fireEvent.click(within(step1).getByRole('button', { name: /Trace host1\/a → host2\/b in the Path panel/ }));
    expect(t.props.ontool).toHaveBeenLastCalledWith('flannel-vxlan', { panel: 'path', from: 'host1/a', to: 'host2/b' });

    const step2 = within(view).getByTestId('step-2');
    expect(within(step2).queryAllByTestId('command-block')).toHaveLength(0);
    expect(step2).toHaveTextContent('You change something in the lab here');
    await fireEvent.click(within(step2).getByRole('button', { name: 'Show the solution' }));
    const block = within(step2).getByTestId('command-block');
    expect(block).toHaveAttribute('data-role', 'solution');
    expect(block).toHaveTextContent('bridge fdb del ae:e9:ab:3c:f3:31 dev flannel.1 self');
    const saved = JSON.parse(t.storage.get('podnet.exercise.flannel-vxlan')!);
    expect(saved.steps[1].hints).toBe(3);
    // The closing box: the same objects on a real cluster.
    expect(within(view).getByTestId('real-world')).toHaveTextContent("On a real cluster kubectl get nodes -o jsonpath='{..podCIDR}'");
    expect(saved.steps[2].solution).toBe(true);
  });

  it('Check asks the lab; each check turns passed, or failed with what was found; the step is remembered as done', async () => {
    const t = setup({ labRunning: true });
    const view = await openExercise(t);
    const step2 = await within(view).findByTestId('step-2');
    await waitFor(() => expect(within(step2).getByRole('button', { name: 'Check step 2' })).toBeEnabled());
    expect(step2).toHaveAttribute('data-state', 'pending');
    await fireEvent.click(within(step2).getByRole('button', { name: 'Check step 2' }));
    expect(t.api.callsTo('exercises:check')).toEqual([{ id: 'flannel-vxlan', lab: 'flannel-vxlan', step: 2 }]);
    await waitFor(() => expect(step2).toHaveAttribute('data-state', 'checking'));
    expect(within(step2).getAllByTestId('check').map((c) => c.dataset.state)).toEqual(['checking', 'checking']);
    const labels = exercise().exerciseSteps[1]!.checkLabels;
    t.answerCheck([
      {
        step: 2,
        title: 'Break the tunnel',
        passed: false,
        checks: [
          { label: labels[0]!, kind: 'fdb', status: 'failed', found: 'ae:e9:ab:3c:f3:31 dev flannel.1 dst 198.18.0.12' },
          { label: labels[1]!, kind: 'ping', status: 'failed', found: '2/2 replies from 10.2.3.10' },
        ],
      },
    ]);
    await waitFor(() => expect(step2).toHaveAttribute('data-state', 'failed'));
    const rows = within(step2).getAllByTestId('check');
    expect(rows.map((c) => c.dataset.state)).toEqual(['failed', 'failed']);
    expect(rows[0]).toHaveTextContent('found: ae:e9:ab:3c:f3:31 dev flannel.1 dst 198.18.0.12');
    expect(rows[1]).toHaveTextContent('found: 2/2 replies from 10.2.3.10');

    await fireEvent.click(within(step2).getByRole('button', { name: 'Check step 2' }));
    t.answerCheck([{ step: 2, title: 'Break the tunnel', passed: true, checks: labels.map((label, i) => ({ label, kind: i ? 'ping' : 'fdb', status: 'passed', found: null })) }]);
    await waitFor(() => expect(step2).toHaveAttribute('data-state', 'passed'));
    expect(within(step2).getAllByTestId('check').map((c) => c.dataset.state)).toEqual(['passed', 'passed']);
    expect(within(view).getByTestId('exercise-done')).toHaveTextContent('1 of 2 steps passed');
  });

  it('fills in commands the lab could not fill before, after a check (a step built what they name)', async () => {
    const t = setup({ labRunning: true });
    let filled = false;
    t.api.handle('exercises:get', ({ lab }) => (lab && filled ? exercise(lab) : exercise(null)));
    t.api.handle('exercises:check', () => {
      filled = true;
      return [{ step: 1, title: 'Watch the encapsulation', passed: true, checks: [{ label: 'ping host1/a → host2/b gets replies', kind: 'ping', status: 'passed', found: null }] }];
    });
    const view = await openExercise(t);
    await fireEvent.click(await within(view).findByRole('button', { name: 'Show the solution' }));
    const solution = () => within(within(view).getByTestId('step-2')).getByTestId('run-command');
    expect(solution()).toBeDisabled();
    expect(solution()).toHaveAttribute('title', expect.stringMatching(/filled in from the running lab/));
    await fireEvent.click(within(view).getByRole('button', { name: 'Check step 1' }));
    await waitFor(() => expect(solution()).toBeEnabled());
    expect(solution().getAttribute('aria-label')).toContain('ae:e9:ab:3c:f3:31');
  });

  it('a check that cannot run (the lab is gone) says why at the step', async () => {
    const t = setup({ labRunning: true });
    t.api.handle('exercises:check', () => Promise.reject(apiError({ code: 'E_LAB_NOT_FOUND', message: 'no lab named "flannel-vxlan" is running' })));
    const view = await openExercise(t);
    const step1 = await within(view).findByTestId('step-1');
    await waitFor(() => expect(within(step1).getByRole('button', { name: 'Check step 1' })).toBeEnabled());
    await fireEvent.click(within(step1).getByRole('button', { name: 'Check step 1' }));
    expect(await within(step1).findByTestId('error-report')).toHaveTextContent('no lab named "flannel-vxlan" is running');
    expect(step1).toHaveAttribute('data-state', 'pending');
  });

  it('renders the exercise\u2019s Markdown as elements and text only: no HTML from the file, no script links', async () => {
    const t = setup({ labRunning: true });
    const view = await openExercise(t);
    const step1 = await within(view).findByTestId('step-1');
    expect(view.querySelector('strong')).toHaveTextContent('leases');
    expect(step1.querySelector('img')).toBeNull();
    expect(step1).toHaveTextContent('<img src=x onerror="window.pwned=1">');
    const links = [...step1.querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['https://github.com/flannel-io/flannel']);
    expect(links[0]).toHaveAttribute('rel', 'noopener noreferrer');
    expect(within(step1).getByText('docs').tagName).toBe('SPAN');
    expect((window as unknown as { pwned?: number }).pwned).toBeUndefined();
  });
});
