// Real snapshots (`podnet inspect --json` of built-in labs) as test fixtures.
import { readFileSync } from 'node:fs';
import type { Snapshot } from '../../src/shared/snapshot';

export function fixtureSnapshot(name: 'flannel-vxlan' | 'port-publish'): Snapshot {
  return JSON.parse(readFileSync(new URL(`../fixtures/snapshot-${name}.json`, import.meta.url), 'utf8')) as Snapshot;
}
