/**
 * Abuse limits: per-key, per-route token buckets shared through the database, and monthly
 * event quotas per project.
 */
export { createLimits, LimitExceededError, type Limits, type LimitsDeps, type LimitsOptions } from './limiter.js';
export { leaseSize, leaseTokens, type Lease } from './lease.js';
export { monthStart, nextMonthStart, secondsUntilNextMonth, usageByMonth, USAGE_MONTHS, type MonthlyUsage } from './quota.js';
export { RATE_LIMIT_CLASSES, rateLimitClassOf, resolveRateLimits, type RateLimit, type RateLimitClass } from './rate-limits.js';
