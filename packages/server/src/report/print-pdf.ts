import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RaqibError } from '@raqib/core';

/** Debian's Chromium (installed by scripts/install-system-deps.sh); RAQIB_CHROMIUM overrides it. */
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

export interface PrintPdfOptions {
  /** Chromium (or Chrome) binary; default RAQIB_CHROMIUM or /usr/bin/chromium. */
  chromiumPath?: string;
  /** Chromium is killed after this; default 60 s. */
  timeoutMs?: number;
}

/** The Chromium binary that {@link printHtmlToPdf} would use. */
export function chromiumPath(options: PrintPdfOptions = {}): string {
  const fromEnv = process.env.RAQIB_CHROMIUM;
  return options.chromiumPath ?? (fromEnv !== undefined && fromEnv.trim() !== '' ? fromEnv : DEFAULT_CHROMIUM_PATH);
}

/** Whether the Chromium binary is there and executable. */
export async function chromiumAvailable(options: PrintPdfOptions = {}): Promise<boolean> {
  try {
    await access(chromiumPath(options), constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Prints a self-contained HTML page to PDF with headless Chromium (its print stylesheet, A4, no
 * browser header or footer). The page is written to a private temp folder with a fresh browser
 * profile, both removed afterwards. Errors are OUTPUT_FAILED naming the binary and what to do.
 */
export async function printHtmlToPdf(html: string, options: PrintPdfOptions = {}): Promise<Buffer> {
  const binary = chromiumPath(options);
  if (!(await chromiumAvailable(options))) {
    throw new RaqibError(
      'OUTPUT_FAILED',
      `${binary}: Chromium not found or not executable; install it (scripts/install-system-deps.sh installs Debian's chromium) or set RAQIB_CHROMIUM to a Chromium binary`,
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'raqib-pdf-'));
  try {
    const htmlPath = join(dir, 'report.html');
    const pdfPath = join(dir, 'report.pdf');
    await writeFile(htmlPath, html, 'utf8');
    const args = [
      '--headless',
      // Chromium's sandbox needs user namespaces, which containers and root often lack; the page is
      // our own HTML with a CSP that forbids every request and script.
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-extensions',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--no-default-browser-check',
      '--no-pdf-header-footer',
      `--user-data-dir=${join(dir, 'profile')}`,
      `--print-to-pdf=${pdfPath}`,
      pathToFileURL(htmlPath).href,
    ];
    const { code, stderr } = await run(binary, args, options.timeoutMs ?? 60_000);
    let pdf: Buffer;
    try {
      pdf = await readFile(pdfPath);
    } catch {
      throw new RaqibError(
        'OUTPUT_FAILED',
        `${binary}: Chromium wrote no PDF (exit ${code}): ${lastLines(stderr)}; run '${binary} --headless --no-sandbox --print-to-pdf=/tmp/x.pdf about:blank' to see why`,
      );
    }
    if (pdf.subarray(0, 5).toString('latin1') !== '%PDF-') {
      throw new RaqibError('OUTPUT_FAILED', `${binary}: Chromium's output is not a PDF (exit ${code})`);
    }
    return pdf;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function run(binary: string, args: string[], timeoutMs: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    // Its own process group, so that a timeout ends the browser's helper processes too.
    const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-8192);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new RaqibError('OUTPUT_FAILED', `${binary}: cannot start Chromium: ${error.message}`, { cause: error }));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      // Helpers still running after the main process ended (seen with crashpad) are stopped too.
      killGroup(child.pid);
      if (timedOut) {
        reject(
          new RaqibError('OUTPUT_FAILED', `${binary}: Chromium did not finish the PDF within ${timeoutMs / 1000} s`),
        );
        return;
      }
      resolve({ code, stderr });
    });
  });
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function lastLines(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/dbus|bus\.cc|object_proxy/i.test(l));
  return lines.slice(-3).join(' | ') || 'no message';
}
