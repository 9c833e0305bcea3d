import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkOutputFolder, OUTPUT_MARKER, StagedOutputFolder } from './output-folder.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'raqib-output-folder-'));
}

/** A folder as a finished run leaves it. */
function previousRun(path: string, label: string): void {
  mkdirSync(path, { recursive: true });
  writeFileSync(join(path, OUTPUT_MARKER), '');
  writeFileSync(join(path, 'summary.json'), JSON.stringify({ label }));
  writeFileSync(join(path, 'heatmap.png'), label);
}

describe('checkOutputFolder', () => {
  it('accepts a new folder (parents made later), an empty one, a previous run, and an old run without the marker', async () => {
    const dir = tempDir();
    expect(await checkOutputFolder(join(dir, 'a/b/c'))).toMatchObject({ hasPrevious: false });
    mkdirSync(join(dir, 'empty'));
    expect(await checkOutputFolder(join(dir, 'empty'))).toMatchObject({ hasPrevious: true });
    previousRun(join(dir, 'prev'), 'x');
    expect(await checkOutputFolder(join(dir, 'prev'))).toMatchObject({ path: join(dir, 'prev'), parent: dir });
    mkdirSync(join(dir, 'legacy'));
    writeFileSync(join(dir, 'legacy/summary.json'), '{}');
    writeFileSync(join(dir, 'legacy/analysis.jsonl'), '');
    await expect(checkOutputFolder(join(dir, 'legacy'))).resolves.toBeDefined();
    expect(readdirSync(join(dir))).not.toContain('a'); // checking creates nothing
  });

  it.each([
    ['a file', (dir: string) => (writeFileSync(join(dir, 'f'), ''), 'f'), /: is a file, not a folder/],
    ['under a file', (dir: string) => (writeFileSync(join(dir, 'f'), ''), 'f/x/y'), /f is a file, so no folder/],
    [
      'someone else’s folder',
      (dir: string) => (mkdirSync(join(dir, 'docs')), writeFileSync(join(dir, 'docs/thesis.tex'), ''), 'docs'),
      /not Raqib outputs \(thesis\.tex\)/,
    ],
  ])('refuses %s', async (_what, make, message) => {
    const dir = tempDir();
    const out = join(dir, make(dir));
    await expect(checkOutputFolder(out)).rejects.toMatchObject({ code: 'OUTPUT_INVALID', message });
  });

  it.each(['/proc/raqib', '/proc/self/fd/x', '/sys/raqib', '/dev/raqib', '/'])('refuses %s', async (out) => {
    await expect(checkOutputFolder(out)).rejects.toMatchObject({ code: 'OUTPUT_INVALID' });
  });

  it('refuses the working folder and its parents', async () => {
    await expect(checkOutputFolder('.')).rejects.toThrow(/working folder/);
    await expect(checkOutputFolder('..')).rejects.toThrow(/working folder/);
  });

  it.skipIf(process.getuid?.() === 0)('refuses a folder it cannot write in', async () => {
    const { chmodSync } = await import('node:fs');
    const dir = tempDir();
    mkdirSync(join(dir, 'locked'));
    chmodSync(join(dir, 'locked'), 0o555);
    await expect(checkOutputFolder(join(dir, 'locked/out'))).rejects.toThrow(
      /cannot write in .*locked \(permission denied\)/,
    );
  });
});

describe('StagedOutputFolder', () => {
  it('commit replaces a previous run whole: none of its files stay', async () => {
    const dir = tempDir();
    const out = join(dir, 'run');
    previousRun(out, 'old');
    const staged = await StagedOutputFolder.create(await checkOutputFolder(out));
    expect(staged.stagingPath.startsWith(join(dir, '.run.raqib-tmp-'))).toBe(true);
    writeFileSync(join(staged.stagingPath, 'summary.json'), JSON.stringify({ label: 'new' }));
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))).toEqual({ label: 'old' }); // not yet
    await staged.commit();
    expect(readdirSync(out).sort()).toEqual([OUTPUT_MARKER, 'summary.json']); // no old heatmap.png
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))).toEqual({ label: 'new' });
    expect(readdirSync(dir)).toEqual(['run']);
  });

  it('a symbolic link to a previous run: the folder it names is replaced, the link stays', async () => {
    const dir = tempDir();
    previousRun(join(dir, 'real'), 'old');
    symlinkSync(join(dir, 'real'), join(dir, 'link'));
    const plan = await checkOutputFolder(join(dir, 'link'));
    expect(plan.path).toBe(join(dir, 'real'));
    const staged = await StagedOutputFolder.create(plan);
    writeFileSync(join(staged.stagingPath, 'summary.json'), '{"label":"new"}');
    await staged.commit();
    expect(JSON.parse(readFileSync(join(dir, 'link/summary.json'), 'utf8'))).toEqual({ label: 'new' });
    expect(lstatSync(join(dir, 'link')).isSymbolicLink()).toBe(true);
  });

  it('discard keeps the previous run as it was', async () => {
    const dir = tempDir();
    const out = join(dir, 'run');
    previousRun(out, 'old');
    const staged = await StagedOutputFolder.create(await checkOutputFolder(out));
    writeFileSync(join(staged.stagingPath, 'summary.json'), '{"label":"failed"}');
    await staged.discard();
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))).toEqual({ label: 'old' });
    expect(readdirSync(dir)).toEqual(['run']);
  });

  it('the next run cleans up after a killed one and puts back a previous run left aside', async () => {
    const dir = tempDir();
    const out = join(dir, 'run');
    previousRun(out, 'old');
    // A run killed between its two renames (pid 2^22 + 1 is above Linux's pid_max default, so dead):
    // the previous folder is aside, its staging folder still there.
    const deadPid = 4_194_305;
    renameSync(out, join(dir, `.run.raqib-old-${deadPid}-0a1b2c3d`));
    mkdirSync(join(dir, `.run.raqib-tmp-${deadPid}-deadbeef`));
    writeFileSync(join(dir, `.run.raqib-tmp-${deadPid}-deadbeef/summary.json`), '{"label":"partial"}');
    const staged = await StagedOutputFolder.create(await checkOutputFolder(out));
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))).toEqual({ label: 'old' }); // restored
    expect(readdirSync(dir).sort()).toEqual([staged.stagingPath.slice(dir.length + 1), 'run'].sort());
    await staged.discard();
    expect(existsSync(staged.stagingPath)).toBe(false);
  });
});
