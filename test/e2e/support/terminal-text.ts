// Reading the app's terminals in the page (xterm's DOM renderer: one div
// per visible row), and waiting for a command typed into one to finish.
import type { Page } from 'playwright-core';

/** A shell's prompt line: `root@host1:/# `, `(pod a)root@host1:/# ` or, for a Docker container, `(c1)root@host1:/# `. */
const PROMPT = /^(\((pod )?[a-z0-9-]+\))?root@[\w-]+:[^#]*#\s*$/;

/** The rows' text, also of a terminal whose tab is not shown (innerText would be empty there). */
export async function terminalText(page: Page, key: number): Promise<string> {
  return page
    .locator(`[data-testid="terminal-${key}"] .xterm-rows`)
    .evaluate((rows) => Array.from(rows.children, (row) => (row.textContent ?? '').replaceAll('\u00a0', ' ')).join('\n'));
}

const lines = (text: string) => text.split('\n').map((l) => l.trimEnd()).filter((l) => l !== '');

export async function waitForTerminal(page: Page, key: number, pattern: RegExp, timeout = 20_000): Promise<string> {
  const end = Date.now() + timeout;
  for (;;) {
    const text = await terminalText(page, key);
    if (pattern.test(text)) return text;
    if (Date.now() > end) throw new Error(`terminal ${key} never showed ${pattern}; it shows:\n${text}`);
    await page.waitForTimeout(100);
  }
}

/** The terminal tab that is shown (Run in terminal shows the one it typed into). */
export async function activeTerminal(page: Page): Promise<number> {
  const id = await page.locator('[role="tab"][aria-selected="true"][id^="terminal-tab-"]').getAttribute('id');
  return Number(id!.slice('terminal-tab-'.length));
}

/**
 * Waits until `command` was typed into the terminal and the shell is back
 * at its prompt (the screen changed since `before`, the command's line is
 * on it, and the last line is a bare prompt after it).
 */
export async function waitForCommandDone(page: Page, key: number, command: string, before: string, timeout = 30_000): Promise<string> {
  const head = command.slice(0, 24);
  const end = Date.now() + timeout;
  for (;;) {
    const text = await terminalText(page, key);
    const ls = lines(text);
    const at = ls.findLastIndex((l) => l.includes(head));
    if (text !== before && at >= 0 && at < ls.length - 1 && PROMPT.test(ls.at(-1)!)) return text;
    if (Date.now() > end) throw new Error(`terminal ${key} did not finish \`${command}\`; it shows:\n${text}`);
    await page.waitForTimeout(100);
  }
}
