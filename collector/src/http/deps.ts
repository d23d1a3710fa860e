/**
 * What the HTTP layer needs from the rest of the collector, passed to `createApp(deps)`, so
 * tests build the real app around a real store without listening on a port.
 */
import type { WireValidators } from '@vantage/sdk-core/schema';
import type { Config } from '../config.js';
import type { WriteBuffer } from '../ingest/write-buffer.js';
import type { LiveHub } from '../live/hub.js';
import type { Limits } from '../limits/index.js';
import type { Logger } from '../log.js';
import type { VisitorPipeline } from '../privacy/visitor.js';
import type { Store } from '../storage/types.js';
import type { KeyResolver } from '../tenants/key-resolver.js';
import type { TenantCache } from '../tenants/project-cache.js';

/** The collector's parts, wired by `main.ts` or by a test. */
export interface AppDeps {
  config: Config;
  store: Store;
  keys: KeyResolver;
  tenants: TenantCache;
  buffer: WriteBuffer;
  validators: WireValidators;
  /** The privacy module's ingest side: bots, visitor hashes, minimised session context. */
  visitors: VisitorPipeline;
  /** Rate limits and quotas: `await deps.limits.take(key, '<route>')` right after authenticating. */
  limits: Limits;
  log: Logger;
  /** `WS /api/v1/live`: presence and live follow; `startCollector` starts it and routes upgrades to it. */
  live?: LiveHub;
  /**
   * The collector's clock, epoch ms (default `Date.now`): when a batch was received, which
   * corrects client clock skew and so decides each event's time bucket. Tests pin it.
   */
  clock?: () => number;
}
