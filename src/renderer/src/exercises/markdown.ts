// Exercise prose and hints as a Markdown tree (mdast). The page renders the
// tree node by node as Svelte elements: text is always text, raw HTML in the
// source is shown as text, and only http(s) links become links.
import type { Root } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';

export function parseMarkdown(text: string): Root {
  return fromMarkdown(text);
}

/** The link target to use, or null when it is not a web address (javascript:, data:, file:, relative). */
export function safeHref(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}
