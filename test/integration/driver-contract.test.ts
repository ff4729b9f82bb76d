// The driver contract: the same behaviours held against every driver that
// runs here — docker (containers), local (namespaces on this machine) and
// ssh (machines: containers running a real sshd, test/helpers/ssh-vms.ts).
// What the engine relies on whatever the driver: a lab it builds is listed
// as this user's and running; exec returns output and exit code, in a host
// and in a pod's namespace; a spawned command streams and a cancelled one
// ends where it runs; a host the lab lacks is named as such; the underlay
// node answers exactly where the driver says it observes it; `down` removes
// the lab and is idempotent.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_DRIVERS } from '../../src/engine/drivers/builtin-drivers';
import { DriverRegistry } from '../../src/engine/drivers/driver-registry';
import type { HostDriver } from '../../src/engine/drivers/host-driver';
import { localProblems } from '../../src/engine/drivers/local/local-preflight';
import { createEngine, isPodnetError, type Engine } from '../../src/engine/index';
import { UNDERLAY_NODE } from '../../src/engine/spec/names';
import type { DriverKind } from '../../src/shared/lab';
import { expectCancelEndsRemote, expectPing, hostIn } from '../helpers/lab-behaviours';
import { dockerProblem, skipFor } from '../helpers/prerequisites';
import { startVms, type VmFleet } from '../helpers/ssh-vms';

const RESOURCES = new URL('../../resources', import.meta.url).pathname;
const problem = await dockerProblem();

/** Where a driver's labs run in this test, and the lab file lines that put a host there. */
interface Place {
  /** Lines of host `i` (0-based) after its name. */
  hostLines(i: number): string[];
  stop(): Promise<void>;
}

const places: Record<DriverKind, { skip: () => string; start(): Promise<Place> }> = {
  docker: { skip: () => problem, start: async () => ({ hostLines: () => [], stop: async () => undefined }) },
  local: { skip: () => localProblems().join('; '), start: async () => ({ hostLines: () => [], stop: async () => undefined }) },
  ssh: {
    skip: () => problem,
    async start() {
      const fleet: VmFleet = await startVms('ctr-ssh', 2);
      return {
        hostLines: (i) => [`    ssh: { address: ${fleet.vms[i]!.ip}, user: root, identityFile: ${fleet.keyFile} }`],
        stop: () => fleet.stop(),
      };
    },
  },
};

for (const kind of ['docker', 'local', 'ssh'] as const) {
  describe.skipIf(skipFor(places[kind].skip(), `driver contract (${kind})`))(`driver contract: ${kind}`, () => {
    const lab = `ctr-${kind}`;
    let place: Place;
    let stateDir: string;
    let engine: Engine;
    /** The same user's drivers, beside the engine: the driver itself is what is held to the contract. */
    let drivers: DriverRegistry;
    let driver: HostDriver;

    const labText = () =>
      [
        `name: ${lab}`,
        `driver: ${kind}`,
        'hosts:',
        ...[0, 1].flatMap((i) => [`  - name: host${i + 1}`, ...place.hostLines(i), `    pods: [${i === 0 ? 'a' : 'b'}]`]),
        'network: { mode: pod-cidr, cidr: 10.2.0.0/16, backend: vxlan }',
        '',
      ].join('\n');

    beforeAll(async () => {
      place = await places[kind].start();
      stateDir = mkdtempSync(join(tmpdir(), `${lab}-state-`));
      const options = { resourcesDir: RESOURCES, stateDir, hostKeys: { acceptNew: true } };
      engine = createEngine(options);
      drivers = new DriverRegistry(options, BUILTIN_DRIVERS);
      await engine.up({ text: labText(), file: `${lab}.yaml` });
      driver = (await drivers.locate(lab)).driver;
    }, 180_000);

    afterAll(async () => {
      await engine?.down(lab).catch(() => undefined);
      await drivers?.dispose();
      await engine?.dispose();
      await place?.stop();
      if (stateDir) rmSync(stateDir, { recursive: true, force: true });
    }, 120_000);

    it('the lab it built is listed as running, this user\'s, by this driver', async () => {
      const found = (await engine.list()).find((l) => l.name === lab);
      expect(found).toMatchObject({ status: 'running', driver: kind, startedByYou: true });
      expect(driver.kind).toBe(kind);
      expect((await driver.labSpec(lab))?.hosts.map((h) => h.name)).toEqual(['host1', 'host2']);
    });

    it('exec returns what the command printed on each stream and its exit code, the argv never parsed by a shell', async () => {
      const r = await driver.exec(lab, 'host1', ['sh', '-c', 'echo out; echo err >&2; exit 3']);
      expect(r).toEqual({ code: 3, stdout: 'out\n', stderr: 'err\n' });
      expect((await driver.exec(lab, 'host2', ['echo', '$HOME; `id`'])).stdout).toBe('$HOME; `id`\n');
    });

    it('a command in a pod runs in its network namespace: it holds the pod\'s address, and pods ping across hosts', async () => {
      const s = await engine.inspect(lab);
      const pod = hostIn(s, 'host1').pods.find((p) => p.name === 'a')!;
      const r = await engine.exec(lab, 'host1/a', ['ip', '-4', '-o', 'addr', 'show', 'eth0']);
      expect(r.stdout).toContain(`${pod.ip}/`);
      await expectPing(engine, lab, 'host1/a', 'host2/b', true);
    });

    it('spawn streams output as it comes, and kill ends the process where it runs', async () => {
      let out = '';
      // A number no other process uses: a local lab's hosts see every process of the machine.
      const n = String(100_000 + Math.floor(Math.random() * 800_000));
      const running = async () => (await driver.exec(lab, 'host1', ['pgrep', '-f', `[s]leep ${n}`])).stdout.trim();
      const p = await driver.spawn(lab, 'host1', ['sh', '-c', `echo ready; exec sleep ${n}`], { onStdout: (b) => (out += b.toString()) });
      await expect.poll(() => out, { timeout: 10_000 }).toBe('ready\n');
      expect(await running()).not.toBe('');
      await p.kill('TERM');
      expect(await p.exited).not.toBe(0);
      await expect.poll(running, { timeout: 5000, interval: 100 }).toBe('');
      await expectCancelEndsRemote(engine, lab, 'host2/b');
    });

    it('a host the lab does not have is named as such', async () => {
      const e = await driver.exec(lab, 'nohost', ['true']).then(() => null, (x: unknown) => x);
      expect(isPodnetError(e) && e.code).toBe('E_TARGET');
      expect((e as Error).message).toMatch(new RegExp(`lab ${lab} has no host nohost`));
    });

    it('the underlay node answers exactly when the driver says it observes the underlay', async () => {
      const r = await driver.exec(lab, UNDERLAY_NODE, ['ip', '-o', 'link', 'show']).catch(() => null);
      expect(r?.code === 0, `exec on ${UNDERLAY_NODE}: ${r ? r.stderr : 'failed'}`).toBe(driver.capabilities.observesUnderlay);
    });

    it('down removes the lab, and a second down finds nothing to remove', async () => {
      expect((await engine.down(lab)).length).toBeGreaterThan(0);
      expect((await engine.list()).some((l) => l.name === lab)).toBe(false);
      expect(await engine.down(lab)).toEqual([]);
    });
  });
}
