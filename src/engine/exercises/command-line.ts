// An exercise command line → argv, the way bash would split it — for the
// subset exercises may use: words, '…' and "…" quoting, backslash escapes,
// and `!` as a word of its own (iptables' negation). Anything else a shell
// would interpret (pipes, redirections, globs, $, `, ;, &) is refused, so the
// line typed into a terminal and the argv run by `podnet exercise play` can
// never differ.

export class CommandLineError extends Error {
  constructor(message: string, readonly column: number) {
    super(message);
  }
}

const SPECIAL = new Set(['|', '&', ';', '<', '>', '(', ')', '$', '`', '*', '?', '[', ']', '{', '}', '~', '#']);

export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let i = 0;
  const startWord = () => (word ??= '');
  while (i < line.length) {
    const c = line[i]!;
    if (c === ' ' || c === '\t') {
      if (word !== null) words.push(word);
      word = null;
      i++;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new CommandLineError('unterminated single quote', i + 1);
      word = startWord() + line.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      let j = i + 1;
      let text = '';
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '\\' && j + 1 < line.length && '"\\$`'.includes(line[j + 1]!)) text += line[++j];
        else if (line[j] === '$' || line[j] === '`') throw new CommandLineError(`"${line[j]}" inside double quotes would be expanded by the shell; use single quotes`, j + 1);
        else text += line[j];
      }
      if (j >= line.length) throw new CommandLineError('unterminated double quote', i + 1);
      word = startWord() + text;
      i = j + 1;
    } else if (c === '\\') {
      if (i + 1 >= line.length) throw new CommandLineError('a backslash at the end of the line', i + 1);
      word = startWord() + line[i + 1];
      i += 2;
    } else if (c === '!') {
      const alone = (word === null) && (i + 1 >= line.length || line[i + 1] === ' ');
      if (!alone) throw new CommandLineError('"!" must be a word of its own (bash would expand it)', i + 1);
      word = '!';
      i++;
    } else if (SPECIAL.has(c)) {
      throw new CommandLineError(`"${c}" would be interpreted by the shell; exercise commands are plain argv (no pipes, redirections, globs or variables)`, i + 1);
    } else {
      word = startWord() + c;
      i++;
    }
  }
  if (word !== null) words.push(word);
  return words;
}
