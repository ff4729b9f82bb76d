// POSIX shell quoting for argv arrays that must travel as one script.
const SAFE = /^[A-Za-z0-9_\-.,:/@=+%!]+$/;

export function shellQuote(arg: string): string {
  if (arg !== '' && SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function shellJoin(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}
