import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../audit/audit-chain.js';
import { SqliteStore } from './sqlite-store.js';

/** The compiled store (run `npm run build` first), used by a child process that is killed with SIGKILL. */
const DIST_STORAGE = join(resolve(dirname(fileURLToPath(import.meta.url)), '../../../dist/storage/index.js'));
const dir = mkdtempSync(join(tmpdir(), 'raqib-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Writes alerts and acknowledges them as fast as it can; prints each id once its acknowledgement is committed.
const WRITER = `
import { SqliteStore } from ${JSON.stringify(DIST_STORAGE)};
const store = SqliteStore.open({ path: process.argv[1] });
for (let i = 0; ; i++) {
  const id = 'cam1:plaza:density:warning:' + i;
  await store.recordAlertEvent({
    id, incidentId: id, type: 'raised', severity: 'warning', rule: 'density', zoneId: 'plaza', streamId: 'cam1',
    timeS: i, value: 3, threshold: 2.5,
    evidence: { zoneKind: 'standing', unit: 'persons/m²', comparison: '>=', raiseThreshold: 2.5, clearThreshold: 2,
      sustainS: 10, clearSustainS: 10, startedAtS: i, conditionSinceS: i - 10, peakValue: 3, peakAtS: i, history: [] },
  }, 1_000_000 + i);
  await store.applyAlertAction(id, { kind: 'acknowledge', note: 'seen' }, 'user:omar');
  process.stdout.write(id + '\\n');
}
`;

describe('SqliteStore durability', () => {
  it('keeps every alert and acknowledgement committed before a SIGKILL, and the audit chain still verifies', async () => {
    const path = join(dir, 'raqib.db');
    SqliteStore.open({ path }).db.close();
    const child = spawn(process.execPath, ['--input-type=module', '-e', WRITER, path]);
    const committed: string[] = [];
    let buffer = '';
    await new Promise<void>((done) => {
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop()!;
        committed.push(...lines);
        if (committed.length >= 200 && !child.killed) {
          child.kill('SIGKILL');
          done();
        }
      });
    });
    await new Promise((done) => child.on('close', done));
    const store = SqliteStore.open({ path });
    const alerts = await store.listAlerts({ state: 'all', limit: 100_000 });
    const stored = new Map(alerts.map((alert) => [alert.id, alert]));
    for (const id of committed) {
      expect(stored.get(id)?.status, id).toBe('acknowledged');
      expect((await store.alertHistory(id)).map((h) => h.kind)).toEqual(['raised', 'acknowledged']);
    }
    // A replay after the restart raises nothing new.
    const [first] = alerts;
    expect(await store.recordAlertEvent(raisedEvent(first!), 1)).toBe(false);
    expect(await verifyAuditChain((after) => store.listAudit(after, 1000))).toMatchObject({ ok: true });
    await store.close();
  });
});

/** The `raised` event of a stored alert, as the engine would send it again after a restart. */
function raisedEvent(alert: { id: string; incidentId: string; zoneId: string; streamId: string }) {
  return {
    id: alert.id,
    incidentId: alert.incidentId,
    type: 'raised' as const,
    severity: 'warning' as const,
    rule: 'density' as const,
    zoneId: alert.zoneId,
    streamId: alert.streamId,
    timeS: 0,
    value: 3,
    threshold: 2.5,
    evidence: {
      zoneKind: 'standing' as const,
      unit: 'persons/m²',
      comparison: '>=' as const,
      raiseThreshold: 2.5,
      clearThreshold: 2,
      sustainS: 10,
      clearSustainS: 10,
      startedAtS: 0,
      conditionSinceS: 0,
      peakValue: 3,
      peakAtS: 0,
      history: [],
    },
  };
}
