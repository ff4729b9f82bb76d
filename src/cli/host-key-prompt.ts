// Asking on the terminal about an SSH machine seen for the first time, as
// ssh does: its key type and fingerprint, then yes or no. One question at a
// time, even when several machines are reached at once.
import { createInterface } from 'node:readline/promises';
import type { HostKeyInfo } from '../engine/index';

export function terminalHostKeyPrompt(): ((info: HostKeyInfo) => Promise<boolean>) | undefined {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return undefined;
  let queue: Promise<unknown> = Promise.resolve();
  const ask = async (info: HostKeyInfo): Promise<boolean> => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      const answer = await rl.question(
        `\nThe authenticity of ${info.host} (${info.address} port ${info.port}) can't be established.\n${info.keyType} key fingerprint is ${info.fingerprint}.\nAccept and remember it? [y/N] `,
      );
      return /^y(es)?$/i.test(answer.trim());
    } finally {
      rl.close();
    }
  };
  return (info) => {
    const next = queue.then(() => ask(info));
    queue = next.catch(() => undefined);
    return next;
  };
}
