import { writeFileSync } from 'node:fs';
import { commands } from './commands/index.js';
import { markdownReference } from './help-text.js';

/** Regenerates docs/cli.md from the command data (`npm run docs:cli`; CI fails when it is stale). */
const target = new URL('../../../../docs/cli.md', import.meta.url);
writeFileSync(target, markdownReference(commands));
