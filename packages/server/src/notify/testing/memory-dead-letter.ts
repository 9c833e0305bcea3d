import type { DeadLetterRecord, DeadLetterSink } from '../dead-letter-file.js';

/** Dead letters kept in memory, for tests. */
export class MemoryDeadLetter implements DeadLetterSink {
  readonly records: DeadLetterRecord[] = [];

  async write(record: DeadLetterRecord): Promise<void> {
    this.records.push(record);
  }

  keys(): string[] {
    return this.records.map((r) => r.idempotencyKey);
  }
}
