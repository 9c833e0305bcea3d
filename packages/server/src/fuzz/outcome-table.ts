import { OUTCOME_CLASSES, type OutcomeClass } from './classify-outcome.js';

/** Outcome counts and run times of one kind. */
export interface KindTally {
  kind: string;
  counts: Record<OutcomeClass, number>;
  wallMs: number[];
}

export function emptyTally(kind: string): KindTally {
  return {
    kind,
    counts: Object.fromEntries(OUTCOME_CLASSES.map((c) => [c, 0])) as Record<OutcomeClass, number>,
    wallMs: [],
  };
}

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** A Markdown table: one row per kind, one column per outcome class, totals, median and max seconds. */
export function outcomeTable(tallies: readonly KindTally[]): string {
  const header = ['kind', 'inputs', ...OUTCOME_CLASSES, 'median s', 'max s'];
  const rows = tallies.map((t) => [
    t.kind,
    String(t.wallMs.length),
    ...OUTCOME_CLASSES.map((c) => String(t.counts[c])),
    (percentile(t.wallMs, 0.5) / 1000).toFixed(1),
    (Math.max(0, ...t.wallMs) / 1000).toFixed(1),
  ]);
  const total = emptyTally('total');
  for (const t of tallies) {
    for (const c of OUTCOME_CLASSES) total.counts[c] += t.counts[c];
    total.wallMs.push(...t.wallMs);
  }
  rows.push([
    '**total**',
    String(total.wallMs.length),
    ...OUTCOME_CLASSES.map((c) => String(total.counts[c])),
    (percentile(total.wallMs, 0.5) / 1000).toFixed(1),
    (Math.max(0, ...total.wallMs) / 1000).toFixed(1),
  ]);
  const lines = [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`);
  return lines.join('\n') + '\n';
}
