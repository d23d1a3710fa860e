/**
 * The privacy module's face to ingest. Collect hands it the request's raw socket address,
 * `X-Forwarded-For` and `User-Agent` together with the session's hints from `session_start`, and
 * gets back only what may be stored: whether the sender is a bot, the visitor hash (current and,
 * for a new session, previous period), `ip_hash` and the session context minimised for the
 * project's privacy mode. The raw values are not kept, returned, logged or put in an error.
 */
import type { Config, PrivacyMode } from '../config.js';
import type { Store } from '../storage/types.js';
import { createClientAddressResolver } from './client-address.js';
import { loadCountryDatabase } from './country.js';
import { minimiseSession, type StandardSession } from './modes.js';
import { isBot, parseUserAgent, type UserAgentFamilies } from './user-agent.js';
import { createVisitorHasher, type VisitorHasher } from './visitor-hash.js';

/** What a request says about its sender; read from the request and passed on, never stored. */
export interface SenderRequest {
  /** `req.socket.remoteAddress`. */
  socketAddress: string | undefined;
  /** The `X-Forwarded-For` header(s), believed only as far as `TRUST_PROXY` says. */
  forwardedFor: string | readonly string[] | undefined;
  /** The `User-Agent` header. */
  userAgent: string | undefined;
}

/** The project settings that decide what is kept. */
export interface VisitorProject {
  id: string;
  privacyMode: PrivacyMode;
  /** Per-project `hash_rotation_hours`; null: `HASH_ROTATION_HOURS`. */
  hashRotationHours: number | null;
}

/** Fields of the session's `session_start` event, when the batch carries it. */
export interface SessionHints {
  url?: string | undefined;
  referrer?: string | undefined;
  gpu?: string | undefined;
  lang?: string | undefined;
}

/** Ids the app supplied with a batch (`identify`). */
export interface SessionIdentity {
  anonymousId?: string | undefined;
  userId?: string | undefined;
}

/** The stored context of a session: {@link StandardSession}'s fields a mode keeps, the others absent. */
export type SessionContext = Partial<StandardSession>;

/** What may be stored about the sender of one batch. */
export interface StorableVisitor {
  /** HMAC-SHA256 of (project, IP, user agent) under the current salt: 64 hex characters. */
  visitorHash: string;
  /**
   * The same under the previous period's salt, only for a session this process has not seen yet
   * (null otherwise, or when no previous salt exists): a new session that continues a visit
   * begun before the rotation keeps the visit's hash.
   */
  previousVisitorHash: string | null;
  /** `ip_hash` (the IP under the day's salt, 32 hex characters); null in `paranoid`. */
  ipHash: string | null;
  context: SessionContext;
  /**
   * Device type and browser family of this batch's user agent, for the aggregates' segments:
   * on every batch (the context carries them on a session's first only); null in `paranoid`.
   */
  segment: { deviceType: string; browser: string | null } | null;
  /** The ids the app supplied; null in `paranoid`, which keeps nothing but scene, events and visitor hash. */
  anonymousId: string | null;
  userId: string | null;
}

/** Turns a request's sender into what may be stored; see {@link createVisitorPipeline}. */
export interface VisitorPipeline {
  /**
   * Whether the sender is a bot (per `isbot`) or sends no user agent at all (browsers always
   * do): collect drops such a batch with reason `bot` and stores nothing of it.
   */
  isBot(request: SenderRequest): boolean;
  /**
   * What may be stored about a sender that is not a bot. `sessionKey` names the session (project
   * and session id) for the previous-period hash. Throws a `PrivacyError` (`salt_unavailable`)
   * when the salts cannot be read or created.
   */
  describe(request: SenderRequest, project: VisitorProject, sessionKey: string, hints: SessionHints | undefined, identity: SessionIdentity): Promise<StorableVisitor>;
  /**
   * The session's batch was not stored (the write failed): its next batch is treated as the
   * session's first again, so the row it creates gets the hash and the context.
   */
  notStored(sessionKey: string): void;
  /** The hasher (salt rotation and pruning). */
  readonly hasher: VisitorHasher;
}

/**
 * Sessions remembered as seen by this process, with the visitor hash they started with: a
 * later batch of one needs neither hashing nor parsing, since its row holds all that already.
 */
const KNOWN_SESSIONS = 50_000;

/** User agents remembered with their bot verdict and families (a site sees few distinct ones). */
const KNOWN_AGENTS = 5_000;

/**
 * The pipeline for one collector process. In `standard` mode the country database is loaded
 * here, at start, rather than on the first request.
 */
export function createVisitorPipeline(store: Store, config: Pick<Config, 'trustProxy' | 'hashRotationHours' | 'privacyMode'>, options: { now?: () => number; onPruneError?: (error: unknown) => void } = {}): VisitorPipeline {
  const resolveAddress = createClientAddressResolver(config.trustProxy);
  const hasher = createVisitorHasher(store, { defaultRotationHours: config.hashRotationHours, now: options.now, onPruneError: options.onPruneError });
  loadCountryDatabase();
  // Insertion-ordered: the oldest entries go first when the map is full.
  const known = new Map<string, string>();
  const agents = new Map<string, { bot: boolean; families: UserAgentFamilies | null }>();

  /** The verdict on an agent, cached; the families are parsed on first need only. */
  function agent(userAgent: string): { bot: boolean; families: UserAgentFamilies | null } {
    let entry = agents.get(userAgent);
    if (!entry) {
      if (agents.size >= KNOWN_AGENTS) agents.clear();
      entry = { bot: userAgent.trim() === '' || isBot(userAgent), families: null };
      agents.set(userAgent, entry);
    }
    return entry;
  }

  /** The segment of a user agent (cached parse); null in `paranoid`. */
  function segmentOf(userAgent: string | undefined, paranoid: boolean): StorableVisitor['segment'] {
    if (paranoid) return null;
    const verdict = agent(userAgent ?? '');
    verdict.families ??= parseUserAgent(userAgent ?? '');
    return { deviceType: verdict.families.deviceType, browser: verdict.families.browser };
  }

  return {
    hasher,
    notStored(sessionKey) {
      known.delete(sessionKey);
    },
    isBot(request) {
      const userAgent = request.userAgent;
      return typeof userAgent !== 'string' || agent(userAgent).bot;
    },
    async describe(request, project, sessionKey, hints, identity) {
      const paranoid = project.privacyMode === 'paranoid';
      const ids = { anonymousId: paranoid ? null : identity.anonymousId ?? null, userId: paranoid ? null : identity.userId ?? null };
      const startedHash = known.get(sessionKey);
      // A later batch of a session this process started: the row has its hash and context.
      if (startedHash !== undefined && !hints) return { visitorHash: startedHash, previousVisitorHash: null, ipHash: null, context: {}, segment: segmentOf(request.userAgent, paranoid), ...ids };
      const userAgent = request.userAgent ?? '';
      const ip = resolveAddress(request.socketAddress, request.forwardedFor);
      const input = { projectId: project.id, rotationHours: project.hashRotationHours, ip, userAgent };
      const [hashes, ipHash] = await Promise.all([
        startedHash === undefined ? hasher.visitorHashes(input) : { current: startedHash, previous: null },
        project.privacyMode === 'paranoid' ? null : hasher.ipHash(project.id, ip),
      ]);
      if (startedHash === undefined) {
        if (known.size >= KNOWN_SESSIONS) known.delete(known.keys().next().value as string);
        known.set(sessionKey, hashes.current);
      }
      const verdict = agent(userAgent);
      if (project.privacyMode !== 'paranoid') verdict.families ??= parseUserAgent(userAgent);
      const context: SessionContext = minimiseSession(project.privacyMode, {
        ip,
        userAgent,
        families: verdict.families ?? undefined,
        url: hints?.url,
        referrer: hints?.referrer,
        gpu: hints?.gpu,
        lang: hints?.lang,
      });
      if (!hints) {
        // Not the session's first batch: these come from `session_start` only, and are left to it.
        delete context.url;
        delete context.referrerOrigin;
        delete context.gpuClass;
        delete context.lang;
      }
      const segment = verdict.families ? { deviceType: verdict.families.deviceType, browser: verdict.families.browser } : null;
      return { visitorHash: hashes.current, previousVisitorHash: hashes.previous, ipHash, context, segment, ...ids };
    },
  };
}
