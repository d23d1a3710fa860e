/**
 * The collector's abuse limits, checked right after a request is authenticated:
 * - a token bucket per (project, key, route), shared by every collector process on the database
 *   through `rate_buckets` and spent locally in small leases (see `local-bucket.ts`);
 * - on `collect`, the project's monthly event quota (see `quota.ts`).
 * A request over either limit gets {@link LimitExceededError}, which the HTTP layer answers with
 * `429 rate_limited` and `Retry-After`. Limits come from the configuration and the project's
 * own overrides (cached with the project's settings, so a change takes a few seconds).
 *
 * Fail open: when the store cannot be asked (a lease, the project's settings or its usage
 * fails), the request is admitted and the failure logged at most once per minute.
 */
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Store } from '../storage/types.js';
import type { ResolvedKey } from '../tenants/key-resolver.js';
import type { TenantCache } from '../tenants/project-cache.js';
import type { Project } from '../tenants/projects.js';
import { leaseTokens } from './lease.js';
import { createLocalBucket, takeToken, type BucketTiming, type LeaseSource, type LocalBucket } from './local-bucket.js';
import { createUsageCache, nextMonthStart, secondsUntilNextMonth } from './quota.js';
import { rateLimitClassOf, resolveRateLimits, type RateLimit, type RateLimitClass } from './rate-limits.js';

/**
 * A request over a limit. The message is written for the caller (it names the route and the
 * limit, never the key); `retryAfterSeconds` is for `Retry-After`.
 */
export class LimitExceededError extends Error {
  override readonly name = 'LimitExceededError';
  constructor(
    message: string,
    /** Whole seconds, at least 1. */
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** The limits a request passes through; see {@link createLimits}. */
export interface Limits {
  /**
   * Admit one request of `key` on `route` (a short route name such as `collect`, `config`,
   * `scenes`, `proxy`; `collect` and `config` get the `collect` limits, any other name the `api`
   * limits, and each name has its own bucket), or throw {@link LimitExceededError}. On `collect` the
   * project's monthly event quota is checked first.
   */
  take(key: ResolvedKey, route: string): Promise<void>;
}

/** What the limits need from the collector. */
export interface LimitsDeps {
  config: Pick<Config, 'rateLimits'>;
  store: Store;
  tenants: Pick<TenantCache, 'project'>;
  log: Logger;
}

/** Tuning, mostly for tests. */
export interface LimitsOptions extends Partial<BucketTiming> {
  /** How stale a project's monthly usage may be, ms (default 5000). */
  usageTtlMs?: number;
  /** Most buckets remembered by this process before they are all forgotten (default 50,000). */
  maxBuckets?: number;
}

/** A bucket of this process, with the one lease source it keeps (no closure per request). */
interface Entry {
  local: LocalBucket;
  source: LeaseSource;
  /** The limit of the latest request; a lease uses the limit in force when it is asked. */
  limit: RateLimit;
}

/** Shortest time between two log lines about the same kind of failure, ms. */
const FAILURE_LOG_INTERVAL_MS = 60_000;

/** Build the limits over `deps`. */
export function createLimits(deps: LimitsDeps, options: LimitsOptions = {}): Limits {
  const timing: BucketTiming = { leaseTtlMs: options.leaseTtlMs ?? 1_000, failOpenMs: options.failOpenMs ?? 1_000 };
  const maxBuckets = options.maxBuckets ?? 50_000;
  const buckets = new Map<string, Entry>();
  const resolved = new WeakMap<Project, Record<RateLimitClass, RateLimit>>();
  const reportedInvalid = new Map<string, string>();
  const lastLogged = new Map<string, number>();

  /** Log a failure of `kind` unless one was logged within the interval; say how many were skipped. */
  const skipped = new Map<string, number>();
  function logFailure(kind: string, error: unknown): void {
    const now = Date.now();
    const last = lastLogged.get(kind);
    if (last !== undefined && now - last < FAILURE_LOG_INTERVAL_MS) {
      skipped.set(kind, (skipped.get(kind) ?? 0) + 1);
      return;
    }
    lastLogged.set(kind, now);
    const more = skipped.get(kind) ?? 0;
    skipped.delete(kind);
    deps.log.warn({ err: error, failuresSinceLastLog: more }, `limits: ${kind} failed; requests are admitted (fail open)`);
  }

  const usage = createUsageCache(deps.store, (error) => logFailure('reading monthly usage', error), options.usageTtlMs);

  async function projectOf(projectId: string): Promise<Project | null> {
    try {
      return await deps.tenants.project(projectId);
    } catch (error) {
      logFailure('reading project settings', error);
      return null;
    }
  }

  function limitsOf(project: Project | null): Record<RateLimitClass, RateLimit> {
    if (!project) return deps.config.rateLimits;
    let limits = resolved.get(project);
    if (!limits) {
      const problems: string[] = [];
      limits = resolveRateLimits(deps.config.rateLimits, project.rateLimits, (entry, reason) => problems.push(`${entry}: ${reason}`));
      resolved.set(project, limits);
      // Each project's cached settings are re-read every few seconds: report a problem once.
      const report = problems.join('; ');
      if (reportedInvalid.get(project.id) !== report) {
        reportedInvalid.set(project.id, report);
        if (report) deps.log.warn({ projectId: project.id, problems }, 'limits: invalid rate_limits overrides ignored; the defaults apply');
      }
    }
    return limits;
  }

  async function checkQuota(project: Project): Promise<void> {
    const quota = project.monthlyEventQuota;
    if (quota === null) return;
    const now = new Date();
    const events = await usage.monthEvents(project.id, now);
    if (events !== null && events >= quota) {
      throw new LimitExceededError(
        `the project's monthly quota of ${quota} events is reached; it resets at ${nextMonthStart(now).toISOString()}`,
        secondsUntilNextMonth(now),
      );
    }
  }

  function entryOf(projectId: string, bucket: string, limit: RateLimit): Entry {
    const id = `${projectId}\u0000${bucket}`;
    let entry = buckets.get(id);
    if (!entry) {
      if (buckets.size >= maxBuckets) buckets.clear();
      const created: Entry = {
        local: createLocalBucket(),
        limit,
        source: {
          lease: (wanted) => leaseTokens(deps.store, projectId, bucket, created.limit, wanted),
          onFailure: (error) => logFailure('leasing rate-limit tokens', error),
        },
      };
      entry = created;
      buckets.set(id, entry);
    }
    if (entry.limit.perSecond !== limit.perSecond || entry.limit.burst !== limit.burst) {
      // The wait for a refill was computed with the old rate: ask the shared bucket again.
      entry.local.askAfter = 0;
      entry.limit = limit;
    }
    return entry;
  }

  return {
    async take(key, route) {
      const project = await projectOf(key.projectId);
      if (route === 'collect' && project) await checkQuota(project);
      const limit = limitsOf(project)[rateLimitClassOf(route)];
      const entry = entryOf(key.projectId, `${key.keyId}:${route}`, limit);
      const retryAfter = await takeToken(entry.local, limit, entry.source, timing);
      if (retryAfter > 0) {
        throw new LimitExceededError(
          `too many requests for this key on ${route}: the limit is ${limit.perSecond} per second with bursts of ${limit.burst}; retry after ${retryAfter} s`,
          retryAfter,
        );
      }
    },
  };
}
