// Writes test/fixtures/services-snapshot.json: the real three-node snapshot
// (test/fixtures/nodes3-snapshot.json) with kube-proxy's rules and the
// Services the engine's parser reads back from them, on every host (see
// test/helpers/services-fixture.ts). Run it after the parser or the rules
// change: `node scripts/services-fixture.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';
import { loadTs } from '../bench/_load-ts.mjs';

const fixtures = new URL('../test/fixtures/', import.meta.url);
const { withServices } = await loadTs('test/helpers/services-fixture.ts');
const base = JSON.parse(readFileSync(new URL('nodes3-snapshot.json', fixtures), 'utf8'));
const out = new URL('services-snapshot.json', fixtures);
writeFileSync(out, `${JSON.stringify(withServices(base), null, 2)}\n`);
console.log(`wrote ${out.pathname}`);
