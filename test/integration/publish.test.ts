import { beforeAll, expect, it } from 'vitest';
import { describeWithDocker } from '../helpers/docker-required';
import { builtinLab, useLabs } from '../helpers/lab-fixture';

await describeWithDocker('Docker-style port publishing', () => {
  const t = useLabs(builtinLab('port-publish.yaml', 'it-publish'));
  let host2: string;
  beforeAll(async () => {
    host2 = (await t.engine.inspect(t.lab)).hosts[1]!.underlayIp!;
  });

  it('host2:8080 answers from host1 with the pod\'s responder', async () => {
    const r = await t.engine.exec(t.lab, 'host1', ['curl', '-s', '-m', '5', `http://${host2}:8080/`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('hello from host2/web (172.17.0.2:80)\n');
  });

  it('host2:8080 answers from a pod on host1 too', async () => {
    const r = await t.engine.exec(t.lab, 'host1/client', ['curl', '-s', '-m', '5', `http://${host2}:8080/`]);
    expect(r.stdout).toBe('hello from host2/web (172.17.0.2:80)\n');
  });

  it('iptables-save on host2 holds Docker\'s DOCKER chain, the DNAT and the filter ACCEPT', async () => {
    const save = await t.engine.exec(t.lab, 'host2', ['iptables-save']);
    for (const line of [
      ':DOCKER - [0:0]',
      '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER',
      '-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER',
      '-A DOCKER -i docker0 -j RETURN',
      '-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80',
      '-A POSTROUTING -s 172.17.0.2/32 -d 172.17.0.2/32 -p tcp -m tcp --dport 80 -j MASQUERADE',
      '-A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT',
      '-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
      '-A FORWARD -o docker0 -j DOCKER',
    ]) {
      expect(save.stdout.split('\n')).toContain(line);
    }
  });
});
