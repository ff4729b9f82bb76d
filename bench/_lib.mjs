// Shared helpers of the benchmarks (not a benchmark itself).
import { ensureBuilt } from '../scripts/ensure-built.mjs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const RESOURCES = `${ROOT}resources`;

export async function loadEngine() {
  ensureBuilt('cli');
  return import(`${ROOT}out/cli/engine.js`);
}

export const now = () => performance.now();
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
export const ms = (x) => `${Math.round(x)} ms`;
export const s = (x) => `${(x / 1000).toFixed(2)} s`;

export function row(label, value, goal) {
  console.log(`  ${label.padEnd(58)} ${String(value).padStart(10)}${goal ? `   (goal ${goal})` : ''}`);
}
