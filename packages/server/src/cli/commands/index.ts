import type { CommandSpec } from '../command-spec.js';

/** Every `raqib` command, in help order. */
export const commands: readonly CommandSpec[] = [];
