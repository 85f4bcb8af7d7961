/**
 * Where the command name is in argv: the first word that is neither a flag nor the value of a
 * global flag that takes one (`valueFlags`); -1 when there is none before `--`.
 */
export function commandIndex(argv: readonly string[], valueFlags: readonly string[]): number {
  let i = 0;
  while (i < argv.length && argv[i]!.startsWith('-')) {
    if (argv[i] === '--') return -1;
    i += valueFlags.includes(argv[i]!) ? 2 : 1;
  }
  return i < argv.length ? i : -1;
}

/** The value of `--lang` anywhere in argv (`--lang ja` or `--lang=ja`), read before parsing so help is translated. */
export function langFlag(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if (a === '--lang') return argv[i + 1];
    if (a.startsWith('--lang=')) return a.slice('--lang='.length);
  }
  return undefined;
}
