import { writeFileSync } from 'node:fs';
import { openApiDocument } from './openapi-document.js';

// `npm run docs:openapi`: regenerates docs/openapi.json from the route schemas (CI fails when stale).
const out = process.argv[2] ?? 'docs/openapi.json';
writeFileSync(out, `${JSON.stringify(openApiDocument(), null, 2)}\n`);
process.stderr.write(`wrote ${out}\n`);
