// Starting and stopping labs in tests, under names no other suite uses.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { createEngine, type Engine } from '../../src/engine/index';

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

export interface LabsInSuite {
  readonly engine: Engine;
  /** The running labs' names, in the order given. */
  readonly labs: string[];
  /** The first (often only) lab. */
  readonly lab: string;
}

/** Brings the labs up before the suite's tests and removes them after (one engine for the suite). */
export function useLabs(...texts: string[]): LabsInSuite {
  const ctx = {
    engine: undefined as unknown as Engine,
    labs: [] as string[],
    get lab(): string {
      return this.labs[0]!;
    },
  };
  beforeAll(async () => {
    ctx.engine = newEngine();
    ctx.labs = await Promise.all(texts.map((t) => upLab(ctx.engine, t)));
  });
  afterAll(async () => {
    await Promise.all(ctx.labs.map((l) => ctx.engine.down(l)));
    await ctx.engine.dispose();
  });
  return ctx;
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
