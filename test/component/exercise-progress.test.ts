// Exercise progress as the page remembers it: each step's last check, the
// steps ever passed, hints and solutions shown, the lab chosen — kept in
// storage across sessions, and a damaged entry never breaks the page.
import { describe, expect, it } from 'vitest';
import type { StepCheck } from '../../src/shared/exercise';
import { ExerciseProgressStore } from '../../src/renderer/src/exercises/exercise-progress.svelte';
import { parseProgress, STORAGE_PREFIX, type KeyValueStorage } from '../../src/renderer/src/exercises/progress-storage';

function memoryStorage(): KeyValueStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) };
}

const result = (step: number, passed: boolean, found: string | null = null): StepCheck => ({
  step,
  title: `step ${step}`,
  passed,
  checks: [{ label: 'host1 has no fdb entry ae:e9 dev flannel.1', kind: 'fdb', status: passed ? 'passed' : 'failed', found }],
});

describe('ExerciseProgressStore', () => {
  it('remembers each step\u2019s last check; a step once passed stays done when a later check fails', () => {
    const p = new ExerciseProgressStore(memoryStorage());
    expect(p.step('flannel-vxlan', 6)).toMatchObject({ last: null, done: false });
    p.record('flannel-vxlan', [result(6, false, 'ae:e9 dev flannel.1 dst 198.18.0.12')], new Date('2024-05-01T10:00:00Z'));
    expect(p.step('flannel-vxlan', 6)).toMatchObject({ done: false, last: { passed: false, at: '2024-05-01T10:00:00.000Z' } });
    expect(p.step('flannel-vxlan', 6).last!.checks[0]!.found).toBe('ae:e9 dev flannel.1 dst 198.18.0.12');
    p.record('flannel-vxlan', [result(6, true)]);
    p.record('flannel-vxlan', [result(6, false, 'back again')]);
    expect(p.step('flannel-vxlan', 6)).toMatchObject({ done: true, last: { passed: false } });
    expect(p.doneCount('flannel-vxlan')).toBe(1);
    expect(p.doneCount('docker0')).toBe(0);
  });

  it('keeps it in storage per exercise, and a new page (a new store) reads it back', () => {
    const storage = memoryStorage();
    const first = new ExerciseProgressStore(storage);
    first.record('flannel-vxlan', [result(1, true), result(2, true)]);
    first.showHint('flannel-vxlan', 4, 1);
    first.showHint('flannel-vxlan', 4, 1); // only one hint there
    first.showSolution('flannel-vxlan', 6);
    first.setLab('flannel-vxlan', 'ui-ex6');
    expect([...storage.data.keys()]).toEqual([`${STORAGE_PREFIX}flannel-vxlan`]);

    const second = new ExerciseProgressStore(storage);
    expect(second.doneCount('flannel-vxlan')).toBe(0); // not loaded yet
    second.load(['docker0', 'flannel-vxlan']);
    expect(second.doneCount('flannel-vxlan')).toBe(2);
    expect(second.step('flannel-vxlan', 4).hints).toBe(1);
    expect(second.step('flannel-vxlan', 6).solution).toBe(true);
    expect(second.of('flannel-vxlan').lab).toBe('ui-ex6');
    expect(second.of('docker0')).toEqual({ lab: null, steps: {} });

    second.clear('flannel-vxlan');
    const third = new ExerciseProgressStore(storage);
    third.load(['flannel-vxlan']);
    expect(third.of('flannel-vxlan')).toEqual({ lab: 'ui-ex6', steps: {} });
  });

  it('ignores damaged or foreign entries, and keeps working when storage refuses to write', () => {
    expect(parseProgress('{not json')).toBeNull();
    expect(parseProgress(JSON.stringify({ version: 99, lab: null, steps: {} }))).toBeNull();
    expect(parseProgress(JSON.stringify({ version: 1, lab: 7, steps: { x: {}, 3: { done: true, hints: -2, last: { passed: true, checks: [{ label: 'l', kind: 'ping', status: 'bogus' }], at: 'now' } } } }))).toEqual({
      lab: null,
      steps: { 3: { done: true, hints: 0, solution: false, last: null } },
    });
    const refusing: KeyValueStorage = {
      getItem: () => null,
      setItem: () => {
        throw new DOMException('quota', 'QuotaExceededError');
      },
      removeItem: () => undefined,
    };
    const p = new ExerciseProgressStore(refusing);
    p.record('docker0', [result(1, true)]);
    expect(p.doneCount('docker0')).toBe(1);
    const memoryOnly = new ExerciseProgressStore(null);
    memoryOnly.showSolution('docker0', 2);
    expect(memoryOnly.step('docker0', 2).solution).toBe(true);
  });
});
