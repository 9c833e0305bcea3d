import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JsonlWriter } from './jsonl-file-sink.js';

describe('JsonlWriter', () => {
  it('writes complete lines', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'raqib-jsonl-')), 'a.jsonl');
    const writer = new JsonlWriter(path);
    await writer.append({ a: 1 });
    await writer.append({ b: 'x' });
    await writer.close();
    expect(readFileSync(path, 'utf8')).toBe('{"a":1}\n{"b":"x"}\n');
  });

  it('a write waiting for drain ends with the error when the file cannot be written (it used to wait forever)', async () => {
    const writer = new JsonlWriter(join(mkdtempSync(join(tmpdir(), 'raqib-jsonl-')), 'missing/folder/a.jsonl'));
    const big = { text: 'x'.repeat(100_000) }; // over the stream's buffer: write() asks to wait for 'drain'
    await expect(writer.append(big)).rejects.toThrow(/ENOENT/);
    await expect(writer.close()).rejects.toThrow(/ENOENT/);
  });
});
