// Every exercise that ships parses, names only hosts and pods its lab has,
// uses only plain-argv command lines, and covers the curriculum in order.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadExercises } from '../../src/engine/exercises/exercise-catalog';
import { splitCommandLine } from '../../src/engine/exercises/command-line';
import { blankPlaceholders } from '../../src/engine/exercises/placeholders';

const RESOURCES = fileURLToPath(new URL('../../resources', import.meta.url));

describe('the built-in exercises', async () => {
  const entries = await loadExercises(RESOURCES);

  it('are the curriculum, in order, each on its lab', () => {
    expect(entries.map((e) => [e.exercise.number, e.exercise.id, e.exercise.lab])).toEqual([
      [1, 'docker0', 'docker0'],
      [2, 'two-docker-hosts', 'docker0'],
      [3, 'port-publishing', 'port-publish'],
      [4, 'kubernetes-model', 'pod-cidr'],
      [5, 'overlay-by-hand', 'pod-cidr'],
      [6, 'flannel-vxlan', 'flannel-vxlan'],
      [7, 'host-gw', 'flannel-host-gw'],
      [8, 'ip-masquerade', 'masquerade'],
      [9, 'cluster-ip', 'services'],
      [10, 'nodeport', 'services'],
      [11, 'cluster-dns', 'services'],
      [12, 'hostport', 'services'],
      [13, 'kube-proxy-nftables', 'services-nft'],
    ]);
  });

  it.each(entries.map((e) => [e.exercise.id, e] as const))('%s: every step has prose, a check, and plain-argv commands', (_id, { exercise }) => {
    expect(exercise.intro.length).toBeGreaterThan(200);
    for (const step of exercise.exerciseSteps) {
      expect(step.checks.length, `step ${step.number}`).toBeGreaterThan(0);
      expect(step.checkLabels).toHaveLength(step.checks.length);
      expect(step.blocks.some((b) => b.type === 'prose')).toBe(true);
      for (const b of step.blocks) if (b.type === 'commands') for (const c of b.commands) expect(splitCommandLine(blankPlaceholders(c)).length).toBeGreaterThan(0);
    }
  });

  it('ask the learner to change something in most exercises', () => {
    const changing = entries.filter((e) => e.exercise.exerciseSteps.some((s) => s.changes));
    expect(changing.length).toBeGreaterThanOrEqual(7);
  });

  it('exercise 5 passes only when the ping works', () => {
    const last = entries[4]!.exercise.exerciseSteps.at(-1)!;
    expect(last.checks).toContainEqual(expect.objectContaining({ kind: 'ping', from: 'host1/a', to: 'host2/b', expect: 'success' }));
  });
});
