import type { CommandSpec } from '../command-spec.js';
import { analyzeCommand } from './analyze-command.js';
import { auditCommand } from './audit-command.js';
import { countCommand } from './count-command.js';
import { evalCommand } from './eval-command.js';
import { evalTracksCommand } from './eval-tracks-command.js';
import { fuseCommand } from './fuse-command.js';
import { reportCommand } from './report-command.js';
import { serveCommand } from './serve-command.js';
import { simulateCommand } from './simulate-command.js';
import { tokenCommand } from './token-command.js';
import { usersCommand } from './users-command.js';

/** Every `raqib` command, in help order. */
export const commands: readonly CommandSpec[] = [
  countCommand,
  evalCommand,
  analyzeCommand,
  evalTracksCommand,
  simulateCommand,
  fuseCommand,
  serveCommand,
  reportCommand,
  usersCommand,
  tokenCommand,
  auditCommand,
];
