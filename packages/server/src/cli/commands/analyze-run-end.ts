import type { AnalysisSummary } from '../../sinks/analysis-summary.js';
import type { StagedOutputFolder } from '../../sinks/output-folder.js';
import type { CommandIo } from '../command-spec.js';
import { EXIT_CODE } from '../exit-codes.js';
import { interruptExitCode, type InterruptSignal } from '../interrupt-signals.js';

/**
 * The end of a run that did not complete: a previous run's folder is kept as it was (the new outputs
 * are dropped); without one, the partial outputs are moved into place (summary.json says what failed).
 * Returns true: the staging folder is settled either way.
 */
export async function keepPreviousOrCommit(
  output: StagedOutputFolder,
  hasPrevious: boolean,
  outDir: string,
  io: CommandIo,
  what = 'this run failed',
): Promise<boolean> {
  if (hasPrevious) {
    await output.discard();
    io.stderr.write(`raqib analyze: note: ${what}; the previous results in ${outDir} were kept\n`);
  } else {
    await output.commit();
  }
  return true;
}

export interface EndOfRun {
  io: CommandIo;
  outDir: string;
  interrupted: InterruptSignal | null;
  undelivered: string | null;
  problems: readonly string[];
  inputProblems: boolean;
}

/** One line per thing that went wrong, and the exit code (docs/exit-codes.md). */
export function endOfRun(summary: AnalysisSummary, end: EndOfRun): number {
  const { io } = end;
  for (const problem of end.problems)
    io.stderr.write(`raqib analyze: error: ${problem}; the other outputs in ${end.outDir} are complete\n`);
  if (end.undelivered !== null) io.stderr.write(`raqib analyze: error: ${end.undelivered}\n`);
  if (end.interrupted) {
    io.stderr.write(
      `raqib analyze: interrupted by ${end.interrupted} after ${summary.frames} frames; the outputs so far are in ${end.outDir}\n`,
    );
    return interruptExitCode(end.interrupted);
  }
  if (summary.frames === 0) {
    io.stderr.write(
      'raqib analyze: error: no frame was analysed: the input has no frame inside --start/--end, or none could be read; check the input and the time range\n',
    );
    return EXIT_CODE.failed;
  }
  if (end.undelivered !== null) return EXIT_CODE.alertsUndelivered;
  if (end.problems.length > 0) return EXIT_CODE.outputsIncomplete;
  return end.inputProblems ? EXIT_CODE.failed : EXIT_CODE.ok;
}
