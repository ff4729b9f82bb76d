// One `iptables-save` rule line as words, and its options looked up by name
// (`-d`, `--dport`, `--comment`, `-j` …, with their `!`).

export interface IptablesRule {
  /** The line as printed. */
  line: string;
  chain: string;
  words: string[];
}

/** Splits a rule line as iptables-restore does: spaces, "…" quoting with \ escapes. */
export function ruleWords(line: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (line[i] === ' ') i++;
    if (i >= line.length) break;
    let word = '';
    if (line[i] === '"') {
      i++;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && i + 1 < line.length) i++;
        word += line[i++];
      }
      i++;
    } else {
      while (i < line.length && line[i] !== ' ') word += line[i++];
    }
    words.push(word);
  }
  return words;
}

/** `-A CHAIN …` lines of one table's iptables-save lines. */
export function parseRules(lines: readonly string[]): IptablesRule[] {
  const rules: IptablesRule[] = [];
  for (const line of lines) {
    if (!line.startsWith('-A ')) continue;
    const words = ruleWords(line);
    rules.push({ line, chain: words[1]!, words: words.slice(2) });
  }
  return rules;
}

/** The value after `flag` (the first one), or null; `negated` tells whether a `!` precedes the flag. */
export function option(rule: IptablesRule, flag: string): { value: string; negated: boolean } | null {
  const at = rule.words.indexOf(flag);
  if (at < 0 || at + 1 >= rule.words.length) return null;
  return { value: rule.words[at + 1]!, negated: rule.words[at - 1] === '!' };
}

export const optionValue = (rule: IptablesRule, flag: string): string | null => option(rule, flag)?.value ?? null;

/** `-j TARGET`. */
export const jumpTarget = (rule: IptablesRule): string | null => optionValue(rule, '-j');

export const hasWord = (rule: IptablesRule, word: string): boolean => rule.words.includes(word);
