/**
 * Exit codes of the `raqib` CLI (docs/exit-codes.md). Stable: scripts and supervisors act on them.
 * 130 and 143 follow the shell's 128 + signal number convention.
 */
export const EXIT_CODE = {
  ok: 0,
  /** The command failed (bad input, a failed analysis, no frame analysed). */
  failed: 1,
  /** Wrong options or arguments. */
  usage: 2,
  /** The analysis completed, but alert notifications were dead-lettered (not delivered). */
  alertsUndelivered: 3,
  /** The analysis completed, but an output (e.g. annotated.mp4) could not be written. */
  outputsIncomplete: 4,
  /** Interrupted by SIGINT (Ctrl-C); the outputs so far were finished and moved into place. */
  interrupted: 130,
  /** Stopped by SIGTERM; the outputs so far were finished and moved into place. */
  terminated: 143,
} as const;
