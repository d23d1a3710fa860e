/**
 * What the bench needs from the machine, checked before it measures anything: a fresh machine
 * without Chromium would otherwise find out four minutes in, at the connector's section.
 */
import { existsSync } from 'node:fs';
import { CHROMIUM_PATH } from '../test/browser/harness/chromium.js';
import { INSTALL_HINT, postgresBinDir } from '../test/postgres-server.js';
import type { BenchConfig } from './config.js';

/** Which of the outside programs the bench uses are installed. */
export interface InstalledTools {
  /** PostgreSQL's server binaries (`initdb`, `pg_ctl`, `postgres`): every run starts servers for ingest. */
  postgres: boolean;
  /** Chromium at `CHROMIUM_PATH`: the three.js and R3F connector sections. */
  chromium: boolean;
}

/** What is installed on this machine. */
export async function installedTools(): Promise<InstalledTools> {
  return { postgres: (await postgresBinDir()) !== null, chromium: existsSync(CHROMIUM_PATH) };
}

/** One line per missing program this configuration needs, saying how to get it (or skip its section). */
export function missingTools(config: Pick<BenchConfig, 'connector'>, tools: InstalledTools): string[] {
  const missing: string[] = [];
  if (!tools.postgres) {
    missing.push(`PostgreSQL's server binaries (initdb, pg_ctl, postgres) are not installed: ${INSTALL_HINT}, as .ci/run does`);
  }
  if (config.connector && !tools.chromium) {
    missing.push(`Chromium is not at ${CHROMIUM_PATH}: apt-get install chromium (as .ci/run does), set CHROMIUM_PATH, or skip the connector sections with BENCH_CONNECTOR=false`);
  }
  return missing;
}
