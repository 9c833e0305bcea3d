// A worker process for the lease takeover test (stream-leases.test.ts): holds the leases of the
// streams it can get and prints one line per event on stdout. Run: node --import tsx THIS URL WORKER TTL_MS IDS
import { connectNats } from '../nats/connect-nats.js';
import { StreamLeases } from '../nats/stream-leases.js';

const [url, workerId, ttlMs, ids] = process.argv.slice(2);
if (!url || !workerId || !ttlMs || !ids) throw new Error('usage: lease-worker-child URL WORKER TTL_MS ID,ID');
const connection = await connectNats({ servers: [url], name: workerId });
const leases = await StreamLeases.open(connection, {
  workerId,
  ttlMs: Number(ttlMs),
  site: 'lease',
  onLost: (streamId) => process.stdout.write(`lost ${streamId}\n`),
});
await leases.claim(
  () => ids.split(','),
  (streamId) => process.stdout.write(`acquired ${streamId}\n`),
);
process.stdout.write('ready\n');
// Stays up (renewing) until killed.
setInterval(() => undefined, 60_000);
