// Whole-number command-line options: a clear message and exit code 2 when wrong.
import { ExitCode } from './cli-errors';

export function wholeNumberOption(value: string | undefined, name: string, range: { min: number; max: number }): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(n) || n < range.min || n > range.max) {
    process.stderr.write(`podnet: ${name} must be a whole number from ${range.min} to ${range.max} (got "${value}")\n`);
    throw new ExitCode(2);
  }
  return n;
}
