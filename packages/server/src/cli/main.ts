import { isRaqibError } from '@raqib/core';
import type { CommandIo, CommandSpec } from './command-spec.js';
import { commands } from './commands/index.js';
import { commandHelp, mainHelp } from './help-text.js';
import { parseCommandArgs } from './parse-args.js';

/** Entry point of the `raqib` CLI; resolves to the exit code (0 ok, 1 failure, 2 usage error). */
export async function main(
  argv: string[],
  io: CommandIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(mainHelp(commands));
    return name === undefined ? 2 : 0;
  }
  const spec = commands.find((command) => command.name === name);
  if (!spec) {
    io.stderr.write(`raqib: unknown command '${name}'. Commands: ${commands.map((c) => c.name).join(', ')}.\n`);
    return 2;
  }
  try {
    const { positionals, options, help } = parseCommandArgs(spec, rest);
    if (help) {
      io.stdout.write(commandHelp(spec));
      return 0;
    }
    return await (spec as CommandSpec<Record<string, never>>).run({ positionals, options: options as never, io });
  } catch (error) {
    if (isRaqibError(error)) {
      io.stderr.write(`raqib ${name}: error ${error.code}: ${error.message}\n`);
      return error.code === 'USAGE' ? 2 : 1;
    }
    io.stderr.write(`raqib ${name}: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}
