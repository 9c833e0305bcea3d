import { isRaqibError } from '@raqib/core';
import type { CommandIo, CommandSpec } from './command-spec.js';
import { commands } from './commands/index.js';
import { EXIT_CODE } from './exit-codes.js';
import { commandHelp, mainHelp } from './help-text.js';
import { parseCommandArgs } from './parse-args.js';

/** Entry point of the `raqib` CLI; resolves to the exit code ({@link EXIT_CODE}, docs/exit-codes.md). */
export async function main(
  argv: string[],
  io: CommandIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(mainHelp(commands));
    return name === undefined ? EXIT_CODE.usage : EXIT_CODE.ok;
  }
  const spec = commands.find((command) => command.name === name);
  if (!spec) {
    io.stderr.write(`raqib: unknown command '${name}'. Commands: ${commands.map((c) => c.name).join(', ')}.\n`);
    return EXIT_CODE.usage;
  }
  try {
    const { positionals, options, help } = parseCommandArgs(spec, rest);
    if (help) {
      io.stdout.write(commandHelp(spec));
      return EXIT_CODE.ok;
    }
    return await (spec as CommandSpec<Record<string, never>>).run({ positionals, options: options as never, io });
  } catch (error) {
    if (isRaqibError(error)) {
      io.stderr.write(`raqib ${name}: error ${error.code}: ${error.message}\n`);
      return error.code === 'USAGE' ? EXIT_CODE.usage : EXIT_CODE.failed;
    }
    io.stderr.write(`raqib ${name}: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
    return EXIT_CODE.failed;
  }
}
