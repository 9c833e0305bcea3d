import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, readdir, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { RaqibError } from '@raqib/core';

/** A file in every folder Raqib writes, so that a later run knows it may replace the folder whole. */
export const OUTPUT_MARKER = '.raqib-output';

/**
 * Files a run writes. A folder holding only these (written before the marker existed) is also taken
 * for a previous run; any other file makes `--out` refuse the folder rather than delete someone's data.
 */
const KNOWN_OUTPUTS = new Set([
  OUTPUT_MARKER,
  'analysis.jsonl',
  'zones.csv',
  'summary.json',
  'heatmap.png',
  'tracks.csv',
  'lines.json',
  'alerts.jsonl',
  'notify-dead-letter.jsonl',
  'annotated.mp4',
]);

/** Pseudo file systems: writing there is never meant (and `mkdir -p /proc/x` can loop). */
const SYSTEM_ROOTS = ['/proc', '/sys', '/dev'];

/** Where a checked output folder will go. */
export interface OutputFolderPlan {
  /** Absolute path of the folder the user asked for (the folder a symbolic link names, if it is one). */
  path: string;
  /** Its parent, where the staging folder is made (same file system, so the final move is a rename). */
  parent: string;
  /** True when a previous run's folder is there (it is replaced whole by a successful run). */
  hasPrevious: boolean;
}

/**
 * Checks an output folder before any work, without creating anything: not a file, not under a file,
 * not in /proc, /sys or /dev, not the working directory or above it, empty or a previous Raqib output
 * folder, and its parent writable. Throws RaqibError('OUTPUT_INVALID') with one clear message.
 */
export async function checkOutputFolder(outDir: string, option = '--out'): Promise<OutputFolderPlan> {
  const path = resolve(outDir);
  const refuse = (problem: string, fix = `choose another folder with ${option}`) =>
    new RaqibError('OUTPUT_INVALID', `${option} ${outDir}: ${problem}; ${fix}`);
  if (isUnder(path, SYSTEM_ROOTS)) throw refuse('is under a system folder (/proc, /sys, /dev), not for files');
  const cwd = process.cwd();
  if (path === dirname(path) || path === cwd || isUnder(cwd, [path])) {
    throw refuse('is the working folder or above it; a run replaces its output folder whole');
  }

  // The nearest part of the path that exists decides: a folder (go on), a file (refuse).
  let existing = path;
  for (;;) {
    const info = await stat(existing).catch((error: NodeJS.ErrnoException) => error);
    if (!(info instanceof Error)) {
      if (!info.isDirectory()) {
        throw existing === path
          ? refuse('is a file, not a folder')
          : refuse(`${existing} is a file, so no folder can be made in it`);
      }
      break;
    }
    if (info.code === 'EACCES') throw refuse(`${existing} cannot be reached (permission denied)`);
    if (info.code !== 'ENOENT' && info.code !== 'ENOTDIR') throw refuse(`${existing}: ${info.message}`);
    existing = dirname(existing);
  }
  const real = await realpath(existing).catch(() => existing);
  if (isUnder(real, SYSTEM_ROOTS)) throw refuse(`${existing} is in a system folder (${real}), not for files`);

  const hasPrevious = existing === path;
  // A link to a folder: the folder it names is replaced (renaming the link would leave it as it was).
  const target = hasPrevious ? real : path;
  if (hasPrevious) {
    const entries = await readdir(target).catch((error: NodeJS.ErrnoException) => {
      throw refuse(`cannot be read (${error.code ?? error.message})`);
    });
    const foreign = entries.filter((name) => !KNOWN_OUTPUTS.has(name));
    if (entries.length > 0 && !entries.includes(OUTPUT_MARKER) && foreign.length > 0) {
      throw refuse(
        `already holds files that are not Raqib outputs (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', ...' : ''})`,
        `give a new or empty folder, or a previous output folder of raqib, with ${option}`,
      );
    }
  }
  // The staging folder is made next to the output folder, and the old one renamed there.
  const parent = dirname(target);
  const writableAt = hasPrevious ? parent : existing;
  try {
    await access(writableAt, constants.W_OK | constants.X_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EROFS' ? 'read-only file system' : code === 'EACCES' ? 'permission denied' : code;
    throw refuse(`cannot write in ${writableAt} (${why})`);
  }
  return { path: target, parent, hasPrevious };
}

/**
 * An output folder written as a whole: files go to a staging folder beside it
 * (`.<name>.raqib-tmp-<pid>-<random>`), which {@link commit} moves into place, replacing a previous
 * run's folder. A run that fails or is killed leaves the previous folder as it was; leftovers of a
 * killed run are cleaned up by the next run in the same place.
 *
 * The replacement is two renames (previous folder aside, staging folder in place). A kill between
 * them (a window of microseconds) leaves no folder at the path but the previous run whole aside
 * (`.<name>.raqib-old-<pid>-<random>`); the next run puts it back before it starts.
 */
export class StagedOutputFolder {
  private constructor(
    readonly path: string,
    readonly stagingPath: string,
  ) {}

  /** Makes the staging folder for a checked plan, after tidying up what killed runs left. */
  static async create(plan: OutputFolderPlan): Promise<StagedOutputFolder> {
    const name = basename(plan.path);
    try {
      await mkdir(plan.parent, { recursive: true });
      await recoverLeftovers(plan.parent, name);
      const stagingPath = join(plan.parent, `.${name}.raqib-tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
      await mkdir(stagingPath);
      await writeFile(
        join(stagingPath, OUTPUT_MARKER),
        'Output folder of raqib analyze: a later run into the same --out replaces this folder whole.\n',
      );
      return new StagedOutputFolder(plan.path, stagingPath);
    } catch (error) {
      throw new RaqibError(
        'OUTPUT_INVALID',
        `${plan.path}: cannot prepare the output folder (${(error as Error).message}); choose another folder with --out`,
        { cause: error },
      );
    }
  }

  /** Moves the staged outputs into place, replacing a previous run's folder whole. */
  async commit(): Promise<void> {
    const aside = join(
      dirname(this.path),
      `.${basename(this.path)}.raqib-old-${process.pid}-${randomBytes(4).toString('hex')}`,
    );
    let movedAside = false;
    try {
      await rename(this.path, aside);
      movedAside = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw outputFailed(this.path, error);
    }
    try {
      await rename(this.stagingPath, this.path);
    } catch (error) {
      if (movedAside) await rename(aside, this.path).catch(() => undefined);
      throw outputFailed(this.path, error);
    }
    if (movedAside) await rm(aside, { recursive: true, force: true });
  }

  /** Deletes the staged outputs; the folder at {@link path} stays as it was. */
  async discard(): Promise<void> {
    await rm(this.stagingPath, { recursive: true, force: true });
  }
}

function outputFailed(path: string, error: unknown): RaqibError {
  return new RaqibError(
    'OUTPUT_FAILED',
    `${path}: the outputs could not be moved into place (${(error as Error).message})`,
    { cause: error },
  );
}

const LEFTOVER = /^\.(.+)\.raqib-(tmp|old)-(\d+)-[0-9a-f]+$/;

/** Removes staging folders of dead runs and puts back a previous folder a kill left aside. */
async function recoverLeftovers(parent: string, name: string): Promise<void> {
  const entries = await readdir(parent).catch(() => [] as string[]);
  for (const entry of entries) {
    const match = LEFTOVER.exec(entry);
    if (!match || match[1] !== name || isAlive(Number(match[3]))) continue;
    const leftover = join(parent, entry);
    if (match[2] === 'old') {
      const restored = await rename(leftover, join(parent, name)).then(
        () => true,
        () => false,
      );
      if (restored) continue;
    }
    await rm(leftover, { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isUnder(path: string, roots: readonly string[]): boolean {
  return roots.some((root) => {
    const rel = relative(root, path);
    return rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
  });
}
