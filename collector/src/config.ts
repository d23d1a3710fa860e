/**
 * Configuration from the environment. The variable names are part of the product's contract
 * (PRODUCT.md); every one is listed in the README's configuration table.
 */
import { resolve } from 'node:path';
import { parseTrustedProxies } from './privacy/client-address.js';

/** Privacy mode of a project; see PRODUCT.md "Privacy". */
export type PrivacyMode = 'standard' | 'strict' | 'paranoid';

/** `TRUST_PROXY`: which `X-Forwarded-For` hops to believe. */
export type TrustProxy = { kind: 'off' } | { kind: 'hops'; hops: number } | { kind: 'cidrs'; cidrs: string[] };

/**
 * A token bucket's limit: `perSecond` tokens are added per second and at most `burst` are held;
 * a request takes one token.
 */
export interface RateLimit {
  /** Tokens added per second (> 0). */
  perSecond: number;
  /** Most tokens held (>= 1): how many requests may come at once after a quiet spell. */
  burst: number;
}

/**
 * The two classes of rate limits: `collect` for the routes browsers call with a pk key
 * (`POST /api/v1/collect`, `GET /api/v1/config`), `api` for every other authenticated route.
 */
export type RateLimitClass = 'collect' | 'api';

/** The collector's configuration. */
export interface Config {
  /** `PORT`, default 7315. */
  port: number;
  /** `HOST`, default 127.0.0.1 (compose sets 0.0.0.0). */
  host: string;
  /** `DATABASE_URL`; unset means the embedded store. */
  databaseUrl: string | undefined;
  /** `VANTAGE_DATA_DIR`, default `./.vantage`, resolved to an absolute path. */
  dataDir: string;
  /** `ENABLE_RAW_SESSION_RETENTION`, default false: write raw per-session streams. */
  rawSessionRetention: boolean;
  /** `COLLECTOR_CORS_ORIGINS`: origins allowed for every project. */
  corsOrigins: string[];
  /** `HASH_ROTATION_HOURS`, 1–8760, default 24. */
  hashRotationHours: number;
  /** `PRIVACY_MODE`, default `standard`: the mode of new projects. */
  privacyMode: PrivacyMode;
  /** `RETENTION_DAYS`, default 90: `retention_days` of new projects. */
  retentionDays: number;
  /** `DLQ_RETENTION_DAYS`, default 30. */
  dlqRetentionDays: number;
  /**
   * `RETENTION_JOB_INTERVAL_MINUTES`, 1–1440, default 60: minutes between runs of the retention
   * job (`collector/src/retention`); at most a day, so dead letters are pruned at least daily.
   */
  retentionJobIntervalMinutes: number;
  /** `TRUST_PROXY`: off (default), a hop count, or comma-separated CIDRs. */
  trustProxy: TrustProxy;
  /** `COLLECTOR_MAX_BODY_BYTES`, default 1 MiB: larger bodies get 413. */
  maxBodyBytes: number;
  /** `LOG_LEVEL`, default `info` (`silent` turns logging off). */
  logLevel: string;
  /**
   * Default rate limits per key and route, by class: `RATE_LIMIT_COLLECT_PER_SECOND` (1000) and
   * `RATE_LIMIT_COLLECT_BURST` (2 × per second), `RATE_LIMIT_API_PER_SECOND` (20) and
   * `RATE_LIMIT_API_BURST` (3 × per second). A project's `rate_limits` overrides them.
   */
  rateLimits: Record<RateLimitClass, RateLimit>;
}

/** A configuration value that cannot be used; the message names the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer in ${min}..${max}, got "${raw}"`);
  }
  return value;
}

function bool(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = (env[name] ?? '').trim().toLowerCase();
  if (raw === '' || raw === 'false' || raw === '0' || raw === 'no' || raw === 'off') return false;
  if (raw === 'true' || raw === '1' || raw === 'yes' || raw === 'on') return true;
  throw new ConfigError(`${name} must be true or false, got "${env[name]}"`);
}

/** Normalise an origin (`scheme://host[:port]`, lower-case, no path); throws on anything else. */
export function normaliseOrigin(value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new ConfigError(`"${value}" is not an origin like https://shop.example`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.pathname.length > 1 || url.search || url.hash) {
    throw new ConfigError(`"${value}" is not an origin like https://shop.example`);
  }
  return url.origin;
}

function trustProxy(raw: string | undefined): TrustProxy {
  const value = (raw ?? '').trim();
  if (value === '' || value === 'off' || value === 'false' || value === '0') return { kind: 'off' };
  if (/^\d+$/.test(value)) return { kind: 'hops', hops: Number(value) };
  const cidrs = value.split(',').map((s) => s.trim()).filter(Boolean);
  try {
    parseTrustedProxies(cidrs);
  } catch (error) {
    throw new ConfigError(`TRUST_PROXY must be off, a hop count or CIDRs: ${(error as Error).message}`);
  }
  return { kind: 'cidrs', cidrs };
}

/** Highest rate or burst a variable may set; far beyond what one collector can serve. */
const MAX_RATE = 1_000_000_000;

function rateLimit(env: NodeJS.ProcessEnv, prefix: string, perSecondDefault: number, burstFactor: number): RateLimit {
  const perSecond = integer(env, `${prefix}_PER_SECOND`, perSecondDefault, 1, MAX_RATE);
  return { perSecond, burst: integer(env, `${prefix}_BURST`, Math.min(MAX_RATE, perSecond * burstFactor), 1, MAX_RATE) };
}

/** Read the configuration from `env` (default `process.env`); throws {@link ConfigError}. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const privacyMode = (env.PRIVACY_MODE ?? 'standard').trim() || 'standard';
  if (privacyMode !== 'standard' && privacyMode !== 'strict' && privacyMode !== 'paranoid') {
    throw new ConfigError(`PRIVACY_MODE must be standard, strict or paranoid, got "${privacyMode}"`);
  }
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  return {
    port: integer(env, 'PORT', 7315, 0, 65535),
    host: env.HOST?.trim() || '127.0.0.1',
    databaseUrl,
    dataDir: resolve(env.VANTAGE_DATA_DIR?.trim() || './.vantage'),
    rawSessionRetention: bool(env, 'ENABLE_RAW_SESSION_RETENTION'),
    corsOrigins: (env.COLLECTOR_CORS_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean).map(normaliseOrigin),
    hashRotationHours: integer(env, 'HASH_ROTATION_HOURS', 24, 1, 8760),
    privacyMode,
    retentionDays: integer(env, 'RETENTION_DAYS', 90, 1, 3650),
    dlqRetentionDays: integer(env, 'DLQ_RETENTION_DAYS', 30, 1, 3650),
    retentionJobIntervalMinutes: integer(env, 'RETENTION_JOB_INTERVAL_MINUTES', 60, 1, 1440),
    trustProxy: trustProxy(env.TRUST_PROXY),
    maxBodyBytes: integer(env, 'COLLECTOR_MAX_BODY_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
    logLevel: env.LOG_LEVEL?.trim() || 'info',
    rateLimits: {
      collect: rateLimit(env, 'RATE_LIMIT_COLLECT', 1000, 2),
      api: rateLimit(env, 'RATE_LIMIT_API', 20, 3),
    },
  };
}
