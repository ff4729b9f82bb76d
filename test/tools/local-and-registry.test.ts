import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostNamespaces, netnsName, nsenterArgv } from '../../src/engine/drivers/local/local-layout';
import { hostPrelude, hostsFile, setupScript, teardownScript } from '../../src/engine/drivers/local/local-scripts';
import { LabRegistry, type RegistryEntry } from '../../src/engine/registry/lab-registry';
import { defaultStateDir } from '../../src/engine/registry/state-dir';
import { parseLab } from '../../src/engine/spec/parse-lab';
import { labYaml } from '../helpers/lab-text';

const syntaxOk = (script: string) => spawnSync('sh', ['-n'], { input: script }).status === 0;

describe('local driver layout and scripts', () => {
  it('names a host\'s namespaces so no two labs can clash (lab and host names never contain a dot)', () => {
    expect(netnsName('a-b', 'c')).not.toBe(netnsName('a', 'b-c'));
    expect(nsenterArgv(hostNamespaces('lab', 'host1'), ['ip', 'a'])).toEqual([
      'nsenter',
      '--net=/run/netns/podnet.lab.host1',
      '--mount=/run/podnet/local/lab/hosts/host1/mnt',
      '--uts=/run/podnet/local/lab/hosts/host1/uts',
      '--',
      'ip',
      'a',
    ]);
  });

  it('renders valid shell for building a lab, preparing a host and removing a lab', () => {
    expect(syntaxOk(setupScript('lab', ['host1', 'host2', 'internet'], 1500))).toBe(true);
    expect(syntaxOk(hostPrelude('lab', 'host1', hostsFile('host1', [{ name: 'host2', ip: '198.18.0.12' }])))).toBe(true);
    expect(syntaxOk(teardownScript('lab'))).toBe(true);
    expect(setupScript('lab', ['host1'], 1500)).toContain('link add u-host1 mtu 1500 type veth peer name eth0 mtu 1500 netns podnet.lab.host1');
    expect(hostsFile('host1', [{ name: 'host2', ip: '198.18.0.12' }])).toBe('127.0.0.1\tlocalhost\n127.0.1.1\thost1\n198.18.0.12\thost2\n');
  });
});

describe('lab registry', () => {
  it('keeps one entry per lab, written whole, readable by name and listed in order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drv-registry-'));
    try {
      const registry = new LabRegistry(dir);
      const spec = parseLab(labYaml(['name: b', 'hosts: 1']), 'lab.yaml').spec;
      const entry = (name: string): RegistryEntry => ({ name, driver: 'ssh', engine: null, spec: { ...spec, name }, source: null, builder: 'm:1', status: 'running', createdAt: 'now' });
      await registry.put(entry('b'));
      await registry.put(entry('a'));
      expect((await registry.all()).map((e) => e.name)).toEqual(['a', 'b']);
      expect(await registry.get('a')).toMatchObject({ name: 'a', driver: 'ssh' });
      expect(await registry.get('../etc/passwd')).toBeNull();
      await registry.remove('a');
      expect((await registry.all()).map((e) => e.name)).toEqual(['b']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lives in $PODNET_STATE_DIR, else $XDG_STATE_HOME/podnet, else ~/.local/state/podnet', () => {
    expect(defaultStateDir({ PODNET_STATE_DIR: '/x' })).toBe('/x');
    expect(defaultStateDir({ XDG_STATE_HOME: '/s' })).toBe('/s/podnet');
    expect(defaultStateDir({ HOME: '/home/u' })).toBe('/home/u/.local/state/podnet');
  });
});
