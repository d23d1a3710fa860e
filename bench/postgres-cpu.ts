/**
 * CPU time of a PostgreSQL server: the postmaster and every process it started (backends,
 * autovacuum, WAL writer, checkpointer), read from `/proc` (Linux). Processes that exited between
 * two readings take their time with them, so this is a lower bound; the collector's connections
 * stay open for the whole run, and they do nearly all the work.
 */
import { readdirSync, readFileSync } from 'node:fs';
import postgres from 'postgres';
import { processCpuMs } from './cpu-usage.js';

/** The postmaster's process id: the parent of a backend of ours. Null where /proc cannot be read. */
export async function postmasterPid(databaseUrl: string): Promise<number | null> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => undefined });
  try {
    const [row] = await sql<Array<{ pid: number }>>`SELECT pg_backend_pid() AS pid`;
    return row ? parentOf(row.pid) : null;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After the command name in parentheses: state, then ppid.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return Number.isInteger(ppid) ? ppid : null;
  } catch {
    return null;
  }
}

/** CPU time (user + system, ms) of the postmaster `pid` and its living children, or null. */
export function postgresCpuMs(pid: number | null): number | null {
  if (pid === null) return null;
  let total = processCpuMs(pid);
  if (total === null) return null;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const child = Number(entry);
    if (parentOf(child) === pid) total += processCpuMs(child) ?? 0;
  }
  return total;
}
