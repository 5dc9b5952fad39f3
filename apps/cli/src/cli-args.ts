/** Wrong arguments or an input that cannot be read: the check could not run (exit 2). */
export class UsageError extends Error {}

export interface ParsedArgs {
  readonly positionals: readonly string[];
  readonly options: ReadonlyMap<string, string>;
  readonly flags: ReadonlySet<string>;
}

/**
 * `--name value` options and bare `--flag`s, in any order among positionals.
 * Only the names a command declares are accepted, so a typo is a usage error
 * rather than a check silently skipped.
 */
export function parseArgs(
  argv: readonly string[],
  spec: { readonly options: readonly string[]; readonly flags: readonly string[] },
): ParsedArgs {
  const positionals: string[] = [];
  const options = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (spec.flags.includes(name)) {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
      flags.add(name);
    } else if (spec.options.includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`);
      if (options.has(name)) throw new UsageError(`--${name} is given twice`);
      options.set(name, value);
    } else {
      throw new UsageError(`unknown option --${name}`);
    }
  }
  return { positionals, options, flags };
}
