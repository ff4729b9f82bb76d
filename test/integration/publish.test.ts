import { expect, it } from 'vitest';
import { DOCKER_RULES } from '../../src/engine/spec/lab-spec';
import { describeWithDocker } from '../helpers/docker-required';
import { fixtureRuleSet, ruleSet } from '../helpers/iptables-save';
import { builtinLab, useLabs } from '../helpers/lab-fixture';

/** The port-publish lab reproducing one Docker version's iptables layout. */
const labFor = (version: number) => builtinLab('port-publish.yaml', `it-publish-${version}`).replace('mode: docker0', `mode: docker0\n  dockerRules: ${version}`);

await describeWithDocker('Docker-style port publishing, in each Docker version\'s iptables layout', () => {
  const t = useLabs(...DOCKER_RULES.map(labFor));
  const host2Of = async (lab: string) => (await t.engine.inspect(lab)).hosts[1]!.underlayIp!;

  it.each(DOCKER_RULES)('Docker %i: host2:8080 answers from host1 and from a container on host1', async (version) => {
    const lab = `it-publish-${version}`;
    const url = `http://${await host2Of(lab)}:8080/`;
    for (const from of ['host1', 'host1/client']) {
      const r = await t.engine.exec(lab, from, ['curl', '-sS', '-m', '5', url]);
      expect(r.stdout).toMatch(/^hello from web \(host2, 172\.17\.0\.2:80\), client [0-9.]+:[0-9]+\n$/);
    }
  });

  it.each(DOCKER_RULES)('Docker %i: iptables-save on host2 is exactly that version\'s layout, in order', async (version) => {
    const save = await t.engine.exec(`it-publish-${version}`, 'host2', ['iptables-save']);
    expect(save.code).toBe(0);
    expect(ruleSet(save.stdout)).toEqual(fixtureRuleSet(`docker-${version}-port-publish-host2`));
  });

  it('Docker 29: with the filter ACCEPT appended after the network\'s DROP instead of inserted before it, the published port is dropped', async () => {
    const lab = 'it-publish-29';
    const accept = ['-d', '172.17.0.2/32', '!', '-i', 'docker0', '-o', 'docker0', '-p', 'tcp', '-m', 'tcp', '--dport', '80', '-j', 'ACCEPT'];
    const url = `http://${await host2Of(lab)}:8080/`;
    expect((await t.engine.exec(lab, 'host2', ['sh', '-c', 'iptables -D DOCKER "$@" && iptables -A DOCKER "$@"', 'sh', ...accept])).code).toBe(0);
    expect((await t.engine.exec(lab, 'host1/client', ['curl', '-sS', '-m', '2', url])).code).toBe(28);
    expect((await t.engine.exec(lab, 'host2', ['sh', '-c', 'iptables -D DOCKER "$@" && iptables -I DOCKER "$@"', 'sh', ...accept])).code).toBe(0);
    expect((await t.engine.exec(lab, 'host1/client', ['curl', '-sS', '-m', '5', url])).stdout).toContain('hello from web (host2,');
  });
});
