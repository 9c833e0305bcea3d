/**
 * How long each data class is kept, in days. Deletion is automatic (see RetentionJob) and logged in
 * the audit log. The audit log itself is never pruned: its hash chain is the evidence.
 */
export interface RetentionPolicy {
  /** Per-second zone readings (for the live view and replays of the last hours). */
  readings1sDays: number;
  /** Per-minute zone readings (reports, trends). */
  readings1mDays: number;
  /** Alerts that are resolved, or cleared and never acted on, with their history. */
  alertsDays: number;
  /** Stream state transitions. */
  streamStatesDays: number;
  /** Expired or revoked browser sessions (active ones are never pruned). */
  sessionsDays: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = {
  readings1sDays: 7,
  readings1mDays: 400,
  alertsDays: 400,
  streamStatesDays: 90,
  sessionsDays: 1,
};

/** Rows deleted per data class by one retention pass. */
export type RetentionResult = Record<keyof RetentionPolicy, number>;

export const DAY_MS = 86_400_000;
