// Starting and stopping labs in tests, under names no other suite uses.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createEngine, type Engine } from '../../src/main/engine/index';

export const RESOURCES_DIR = fileURLToPath(new URL('../../resources', import.meta.url));

export function newEngine(): Engine {
  return createEngine({ resourcesDir: RESOURCES_DIR });
}

/** A built-in lab's text with its name replaced (integration labs are named it-…), and extra top-level lines (e.g. `driver: local`). */
export function builtinLab(file: string, name: string, extra: string[] = []): string {
  const text = readFileSync(`${RESOURCES_DIR}/labs/${file}`, 'utf8');
  return text.replace(/^name: .*$/m, [`name: ${name}`, ...extra].join('\n'));
}

export async function upLab(engine: Engine, text: string): Promise<string> {
  const name = /^name: (.*)$/m.exec(text)![1]!.trim();
  await engine.down(name); // a crashed earlier run of this very suite
  await engine.up({ text, file: `${name}.yaml` });
  return name;
}

/**
 * Runs tcpdump at a target while `action` runs; returns tcpdump's packet
 * lines. tcpdump is started first and the action waits until it listens.
 */
export async function captureDuring(engine: Engine, lab: string, target: string, iface: string, filter: string[], count: number, action: () => Promise<unknown>): Promise<string[]> {
  let listening!: () => void;
  const ready = new Promise<void>((r) => (listening = r));
  const capture = engine.exec(lab, target, ['timeout', '8', 'tcpdump', '-nn', '-l', '-i', iface, '-c', String(count), ...filter], {
    onStderr: (b) => {
      if (b.toString().includes('listening on')) listening();
    },
  });
  await Promise.race([ready, capture]);
  await action();
  const result = await capture;
  return result.stdout.split('\n').filter((l) => l.trim() !== '');
}
