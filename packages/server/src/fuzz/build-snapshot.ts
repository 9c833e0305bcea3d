import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from './run-cli.js';

/**
 * Copies the built CLI (packages/core and packages/server: dist, package.json, bin) into `workDir`
 * with a node_modules of links to the repository's, and returns the copy's `raqib.js`. A fuzz run
 * takes many minutes; in a working tree where others rebuild meanwhile, a half-written dist would
 * otherwise show up as crashes of the inputs that happened to run then.
 */
export async function snapshotBuild(workDir: string): Promise<string> {
  const root = join(workDir, 'build');
  for (const name of ['core', 'server']) {
    const from = join(REPO_ROOT, 'packages', name);
    const to = join(root, 'packages', name);
    await mkdir(to, { recursive: true });
    await cp(join(from, 'dist'), join(to, 'dist'), { recursive: true });
    await cp(join(from, 'package.json'), join(to, 'package.json'));
    if (existsSync(join(from, 'bin'))) await cp(join(from, 'bin'), join(to, 'bin'), { recursive: true });
  }
  const modules = join(root, 'node_modules');
  await mkdir(join(modules, '@raqib'), { recursive: true });
  for (const entry of await readdir(join(REPO_ROOT, 'node_modules'))) {
    if (entry !== '@raqib') await symlink(join(REPO_ROOT, 'node_modules', entry), join(modules, entry));
  }
  for (const name of ['core', 'server']) await symlink(join(root, 'packages', name), join(modules, '@raqib', name));
  // The default model path is resolved from the repository root (models/).
  await symlink(join(REPO_ROOT, 'models'), join(root, 'models'));
  return join(root, 'packages/server/bin/raqib.js');
}
