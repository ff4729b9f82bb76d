// The play-through rules, on a fake lab: a change step's check must fail
// before its solution and pass after; try commands must exit as written;
// `waits` commands run alongside the commands after them.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { PlayEvent } from '../../src/shared/exercise';
import { parseExercise } from '../../src/engine/exercises/parse-exercise';
import { playExerciseSteps } from '../../src/engine/exercises/play-exercise';
import { parseLab } from '../../src/engine/spec/parse-lab';
import { fakeLab } from '../helpers/fake-check-env';
import { fixtureSnapshot } from '../helpers/snapshots';

const labFile = fileURLToPath(new URL('../../resources/labs/flannel-vxlan.yaml', import.meta.url));
const spec = parseLab(readFileSync(labFile, 'utf8'), labFile).spec;

function exercise(body: string) {
  return parseExercise(`---\nid: t\ntitle: T\nlab: flannel-vxlan\nminutes: 1\n---\n\nIntro.\n\n${body}`, 't.md', 1, () => spec);
}

const BREAK_AND_FIX = `
## Look

Prose.

\`\`\`try host1
ip route
\`\`\`

\`\`\`check
route: { on: host1, dst: 10.2.3.0/24, dev: flannel.1 }
\`\`\`

## Break it

Prose.

\`\`\`solution host1
ip route del 10.2.3.0/24
\`\`\`

\`\`\`try host1/a fails
ping -c 1 -W 1 {{ip host2/b}}
\`\`\`

\`\`\`check
- route: { on: host1, dst: 10.2.3.0/24, expect: absent }
- ping: { from: host1/a, to: host2/b, expect: failure }
\`\`\`
`;

/** A lab whose route 10.2.3.0/24 on host1 can be deleted; pings work while it exists. */
function routedLab() {
  return fakeLab(fixtureSnapshot('flannel-vxlan'), {
    exec: (target, argv, lab) => {
      if (argv.join(' ') === 'ip route del 10.2.3.0/24') {
        const h1 = lab.snapshot.hosts[0]!;
        h1.routes = h1.routes.filter((r) => r.dst !== '10.2.3.0/24');
      }
      const routed = lab.snapshot.hosts[0]!.routes.some((r) => r.dst === '10.2.3.0/24');
      return { code: argv[0] === 'ping' && !routed ? 1 : 0, stdout: '', stderr: '' };
    },
    ping: (_from, _to, lab) => lab.snapshot.hosts[0]!.routes.some((r) => r.dst === '10.2.3.0/24'),
  });
}

describe('playing an exercise', () => {
  it('plays correctly: observe, then a change whose check fails before and passes after; placeholders filled', async () => {
    const lab = routedLab();
    const events: PlayEvent['type'][] = [];
    const steps = await playExerciseSteps(exercise(BREAK_AND_FIX), { env: lab.env, onEvent: (e) => events.push(e.type) });
    expect(steps.map((s) => [s.step, s.ok, s.problem])).toEqual([
      [1, true, null],
      [2, true, null],
    ]);
    expect(steps[0]!.before).toBeNull();
    expect(steps[1]!.before?.passed).toBe(false);
    expect(steps[1]!.after?.passed).toBe(true);
    expect(lab.ran).toEqual(['host1: ip route', 'host1: ip route del 10.2.3.0/24', 'host1/a: ping -c 1 -W 1 10.2.3.10']);
    expect(events).toEqual(['step', 'command', 'check', 'step-done', 'step', 'check', 'command', 'command', 'check', 'step-done']);
  });

  it('a change step whose check already passes did not play as written', async () => {
    const lab = routedLab();
    lab.snapshot.hosts[0]!.routes = lab.snapshot.hosts[0]!.routes.filter((r) => r.dst !== '10.2.3.0/24');
    const [, step2] = await playExerciseSteps(exercise(BREAK_AND_FIX), { env: lab.env });
    expect(step2!.ok).toBe(false);
    expect(step2!.problem).toContain('the check passed before the solution ran');
  });

  it('a command that does not exit as written, and a check that fails after, are reported', async () => {
    const lab = fakeLab(fixtureSnapshot('flannel-vxlan'), { exec: () => ({ code: 2, stdout: '', stderr: 'RTNETLINK answers: No such process' }) });
    const [, step2] = await playExerciseSteps(exercise(BREAK_AND_FIX), { env: lab.env });
    expect(step2!.ok).toBe(false);
    expect(step2!.commands[0]).toMatchObject({ role: 'solution', code: 2, ok: false, output: 'RTNETLINK answers: No such process' });
    expect(step2!.commands[1]).toMatchObject({ role: 'try', code: 2, ok: true });
    expect(step2!.problem).toMatch(/`ip route del 10.2.3.0\/24` on host1 exited 2; the check failed after the solution: host1 has no route 10.2.3.0\/24 — 10.2.3.0\/24/);
  });

  it('runs `waits` commands (tcpdump) alongside the next ones, stopped by a deadline like Ctrl-C', async () => {
    let pinged!: () => void;
    const ping = new Promise<void>((resolve) => (pinged = resolve));
    const lab = fakeLab(fixtureSnapshot('flannel-vxlan'), {
      exec: async (_t, argv) => {
        if (argv.includes('tcpdump')) await ping; // it sees the ping only if it runs alongside
        else pinged();
        return { code: 0, stdout: '', stderr: '' };
      },
    });
    const steps = await playExerciseSteps(
      exercise('## Watch\n\nProse.\n\n```try host1 waits\ntcpdump -ni eth0 -c 2 icmp\n```\n\n```try host1/a\nping -c 1 10.2.3.10\n```\n\n```check\nping: { from: host1/a, to: host2/b }\n```\n'),
      { env: lab.env },
    );
    expect(steps[0]!.ok).toBe(true);
    expect(lab.ran).toEqual(['host1: timeout --preserve-status -s INT 5 tcpdump -ni eth0 -c 2 icmp', 'host1/a: ping -c 1 10.2.3.10']);
    expect(steps[0]!.commands.map((c) => c.command)).toEqual(['ping -c 1 10.2.3.10', 'tcpdump -ni eth0 -c 2 icmp']);
  });
});
