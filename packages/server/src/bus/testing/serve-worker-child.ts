// `raqib serve --role worker --demo` as a child process for the takeover test (serve-takeover.test.ts):
// prints `running` once it analyses the demo stream; SIGTERM stops it cleanly (its stream ends). Run: node --import tsx THIS CONFIG_FILE DASHBOARD_DIR
import { readFileSync } from 'node:fs';
import { parseServerConfig } from '../../serve/read-server-config.js';
import { startServer } from '../../serve/start-server.js';

const [configPath, dashboardDir] = process.argv.slice(2);
if (!configPath || !dashboardDir) throw new Error('usage: serve-worker-child CONFIG_FILE DASHBOARD_DIR');
const server = await startServer(parseServerConfig(readFileSync(configPath, 'utf8'), configPath), {
  role: 'worker',
  demo: true,
  dashboardDir,
});
const timer = setInterval(() => {
  if (server.live.list().some((stream) => stream.id === 'demo-drone')) {
    process.stdout.write('running\n');
    clearInterval(timer);
  }
}, 50);
process.once('SIGTERM', () => {
  clearInterval(timer);
  void server.close().then(() => process.exit(0));
});
