import { describe, expect, it } from 'vitest';
import { PlaceholderError, placeholdersOf, resolvePlaceholders } from '../../src/engine/exercises/placeholders';
import { fixtureSnapshot } from '../helpers/snapshots';

const snap = fixtureSnapshot('flannel-vxlan');
const host2 = snap.hosts[1]!;

describe('placeholders, filled from the observed state', () => {
  it('ip of a host (underlay), of a pod (eth0), of the internet', () => {
    expect(resolvePlaceholders('ping {{ip host2}}', snap)).toBe(`ping ${host2.underlayIp}`);
    expect(resolvePlaceholders('{{ ip host2/b }}', snap)).toBe('10.2.3.10');
    expect(resolvePlaceholders('{{ip internet}}', snap)).toBe('203.0.113.10');
  });

  it('mac of an interface', () => {
    const mac = host2.interfaces.find((i) => i.name === 'flannel.1')!.mac!;
    expect(resolvePlaceholders('bridge fdb del {{mac host2 flannel.1}} dev flannel.1', snap)).toBe(`bridge fdb del ${mac} dev flannel.1`);
  });

  it('says what is missing', () => {
    expect(() => resolvePlaceholders('{{ip host9}}', snap)).toThrow(/has no host9/);
    expect(() => resolvePlaceholders('{{mac host1 flannel.9}}', snap)).toThrow(/no interface flannel.9/);
  });

  it('refuses malformed placeholders', () => {
    expect(() => placeholdersOf('{{addr host1}}')).toThrow(PlaceholderError);
    expect(() => placeholdersOf('{{ip Host1}}')).toThrow(PlaceholderError);
    expect(() => placeholdersOf('{{mac host1}}')).toThrow(PlaceholderError);
    expect(placeholdersOf('{{ip host1}} and {{mac host2/b eth0}}')).toEqual([
      { fn: 'ip', target: 'host1', iface: null },
      { fn: 'mac', target: 'host2/b', iface: 'eth0' },
    ]);
  });
});
