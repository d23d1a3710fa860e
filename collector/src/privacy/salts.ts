/**
 * Rotating random salts in the `visitor_salts` table. A salt belongs to a project, a kind and a
 * period; it is created on first use by whichever collector process needs it first (insert if
 * absent, then read, so two processes on one database agree on one salt) and deleted once
 * expired, so a hash of an expired period can no longer be recomputed from the database.
 *
 * Periods are aligned to the Unix epoch in UTC: a 24-hour period starts at midnight UTC.
 */
import { randomBytes } from 'node:crypto';
import type { Store } from '../storage/types.js';
import { storeErrorOf } from '../storage/errors.js';
import { PrivacyError } from './errors.js';

/** `visitor`: keys the visitor hash; `ip`: keys `ip_hash`. */
export type SaltKind = 'visitor' | 'ip';

/** Salt length in bytes. */
export const SALT_BYTES = 32;

/** Period of `ip` salts in hours: one UTC day. */
export const IP_SALT_PERIOD_HOURS = 24;

const HOUR_MS = 3_600_000;

/** One rotation period of one kind of salt. */
export interface SaltPeriod {
  kind: SaltKind;
  /** Length of the period in hours, 1–8760. */
  hours: number;
  /** Start of the period (inclusive). */
  start: Date;
  /**
   * When the salt of this period is deleted: `visitor` salts are kept through the next period
   * (a visit spanning a rotation is matched against the previous hash), `ip` salts only to the
   * end of their own.
   */
  expiresAt: Date;
}

/**
 * The period of `kind` and length `hours` that contains the instant `atMs` (epoch ms), or with
 * `offset` -1 the one before it.
 */
export function saltPeriod(kind: SaltKind, hours: number, atMs: number, offset = 0): SaltPeriod {
  if (!Number.isInteger(hours) || hours < 1 || hours > 8760) throw new RangeError(`Vantage: a salt period is 1–8760 whole hours, got ${hours}`);
  const length = hours * HOUR_MS;
  const start = (Math.floor(atMs / length) + offset) * length;
  const kept = kind === 'visitor' ? 2 : 1;
  return { kind, hours, start: new Date(start), expiresAt: new Date(start + kept * length) };
}

function asBuffer(value: unknown): Buffer | null {
  if (value instanceof Uint8Array && value.length === SALT_BYTES) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return null;
}

/** A store failure as a {@link PrivacyError} that carries the SQLSTATE but nothing the driver attached. */
function storeFailure(message: string, error: unknown): PrivacyError {
  const sqlState = storeErrorOf(error)?.code;
  return new PrivacyError('salt_unavailable', sqlState ? `${message} (SQLSTATE ${sqlState})` : message, sqlState);
}

const KEY_WHERE = 'project_id = $1 AND kind = $2 AND period_hours = $3 AND period_start = $4';

/**
 * The salt of `period` for `projectId`, created (32 random bytes) if the store has none yet.
 * Race-free across processes: `INSERT … ON CONFLICT DO NOTHING`, and when another process won,
 * a second statement (a fresh snapshot) reads its salt. Throws a {@link PrivacyError}
 * (`salt_unavailable`) when the store fails; no visitor input is ever sent to the store.
 */
export async function ensureSalt(store: Store, projectId: string, period: SaltPeriod): Promise<Buffer> {
  const key = [projectId, period.kind, period.hours, period.start];
  try {
    const inserted = await store.query<{ salt: unknown }>(
      `INSERT INTO visitor_salts (project_id, kind, period_hours, period_start, expires_at, salt)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING salt`,
      [...key, period.expiresAt, randomBytes(SALT_BYTES)],
    );
    const created = asBuffer(inserted[0]?.salt);
    if (created) return created;
    const existing = await store.query<{ salt: unknown }>(`SELECT salt FROM visitor_salts WHERE ${KEY_WHERE}`, key);
    const salt = asBuffer(existing[0]?.salt);
    if (salt) return salt;
  } catch (error) {
    throw storeFailure(`Vantage: the ${period.kind} salt could not be read or created`, error);
  }
  // Inserted by another process and deleted before we read it: only possible with clocks far apart.
  throw new PrivacyError('salt_unavailable', `Vantage: the ${period.kind} salt of ${period.start.toISOString()} is gone (is this machine's clock right?)`);
}

/** The salt of `period` if the store still has it (it is never created here), else null. */
export async function findSalt(store: Store, projectId: string, period: SaltPeriod): Promise<Buffer | null> {
  try {
    const rows = await store.query<{ salt: unknown }>(`SELECT salt FROM visitor_salts WHERE ${KEY_WHERE}`, [projectId, period.kind, period.hours, period.start]);
    return asBuffer(rows[0]?.salt);
  } catch (error) {
    throw storeFailure(`Vantage: the ${period.kind} salt could not be read`, error);
  }
}

/** What {@link pruneSalts} deletes. */
export interface PruneOptions {
  /** The instant to prune at; default now. Salts whose `expires_at` is at or before it go. */
  now?: Date;
  /** Only this project's salts; default every project. */
  projectId?: string;
}

/**
 * Delete every salt that has expired, so hashes of its period cannot be recomputed. Runs on
 * each rotation (the first use of a new period in a process) and from the salt rotation job.
 * Returns the number of salts deleted.
 */
export async function pruneSalts(store: Store, options: PruneOptions = {}): Promise<number> {
  const now = options.now ?? new Date();
  try {
    const rows =
      options.projectId === undefined
        ? await store.query('DELETE FROM visitor_salts WHERE expires_at <= $1 RETURNING kind', [now])
        : await store.query('DELETE FROM visitor_salts WHERE project_id = $1 AND expires_at <= $2 RETURNING kind', [options.projectId, now]);
    return rows.length;
  } catch (error) {
    throw storeFailure('Vantage: expired salts could not be deleted', error);
  }
}
