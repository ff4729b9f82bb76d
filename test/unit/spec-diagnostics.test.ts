import { describe, expect, it } from 'vitest';
import { parseLab } from '../../src/engine/spec/parse-lab';
import { diagnosticsOf } from '../helpers/spec-diagnostics';
import { decodeLabBytes } from '../../src/engine/spec/spec-error';
import { allocatedLab } from '../helpers/allocated-lab';
import { labYaml } from '../helpers/lab-text';

function expectOne(text: string, want: { line: number; column: number; field?: string; message: RegExp; hint?: RegExp }) {
  const ds = diagnosticsOf(text);
  const d = ds.find((x) => want.message.test(x.message));
  expect(d, `diagnostics were: ${JSON.stringify(ds)}`).toBeDefined();
  expect({ line: d!.line, column: d!.column }).toEqual({ line: want.line, column: want.column });
  expect(d!.file).toBe('lab.yaml');
  if (want.field) expect(d!.field).toBe(want.field);
  if (want.hint) expect(d!.hint).toMatch(want.hint);
}

const base = ['name: t', 'hosts:', '  - name: host1', '    pods: [a, b]', '  - name: host2', '    pods: [a]'];

describe('lab file diagnostics', () => {
  it('reports a YAML syntax error with its line and column', () => {
    expectOne(labYaml(['name: t', 'hosts: [host1', 'network: {}']), { line: 3, column: 1, message: /YAML syntax error/ });
  });

  it('rejects an unknown key and suggests the close one', () => {
    expectOne(labYaml([...base, 'netwrok:', '  mode: pod-cidr']), { line: 7, column: 1, field: 'netwrok', message: /unknown key "netwrok"/, hint: /did you mean "network"/ });
  });

  it('rejects an unknown key inside a host', () => {
    expectOne(labYaml(['name: t', 'hosts:', '  - name: host1', '    podz: 2']), { line: 4, column: 5, field: 'hosts[0].podz', message: /unknown key "podz"/, hint: /"pods"/ });
  });

  it('network.dockerRules takes a Docker version whose layout the lab knows, and only where Docker\'s rules are set up', () => {
    expectOne(labYaml([...base, 'network:', '  mode: docker0', '  dockerRules: 26']), { line: 9, column: 16, field: 'network.dockerRules', message: /27, 28 or 29/ });
    expectOne(labYaml([...base, 'network:', '  dockerRules: 28']), { line: 8, column: 3, field: 'network.dockerRules', message: /applies to docker0 mode and to publish/ });
    expect(parseLab(labYaml([...base, 'network:', '  mode: docker0', '  dockerRules: 27']), 'lab.yaml').spec.network.dockerRules).toBe(27);
    expect(parseLab(labYaml([...base, 'network:', '  mode: docker0']), 'lab.yaml').spec.network.dockerRules).toBe(29);
  });

  it('rejects duplicate host names', () => {
    expectOne(labYaml(['name: t', 'hosts:', '  - name: host1', '  - name: host1']), { line: 4, column: 11, field: 'hosts[1].name', message: /duplicate host name "host1"/ });
  });

  it('rejects duplicate pod names on one host, but not across hosts', () => {
    expectOne(labYaml(['name: t', 'hosts:', '  - name: host1', '    pods: [a, a]', '  - name: host2', '    pods: [a]']), { line: 4, column: 15, message: /duplicate pod name "a" on host host1/ });
  });

  it('rejects names that could carry shell syntax, before anything runs', () => {
    expectOne(labYaml(['name: t', 'hosts:', '  - name: "h1; rm -rf /"']), { line: 3, column: 11, field: 'hosts[0].name', message: /a name must start with a lowercase letter/ });
    expectOne(labYaml(['name: t', 'hosts:', '  - name: host1', '    pods: ["$(reboot)"]']), { line: 4, column: 12, message: /a name must/ });
    expectOne(labYaml(['name: Bad_Name', 'hosts: 1']), { line: 1, column: 7, field: 'name', message: /the lab name must/ });
  });

  it('rejects a CIDR with host bits set and suggests the network', () => {
    expectOne(labYaml([...base, 'network:', '  cidr: 10.2.3.4/16']), { line: 8, column: 9, field: 'network.cidr', message: /10\.2\.3\.4\/16 has host bits set/, hint: /use 10\.2\.0\.0\/16/ });
  });

  it('rejects leases outside the cluster, of the wrong length, for unknown hosts, or overlapping', () => {
    const lab = (leases: string) => labYaml([...base, 'network:', '  cidr: 10.2.0.0/16', `  leases: ${leases}`]);
    expectOne(lab('{ host1: 10.9.1.0/24 }'), { line: 9, column: 20, field: 'network.leases.host1', message: /outside the cluster CIDR 10\.2\.0\.0\/16/ });
    expectOne(lab('{ host1: 10.2.0.0/23 }'), { line: 9, column: 20, message: /is a \/23, but subnetLen is 24/ });
    expectOne(lab('{ host9: 10.2.1.0/24 }'), { line: 9, column: 13, field: 'network.leases.host9', message: /lease for unknown host "host9"/, hint: /host1, host2/ });
    expectOne(lab('{ host1: 10.2.1.0/24, host2: 10.2.1.0/24 }'), { line: 9, column: 40, message: /overlaps the lease of host1/ });
  });

  it('rejects a fixed pod IP outside its lease, and one taken twice', () => {
    const pods = (ips: string[]) =>
      labYaml(['name: t', 'hosts:', '  - name: host1', '    pods:', ...ips.flatMap((ip, i) => [`      - name: p${i}`, `        ip: ${ip}`]), 'network:', '  cidr: 10.2.0.0/16', '  leases: { host1: 10.2.1.0/24 }']);
    expectOne(pods(['10.2.3.10']), { line: 6, column: 13, field: 'hosts[0].pods[0].ip', message: /10\.2\.3\.10 is outside host1's lease 10\.2\.1\.0\/24/, hint: /10\.2\.1\.2 to 10\.2\.1\.254/ });
    expectOne(pods(['10.2.1.5', '10.2.1.5']), { line: 8, column: 13, message: /10\.2\.1\.5 is given to two pods/ });
    expectOne(pods(['10.2.1.1']), { line: 6, column: 13, message: /is the bridge address/ });
  });

  it('rejects more pods than a lease holds', () => {
    expectOne(labYaml(['name: t', 'hosts:', '  - name: host1', '    pods: 20', 'network:', '  subnetLen: 28']), { line: 4, column: 11, message: /host1 has 20 pods, but host1's lease 10\.244\.0\.16\/28 holds 13/ });
  });

  it('rejects an underlay that overlaps the cluster CIDR', () => {
    expectOne(labYaml([...base, 'underlay:', '  subnet: 10.2.0.0/24', 'network:', '  cidr: 10.2.0.0/16']), { line: 8, column: 11, field: 'underlay.subnet', message: /overlaps the cluster CIDR 10\.2\.0\.0\/16/ });
  });

  it('rejects publishing on an unknown host or pod, or the same host port twice', () => {
    const pub = (rules: string[]) => labYaml([...base, 'publish:', ...rules]);
    expectOne(pub(['  - { host: host9, port: 8080, to: a }']), { line: 8, column: 13, field: 'publish[0].host', message: /unknown host "host9"/ });
    expectOne(pub(['  - { host: host2, port: 8080, to: b }']), { line: 8, column: 36, field: 'publish[0].to', message: /host host2 has no pod "b"/, hint: /pod b is on host1/ });
    expectOne(pub(['  - { host: host1, port: 8080, to: a }', '  - { host: host1, port: 8080, to: b }']), { line: 9, column: 26, message: /host1 already publishes tcp port 8080/ });
  });

  it('rejects a VNI or a port out of range', () => {
    expectOne(labYaml([...base, 'network:', '  vxlan: { vni: 16777216 }']), { line: 8, column: 17, field: 'network.vxlan.vni', message: /VNI must be 1\.\.16777215/ });
    expectOne(labYaml([...base, 'network:', '  vxlan: { port: 70000 }']), { line: 8, column: 18, message: /port must be 1\.\.65535/ });
    expectOne(labYaml([...base, 'publish:', '  - { host: host1, port: 0, to: a }']), { line: 8, column: 26, message: /port must be 1\.\.65535/ });
  });

  it('rejects a lab without hosts', () => {
    expectOne(labYaml(['name: t', 'hosts: []']), { line: 2, column: 8, field: 'hosts', message: /the lab has no hosts/, hint: /hosts: 2/ });
    expectOne(labYaml(['name: t', 'hosts: 0']), { line: 2, column: 8, field: 'hosts', message: /at least one of hosts/ });
    expectOne(labYaml(['name: t']), { line: 1, column: 1, field: 'hosts', message: /missing required field "hosts"/ });
  });

  it('rejects an empty or binary file', () => {
    expectOne('', { line: 1, column: 1, message: /the file is empty/ });
    expectOne('# only a comment\n', { line: 1, column: 1, message: /the file is empty/ });
    expect(() => decodeLabBytes(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]), 'a.out')).toThrow(/binary file/);
    expect(() => decodeLabBytes(new Uint8Array(0), 'x.yaml')).toThrow(/empty/);
    expect(() => decodeLabBytes(new Uint8Array([0xff, 0xfe, 0x41]), 'x.yaml')).toThrow(/UTF-8/);
  });

  it('rejects overlay settings in docker0 mode', () => {
    expectOne(labYaml([...base, 'network:', '  mode: docker0', '  backend: vxlan']), { line: 9, column: 12, message: /docker0 mode has no overlay backend/, hint: /mode: pod-cidr/ });
  });

  it('reports several problems at once, sorted by line', () => {
    const ds = diagnosticsOf(labYaml(['name: t', 'hosts:', '  - name: host1', '  - name: host1', 'publish:', '  - { host: host9, port: 80, to: a }']));
    expect(ds.map((d) => d.line)).toEqual([4, 6]);
  });
});
