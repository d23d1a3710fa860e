/**
 * drizzle-kit settings for the collector's one migration history. Run from the repository root
 * or from `collector/`:
 *   npx drizzle-kit generate --config collector/drizzle.config.ts
 *   npx drizzle-kit generate --config collector/drizzle.config.ts --custom --name <what>
 * Paths are resolved from this file, so either working directory works.
 */
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'drizzle-kit';

// drizzle-kit wants paths relative to the working directory (it prefixes `./` to absolute ones).
const here = (path: string) => relative(process.cwd(), fileURLToPath(new URL(path, import.meta.url)));

export default defineConfig({
  dialect: 'postgresql',
  schema: here('./src/storage/schema.ts'),
  out: here('./src/storage/migrations'),
});
