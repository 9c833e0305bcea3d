import { parseArgs } from 'node:util';
import { RaqibError } from '@raqib/core';
import type { CommandSpec, OptionSpec } from './command-spec.js';

/** Parses argv for one command; errors are RaqibError('USAGE') naming the bad option. */
export function parseCommandArgs(
  spec: CommandSpec,
  argv: string[],
): { positionals: string[]; options: Record<string, unknown>; help: boolean } {
  const parseOptions: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' } };
  for (const [name, option] of Object.entries(spec.options)) {
    parseOptions[name] = { type: option.type === 'boolean' ? 'boolean' : 'string' };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options: parseOptions, allowPositionals: true, strict: true });
  } catch (error) {
    throw new RaqibError('USAGE', `raqib ${spec.name}: ${(error as Error).message}. See 'raqib ${spec.name} --help'.`);
  }
  const options: Record<string, unknown> = {};
  for (const [name, option] of Object.entries(spec.options)) {
    options[name] = convertOption(spec.name, name, option, parsed.values[name]);
  }
  if (!parsed.values.help && spec.positionals?.required && parsed.positionals.length === 0) {
    throw new RaqibError(
      'USAGE',
      `raqib ${spec.name}: missing ${spec.positionals.name}. Usage: raqib ${spec.name} ${spec.usage}`,
    );
  }
  return { positionals: parsed.positionals, options, help: parsed.values.help === true };
}

function convertOption(command: string, name: string, option: OptionSpec, raw: unknown): unknown {
  if (raw === undefined) return option.default;
  if (option.type === 'boolean') return raw === true;
  const text = String(raw);
  if (option.type === 'number') {
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value)) {
      throw new RaqibError('USAGE', `raqib ${command}: --${name} must be a number, got '${text}'`);
    }
    return value;
  }
  if (option.choices && !option.choices.includes(text)) {
    throw new RaqibError(
      'USAGE',
      `raqib ${command}: --${name} must be one of ${option.choices.join(', ')}, got '${text}'`,
    );
  }
  return text;
}
