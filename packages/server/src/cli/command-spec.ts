/** CLI commands and options declared as data: parsing, `--help` and docs/cli.md all read these. */

export type OptionSpec =
  | { type: 'string'; description: string; default?: string; choices?: readonly string[]; valueName?: string }
  | { type: 'number'; description: string; default?: number; valueName?: string }
  | { type: 'boolean'; description: string; default?: boolean };

export type OptionValue<S extends OptionSpec> = S extends { type: 'string' }
  ? S extends { default: string }
    ? string
    : string | undefined
  : S extends { type: 'number' }
    ? S extends { default: number }
      ? number
      : number | undefined
    : boolean;

export type ParsedOptions<O extends Record<string, OptionSpec>> = { [K in keyof O]: OptionValue<O[K]> };

/** Where a command writes: stdout for results, stderr for messages and progress. */
export interface CommandIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

export interface CommandSpec<O extends Record<string, OptionSpec> = Record<string, OptionSpec>> {
  name: string;
  summary: string;
  /** Usage after `raqib <name>`, e.g. `<image|dir>... [options]`. */
  usage: string;
  /** Name of the positional arguments in help, and whether at least one is required. */
  positionals?: { name: string; required: boolean };
  options: O;
  examples?: readonly string[];
  /** Runs the command; resolves to the process exit code. */
  run(args: { positionals: string[]; options: ParsedOptions<O>; io: CommandIo }): Promise<number>;
}

/** Declares a command with its option types inferred from the data. */
export function defineCommand<O extends Record<string, OptionSpec>>(spec: CommandSpec<O>): CommandSpec<O> {
  return spec;
}
