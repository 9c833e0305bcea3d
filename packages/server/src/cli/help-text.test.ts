import { describe, expect, it } from 'vitest';
import { commands } from './commands/index.js';
import { markdownReference } from './help-text.js';

describe('markdownReference (docs/cli.md)', () => {
  it('keeps every option row of every command at three cells, escaping the | of choices', () => {
    const rows = markdownReference(commands)
      .split('\n')
      .filter((line) => line.startsWith('| `--'));
    expect(rows.length).toBeGreaterThan(50);
    const withChoices = rows.filter((row) => row.includes('\\|'));
    expect(withChoices.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.split(/(?<!\\)\|/).length, row).toBe(5);
  });
});
