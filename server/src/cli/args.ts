import { parseArgs } from 'node:util';

/** One option of a command: what `parseArgs` needs, plus how the command's `--help` shows it. */
export interface CliOption {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  default?: string | boolean;
  /** The value's placeholder in the usage, e.g. `<n>`. */
  placeholder?: string;
  description: string;
}

export type CliOptions = Record<string, CliOption>;

/** A subcommand: its usage is drawn from the same options it parses, so the two cannot drift apart. */
export interface CliCommand<O extends CliOptions = CliOptions> {
  name: string;
  /** What follows `trellis <name>` on the usage line. */
  synopsis: string;
  summary: string;
  options: O;
  /** Lines printed after the options. */
  notes?: readonly string[];
}

/** A mistake in how the CLI was called: printed as one line that points at the right `--help`. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose `--help` explains it; null for the top level. */
    readonly command: string | null,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

const HELP = { type: 'boolean', short: 'h', description: 'show this help' } as const satisfies CliOption;

type ParseConfig<O extends CliOptions> = {
  args: string[];
  options: O & { help: typeof HELP };
  strict: true;
  allowPositionals: false;
};

export type CliValues<O extends CliOptions> = ReturnType<typeof parseArgs<ParseConfig<O>>>['values'];

export function usageOf(command: CliCommand): string {
  const entries = Object.entries<CliOption>({ ...command.options, help: HELP }).map(([name, option]) => {
    const flags = `${option.short ? `-${option.short}, ` : ''}--${name}`;
    return [option.placeholder ? `${flags} ${option.placeholder}` : flags, option.description] as const;
  });
  const width = Math.max(...entries.map(([flags]) => flags.length));
  return [
    `Usage: trellis ${command.name}${command.synopsis ? ` ${command.synopsis}` : ''}`,
    '',
    command.summary,
    '',
    'Options:',
    ...entries.map(([flags, description]) => `  ${flags.padEnd(width)}  ${description}`),
    ...(command.notes && command.notes.length > 0 ? ['', ...command.notes] : []),
  ].join('\n');
}

/** Whether `--help` or `-h` stands among the arguments (before any `--`). */
export function asksForHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

/**
 * Parses a command's arguments strictly. Returns `help` when `--help` or `-h` was given, even beside a mistake,
 * so that asking for help always gets it; any other problem is a `UsageError` naming the argument.
 */
export function parseCommand<O extends CliOptions>(
  command: CliCommand<O>,
  args: string[],
): { help: true } | { help: false; values: CliValues<O> } {
  if (asksForHelp(args)) return { help: true };
  const options = Object.fromEntries(
    Object.entries<CliOption>({ ...command.options, help: HELP }).map(([name, option]) => [
      name,
      {
        type: option.type,
        ...(option.short === undefined ? {} : { short: option.short }),
        ...(option.multiple === undefined ? {} : { multiple: option.multiple }),
        ...(option.default === undefined ? {} : { default: option.default }),
      },
    ]),
  );
  // Only the descriptions and placeholders are left out, which the parsed values' type does not depend on.
  const config = { args, options, strict: true, allowPositionals: false } as unknown as ParseConfig<O>;
  try {
    return { help: false, values: parseArgs(config).values };
  } catch (error) {
    throw new UsageError(describeParseError(error, command.name), command.name);
  }
}

/** Node's parseArgs messages in one line each, naming the command; anything else is not a usage mistake. */
function describeParseError(error: unknown, command: string): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  const quoted = /'([^']+)'/.exec(message)?.[1] ?? '';
  const option = quoted.split(' ')[0];
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option '${option}' for '${command}'`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument '${quoted}' for '${command}'`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return message.includes('does not take an argument')
        ? `option '${option}' of '${command}' takes no value`
        : `option '${option}' of '${command}' needs a value`;
    default:
      throw error;
  }
}
