// The built-in labs are offered in curriculum order: the order in which
// the exercises first use them, then the others.
import { readdirSync, readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { listBuiltinLabs } from '../../src/engine/builtin-labs';
import { RESOURCES_DIR } from '../helpers/lab-fixture';

it('lists the built-in labs in the order the exercises first use them', async () => {
  const exercises = readdirSync(`${RESOURCES_DIR}/exercises`).filter((f) => f.endsWith('.md')).sort();
  const used = [...new Set(exercises.map((f) => /^lab: (.+)$/m.exec(readFileSync(`${RESOURCES_DIR}/exercises/${f}`, 'utf8'))![1]!.trim()))];
  const names = (await listBuiltinLabs(RESOURCES_DIR)).map((l) => l.name);
  expect(names.slice(0, used.length)).toEqual(used);
  expect(names).toEqual(['docker0', 'port-publish', 'pod-cidr', 'flannel-vxlan', 'flannel-host-gw', 'masquerade', 'services', 'services-nft', 'three-hosts']);
});
