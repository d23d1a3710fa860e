/**
 * Writes `src/client/event-table.ts` from the schema's registry. Run it after changing an event
 * definition: `npm run generate -w @vantage/sdk-core`.
 */
import { writeFileSync } from 'node:fs';
import { renderEventTable } from '../src/client/event-table-source.js';

const target = new URL('../src/client/event-table.ts', import.meta.url);
writeFileSync(target, renderEventTable());
console.log(`wrote ${target.pathname}`);
