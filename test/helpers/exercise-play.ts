// Plays built-in exercises with the real `podnet exercise play`, on labs
// named ex-play-<n> (no other suite uses that prefix), and checks the report.
import { afterAll, expect, it } from 'vitest';
import type { PlayReport } from '../../src/shared/exercise';
import { podnet } from './cli';
import { describeWithDocker } from './docker-required';
import { newEngine } from './lab-fixture';

export const playLab = (n: number) => `ex-play-${n}`;

export async function playAndExpectCorrect(n: number): Promise<PlayReport> {
  const r = await podnet(['exercise', 'play', String(n), '--lab', playLab(n), '--json']);
  const report = JSON.parse(r.stdout) as PlayReport;
  const problems = report.steps.filter((s) => !s.ok).map((s) => `step ${s.step}: ${s.problem}`);
  expect(problems, r.stderr).toEqual([]);
  expect(r.code).toBe(0);
  expect(report.ok).toBe(true);
  for (const s of report.steps) {
    // Where the step asks for a change, its check failed before and passed after.
    if (s.changes) expect(s.before?.passed, `step ${s.step} before`).toBe(false);
    else expect(s.before).toBeNull();
    expect(s.after?.passed, `step ${s.step} after`).toBe(true);
    expect(s.commands.every((c) => c.ok)).toBe(true);
  }
  return report;
}

/** Removes play labs a failed run may have left (play removes its lab itself). */
export async function removePlayLabs(ns: number[]): Promise<void> {
  const engine = newEngine();
  try {
    for (const n of ns) await engine.down(playLab(n));
  } finally {
    await engine.dispose();
  }
}

export async function runningLabs(): Promise<string[]> {
  const engine = newEngine();
  try {
    return (await engine.list()).map((l) => l.name);
  } finally {
    await engine.dispose();
  }
}

/** The suite of one play file: each exercise plays correctly and leaves no lab behind. */
export async function describePlays(exercises: number[]): Promise<void> {
  await describeWithDocker(`exercises ${exercises.join(', ')} play end to end`, () => {
    afterAll(() => removePlayLabs(exercises));
    it.each(exercises)('exercise %i plays correctly and removes its lab', async (n) => {
      const report = await playAndExpectCorrect(n);
      expect(report.lab).toBe(playLab(n));
      expect(report.steps.length).toBeGreaterThanOrEqual(4);
      expect(await runningLabs()).not.toContain(playLab(n));
    });
  });
}
