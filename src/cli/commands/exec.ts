import { ExitCode } from '../cli-errors';
import { withEngine } from '../cli-context';

export async function execCommand(lab: string, target: string, argv: string[], flags: { stdin?: boolean }): Promise<void> {
  let stdin: Buffer | undefined;
  if (flags.stdin) {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    stdin = Buffer.concat(chunks);
  }
  const code = await withEngine(async (engine) => {
    const result = await engine.exec(lab, target, argv, {
      ...(stdin ? { stdin } : {}),
      onStdout: (b) => process.stdout.write(b),
      onStderr: (b) => process.stderr.write(b),
    });
    return result.code;
  });
  if (code !== 0) throw new ExitCode(code);
}
