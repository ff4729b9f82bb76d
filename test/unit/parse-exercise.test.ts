// The exercise file format: structure, and every problem located at its line.
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/shared/errors';
import { isPodnetError } from '../../src/engine/errors';
import { parseExercise } from '../../src/engine/exercises/parse-exercise';
import { parseLab } from '../../src/engine/spec/parse-lab';

const spec = parseLab('name: two\nhosts:\n  - { name: host1, pods: [a] }\n  - { name: host2, pods: [b] }\nnetwork: { mode: pod-cidr, backend: vxlan }\n', 'two.yaml').spec;
const labs = (name: string) => (name === 'two' ? spec : undefined);

const GOOD = `---
id: sample
title: A sample
lab: two
minutes: 5
---

# A sample

Intro text about **why**.

## Look around

Some prose.

\`\`\`try host1
ip route
ip -d link show flannel.1
\`\`\`

> **Hint:** look at \`ip route\`.

\`\`\`text
sample output, shown as prose
\`\`\`

\`\`\`check
route: { on: host1, dst: 10.2.3.0/24 }
\`\`\`

## Change it

\`\`\`try host1/a fails
ping -c 1 -W 1 {{ip host2/b}}
\`\`\`

\`\`\`solution host1
# a comment line is not a command
ip route add 10.2.3.0/24 via {{ip host2}} dev eth0
\`\`\`

\`\`\`try host1 waits
tcpdump -ni eth0 -c 2 icmp
\`\`\`

\`\`\`check
- ping: { from: host1/a, to: host2/b }
- interface: { on: host1, name: flannel.1, type: vxlan, mtu: 1450, vxlan: { learning: false } }
\`\`\`

> The Path panel shows where it stops.
>
> \`\`\`path
> from: host1/a
> to: host2/b
> \`\`\`

## On a real cluster

\`\`\`
kubectl get nodes -o jsonpath='{..podCIDR}'
\`\`\`
`;

function diagnostics(text: string): Diagnostic[] {
  try {
    parseExercise(text, 'ex.md', 1, labs);
  } catch (e) {
    if (isPodnetError(e) && e.diagnostics) return e.diagnostics;
    throw e;
  }
  throw new Error('expected the exercise to be refused');
}

describe('parsing an exercise file', () => {
  it('front matter, intro, steps with blocks in file order, hints, checks', () => {
    const e = parseExercise(GOOD, 'ex.md', 3, labs);
    expect(e).toMatchObject({ id: 'sample', number: 3, title: 'A sample', lab: 'two', minutes: 5, steps: 2, intro: 'Intro text about **why**.', resolvedFor: null });
    const [look, change] = e.exerciseSteps;
    expect(look).toMatchObject({ number: 1, title: 'Look around', changes: false, hints: [{ markdown: 'look at `ip route`.', tool: null }] });
    expect(look!.blocks).toEqual([
      { type: 'prose', markdown: 'Some prose.' },
      { type: 'commands', role: 'try', target: 'host1', commands: ['ip route', 'ip -d link show flannel.1'], expectFailure: false, waits: false },
      { type: 'prose', markdown: '```text\nsample output, shown as prose\n```' },
    ]);
    expect(look!.checks).toEqual([{ kind: 'route', on: 'host1', dst: '10.2.3.0/24', expect: 'present' }]);
    expect(change).toMatchObject({ changes: true, checkLabels: ['ping host1/a → host2/b gets replies', 'host1 has interface flannel.1 (vxlan, mtu 1450, nolearning)'] });
    expect(change!.blocks.map((b) => b.type === 'commands' && [b.role, b.target, b.expectFailure, b.waits, b.commands])).toEqual([
      ['try', 'host1/a', true, false, ['ping -c 1 -W 1 {{ip host2/b}}']],
      ['solution', 'host1', false, false, ['ip route add 10.2.3.0/24 via {{ip host2}} dev eth0']],
      ['try', 'host1', false, true, ['tcpdump -ni eth0 -c 2 icmp']],
    ]);
    expect(change!.checks[0]).toEqual({ kind: 'ping', from: 'host1/a', to: 'host2/b', expect: 'success', count: 2 });
    expect(change!.hints).toEqual([{ markdown: 'The Path panel shows where it stops.', tool: { panel: 'path', from: 'host1/a', to: 'host2/b' } }]);
    expect(e.realWorld).toEqual({ title: 'On a real cluster', markdown: "```\nkubectl get nodes -o jsonpath='{..podCIDR}'\n```" });
  });

  it('a hint opens one tool, on targets the lab has; the closing box comes after the last step', () => {
    const capture = GOOD.replace('> ```path\n> from: host1/a\n> to: host2/b', '> ```capture\n> on: host1\n> iface: eth0\n> filter: udp port 8472');
    expect(parseExercise(capture, 'ex.md', 1, labs).exerciseSteps[1]!.hints[0]!.tool).toEqual({ panel: 'capture', on: 'host1', iface: 'eth0', filter: 'udp port 8472' });
    expect(diagnostics(GOOD.replace('> from: host1/a', '> from: host3/a')).map((x) => x.message)).toEqual(['lab two has no host "host3" (hosts: host1, host2)']);
    expect(diagnostics(GOOD.replace('> to: host2/b', '> too: host2/b'))[0]).toMatchObject({ field: 'step 2 hint path', hint: expect.stringContaining('from: host1/a') });
    const early = GOOD.replace('## Change it', '## On a real cluster\n\nText.\n\n## Change it');
    expect(diagnostics(early).map((x) => x.message)).toContain('"On a real cluster" closes the exercise: it comes after the last step');
  });

  it('check labels read as words: a plain-text output is shown as text, a pattern needs `shows`', () => {
    const withCheck = (check: string) => GOOD.replace('route: { on: host1, dst: 10.2.3.0/24 }', check);
    const label = (check: string) => parseExercise(withCheck(check), 'ex.md', 1, labs).exerciseSteps[0]!.checkLabels[0];
    expect(label("command: { on: host1/a, run: ip -4 -br addr show eth0, output: '10\\.2\\.1\\.2/24' }")).toBe('`ip -4 -br addr show eth0` on host1/a succeeds and prints “10.2.1.2/24”');
    expect(label("command: { on: host1, run: curl -sS -m 3 http://10.2.1.2, exit: 28, output: 'timed out' }")).toBe('`curl -sS -m 3 http://10.2.1.2` on host1 exits with code 28 and prints “timed out”');
    expect(label("command: { on: host1, run: ip link, output: 'veth[0-9a-f]{8}', shows: 'a veth' }")).toBe('`ip link` on host1 succeeds and prints “a veth”');
    expect(diagnostics(withCheck("command: { on: host1, run: ip link, output: 'veth[0-9a-f]{8}' }"))[0]!.message).toMatch(/is a pattern; say in `shows` what it looks like/);
    expect(label('interface: { on: host1/a, name: eth0, type: veth, peer: { on: host1, master: cni0 } }')).toBe('host1/a has interface eth0 (veth, its peer interface on host1 in cni0)');
    expect(diagnostics(withCheck('interface: { on: host1/a, name: eth0, peer: { on: host7 } }'))[0]!.message).toBe('lab two has no host "host7" (hosts: host1, host2)');
  });

  it('locates front-matter problems', () => {
    expect(diagnostics(GOOD.replace('lab: two', 'lab: nope'))).toContainEqual(expect.objectContaining({ line: 4, column: 6, field: 'lab', message: 'there is no built-in lab named "nope"' }));
    expect(diagnostics(GOOD.replace('minutes: 5', 'minutes: five'))).toEqual([expect.objectContaining({ line: 5, column: 10, field: 'minutes', message: 'expected number, received string' })]);
    expect(diagnostics('# no front matter\n\n## Step\n')[0]).toMatchObject({ line: 1, message: 'an exercise starts with front matter' });
  });

  it('locates check problems inside the block, with the kinds to choose from', () => {
    const d = diagnostics(GOOD.replace('route: { on: host1, dst: 10.2.3.0/24 }', 'rout: { on: host1 }'));
    expect(d).toEqual([expect.objectContaining({ line: 28, column: 1, message: 'unknown check kind "rout"', hint: expect.stringContaining('ping, route, neighbour, fdb, iptables, interface, capture, command') })]);
    const bad = diagnostics(GOOD.replace('- ping: { from: host1/a, to: host2/b }', '- ping: { from: host1/a, to: host2/b, expect: maybe }'));
    expect(bad).toEqual([expect.objectContaining({ line: 47, field: 'step 2 check [0].ping.expect' })]);
  });

  it('refuses targets the lab does not have, in commands, checks and placeholders', () => {
    const d = diagnostics(GOOD.replace('```try host1/a fails', '```try host1/z fails').replace('{{ip host2}}', '{{ip host3}}').replace('route: { on: host1,', 'route: { on: host9,'));
    expect(d.map((x) => [x.line, x.message])).toEqual([
      [28, 'lab two has no host "host9" (hosts: host1, host2)'],
      [33, 'host host1 has no pod "z" (pods: a)'],
      [39, '{{ip host3}}: lab two has no host "host3" (hosts: host1, host2)'],
    ]);
  });

  it('refuses shell syntax in commands, at its column', () => {
    const d = diagnostics(GOOD.replace('ip route\nip -d', 'ip route | grep flannel\nip -d'));
    expect(d).toEqual([expect.objectContaining({ line: 17, column: 10, message: expect.stringContaining('"|" would be interpreted by the shell') })]);
  });

  it('needs a check in every step, a target on every block, known flags only', () => {
    const d = diagnostics(GOOD.replace("```check\nroute: { on: host1, dst: 10.2.3.0/24 }\n```\n", '').replace('```solution host1', '```solution').replace('```try host1 waits', '```try host1 sometimes'));
    expect(d.map((x) => x.message)).toEqual(['a step needs a ```check block', '```solution needs a target', 'unknown flag "sometimes"']);
  });
});
