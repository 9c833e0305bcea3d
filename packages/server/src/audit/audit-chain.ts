import { createHash } from 'node:crypto';
import type { AuditRecord } from '../storage/store-records.js';

/** `prevHash` of the first row. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);

/**
 * Hash of an audit row: SHA-256 over the previous row's hash and the row's own fields (details as
 * the stored JSON text, so verification never depends on key order). Including `seq` makes a removed
 * or re-numbered row break the chain as surely as a changed one.
 */
export function auditRowHash(row: Omit<AuditRecord, 'hash'>): string {
  const body = JSON.stringify([row.seq, row.atMs, row.actor, row.action, row.target, row.details]);
  return createHash('sha256').update(row.prevHash).update('\n').update(body).digest('hex');
}

export type AuditVerification =
  { ok: true; rows: number; lastHash: string } | { ok: false; rows: number; seq: number; problem: string };

/**
 * Verifies a chain given in order, page by page (`next(afterSeq)` returns the rows after `afterSeq`,
 * empty at the end). Reports the first row that does not verify and why.
 */
export async function verifyAuditChain(
  next: (afterSeq: number) => Promise<readonly AuditRecord[]>,
): Promise<AuditVerification> {
  let prevHash = AUDIT_GENESIS_HASH;
  let expectedSeq = 1;
  let rows = 0;
  for (;;) {
    const page = await next(expectedSeq - 1);
    if (page.length === 0) return { ok: true, rows, lastHash: prevHash };
    for (const row of page) {
      if (row.seq !== expectedSeq) {
        return {
          ok: false,
          rows,
          seq: row.seq,
          problem: `expected row ${expectedSeq}, found row ${row.seq} (rows removed)`,
        };
      }
      if (row.prevHash !== prevHash) {
        return { ok: false, rows, seq: row.seq, problem: 'prev_hash does not match the previous row (chain broken)' };
      }
      if (auditRowHash(row) !== row.hash) {
        return { ok: false, rows, seq: row.seq, problem: 'hash does not match the row (row changed)' };
      }
      prevHash = row.hash;
      expectedSeq += 1;
      rows += 1;
    }
  }
}
