// The lifecycle parts every driver plugs into: running each host's build
// script (phases, read-back, the first real failure) and garbage collection
// (only this user's unfinished builds go).
import { describe, expect, it } from 'vitest';
import { applyHostScripts } from '../../src/engine/drivers/apply-host-scripts';
import { collectUnfinished } from '../../src/engine/drivers/collect-unfinished';
import type { DriverEvent } from '../../src/engine/drivers/host-driver';
import { cancelledError } from '../../src/engine/errors';
import { PHASE_MARK } from '../../src/engine/plan/render-script';
import { currentOwner } from '../../src/engine/util/process-identity';
import type { LabSummary } from '../../src/shared/lab';

const script = (tail: string) => `${PHASE_MARK}hosts\n${PHASE_MARK}done\n${tail}`;

describe('applying each host\'s script', () => {
  it('reports each host\'s phases and keeps what it read back after the last one', async () => {
    const events: DriverEvent[] = [];
    const tails = await applyHostScripts({
      hosts: ['host1', 'host2'],
      onEvent: (e) => events.push(e),
      run: async (host, reader) => (reader.push(script(`state of ${host}`)), { code: 0, stderr: '' }),
    });
    expect(tails).toEqual(new Map([['host1', 'state of host1'], ['host2', 'state of host2']]));
    expect(events).toContainEqual({ type: 'host-phase', host: 'host2', phase: 'done' });
  });

  it('throws the first real failure, not the cancellation it caused elsewhere, with the phase it failed in', async () => {
    const run = applyHostScripts({
      hosts: ['host1', 'host2'],
      onEvent: () => undefined,
      run: async (host, reader) => {
        if (host === 'host1') throw cancelledError();
        reader.push(`${PHASE_MARK}overlay\n`);
        return { code: 2, stderr: 'RTNETLINK answers: File exists' };
      },
    });
    await expect(run).rejects.toThrow(/host2: building the lab failed in phase "overlay":\nRTNETLINK answers: File exists/);
  });

  it('runs at most `limit` hosts at once', async () => {
    let now = 0;
    let most = 0;
    await applyHostScripts({
      hosts: ['h1', 'h2', 'h3', 'h4', 'h5'],
      limit: 2,
      onEvent: () => undefined,
      run: async (_host, reader) => {
        most = Math.max(most, ++now);
        await new Promise((r) => setTimeout(r, 5));
        now--;
        reader.push(script(''));
        return { code: 0, stderr: '' };
      },
    });
    expect(most).toBe(2);
  });
});

describe('garbage collection', () => {
  const lab = (name: string, status: LabSummary['status'], owner: string | null): LabSummary => ({ name, driver: 'docker', mode: 'pod-cidr', backend: 'vxlan', status, faults: [], underlay: null, hosts: [], source: null, owner });
  const me = currentOwner();

  it('removes this user\'s unfinished builds, keeps complete labs, leaves another user\'s alone', async () => {
    const removedHere: string[] = [];
    const labs = [lab('mine-failed', 'failed', me), lab('mine-running', 'running', me), lab('theirs-failed', 'failed', 'else@where'), lab('old-failed', 'failed', null)];
    const r = await collectUnfinished(labs, { summary: (l) => l, remove: async (l) => void removedHere.push(l.name) });
    expect(r.removed).toEqual(['mine-failed', 'old-failed']);
    expect(removedHere).toEqual(['mine-failed', 'old-failed']);
    expect(r.kept.map((l) => l.name)).toEqual(['mine-running']);
  });

  it('a removal that fails fails gc, unless the driver keeps what it cannot reach', async () => {
    const labs = [lab('away', 'failed', me)];
    const remove = async () => {
      throw new Error('vm1: connection refused');
    };
    await expect(collectUnfinished(labs, { summary: (l) => l, remove })).rejects.toThrow(/connection refused/);
    expect(await collectUnfinished(labs, { summary: (l) => l, remove, keepUnremovable: true })).toEqual({ removed: [], kept: labs });
  });
});
