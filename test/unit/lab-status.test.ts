// A Docker lab's one status from its containers' labels and states: what
// `ls`, the app and `gc` go by.
import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { currentBuilder } from '../../src/engine/drivers/builder';
import { labObjects, summarize, unpluggedHosts } from '../../src/engine/drivers/docker/docker-lab-status';
import { hostState, statusAdvice, statusText } from '../../src/cli/lab-status';

const spec = { name: 'lab', hosts: [{ name: 'host1', pods: [{ name: 'a' }] }, { name: 'host2', pods: [] }], internet: false, network: { mode: 'pod-cidr', backend: 'vxlan' } };

function container(host: string, state: string, extra: Record<string, string> = {}): Docker.ContainerInfo {
  const role = host === 'underlay' ? 'switch' : 'host';
  return {
    Id: host,
    Names: [`/podnet-lab-${host}`],
    State: state,
    Labels: {
      'podnet.lab': 'lab',
      'podnet.host': host,
      'podnet.role': role,
      'podnet.run': 'r1',
      'podnet.owner': 'ana@laptop',
      'podnet.builder': extra.builder ?? 'elsewhere:1',
      ...(role === 'switch' ? { 'podnet.spec': JSON.stringify(spec), 'podnet.underlay': '198.18.0.0/24' } : { 'podnet.address': host === 'host1' ? '198.18.0.11' : '198.18.0.12' }),
      ...extra,
    },
  } as unknown as Docker.ContainerInfo;
}

const lab = (states: Record<string, string>, o: { built?: boolean; builder?: string } = {}) =>
  labObjects(
    Object.entries(states).map(([h, s]) => container(h, s, o.builder ? { builder: o.builder } : {})),
    new Set(o.built === false ? [] : ['lab']),
  )[0]!;

describe('a Docker lab\'s status', () => {
  it('running when complete and everything runs', () => {
    const s = summarize(lab({ underlay: 'running', host1: 'running', host2: 'running' }));
    expect(s).toMatchObject({ status: 'running', faults: [], owner: 'ana@laptop', underlay: '198.18.0.0/24' });
    expect(s.hosts.map((h) => `${h.name} ${h.address} ${h.pods.join(',')}`)).toEqual(['host1 198.18.0.11 a', 'host2 198.18.0.12 ']);
    expect(statusText(s)).toBe('running');
    expect(statusAdvice(s)).toBeNull();
  });

  it('degraded, naming the broken part: a stopped, paused, restarted or removed host; a stopped switch', () => {
    const stopped = summarize(lab({ underlay: 'running', host1: 'running', host2: 'exited' }));
    expect(statusText(stopped)).toBe('degraded: host2 stopped');
    expect(statusAdvice(stopped)).toBe('bring it back: podnet repair lab');
    expect(hostState(stopped, 'host2')).toBe('stopped');
    expect(statusText(summarize(lab({ underlay: 'running', host1: 'paused', host2: 'running' })))).toBe('degraded: host1 paused');
    expect(statusText(summarize(lab({ underlay: 'running', host1: 'running' })))).toBe('degraded: host2 missing');
    expect(statusText(summarize(lab({ underlay: 'exited', host1: 'running', host2: 'running' })))).toBe('degraded: the underlay switch stopped');
    // Running, but its port on the switch is gone: it restarted and lost its network namespace.
    const objects = lab({ underlay: 'running', host1: 'running', host2: 'running' });
    expect(unpluggedHosts(objects, ['u-host1'])).toEqual(['host2']);
    expect(summarize(objects, unpluggedHosts(objects, ['u-host1'])).faults).toEqual([{ part: 'host2', problem: 'restarted', message: 'host2 restarted (no eth0: its network state is gone)' }]);
  });

  it('never built completely: building while its builder runs, failed (for gc) once it is gone', () => {
    expect(summarize(lab({ underlay: 'running', host1: 'running' }, { built: false, builder: currentBuilder() })).status).toBe('building');
    // A builder on another machine cannot be asked: the lab counts as being built.
    expect(summarize(lab({ underlay: 'running' }, { built: false, builder: 'elsewhere:1' })).status).toBe('building');
    const failed = summarize(lab({ underlay: 'running', host1: 'running' }, { built: false, builder: `${currentBuilder().split(':')[0]}:999999999` }));
    expect(statusText(failed)).toBe('failed: its build (pid 999999999) ended before the lab was up');
    expect(statusAdvice(failed)).toBe('remove the remains: podnet gc (or podnet down lab)');
  });

  it('a lab of an older Podnet (no build label, no marker) counts as complete', () => {
    const old = labObjects([container('underlay', 'running', { 'podnet.run': '' }), container('host1', 'running', { 'podnet.run': '' }), container('host2', 'running', { 'podnet.run': '' })], new Set());
    expect(summarize(old[0]!).status).toBe('running');
  });
});
