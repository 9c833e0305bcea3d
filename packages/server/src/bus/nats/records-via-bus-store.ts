import type { Store } from '../../storage/store.js';
import type { StoreRecordPublisher } from './store-record-publisher.js';

/**
 * A worker's Store: the two pipeline writes (reading buckets, alert events) go to JetStream for the
 * store writer (store-writer.ts); everything else (streams, zones, rules, stream states, open alerts
 * read back at a stream's start) goes to the shared database as before.
 */
export function recordsViaBusStore(store: Store, publisher: StoreRecordPublisher): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'putReadings') return publisher.putReadings.bind(publisher);
      if (property === 'recordAlertEvent') return publisher.recordAlertEvent.bind(publisher);
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
