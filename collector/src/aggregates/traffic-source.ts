/**
 * Traffic source of a session: a pure, ordered list of rules over the page URL's `utm_*`
 * parameters and the referrer's origin (all the collector keeps of either). The first rule that
 * matches names the source, medium and campaign, a confidence, and its id. Sessions store the
 * inputs (URL with `utm_*`, referrer origin) and the answer with {@link TRAFFIC_RULES_VERSION},
 * so they can be re-classified when the rules change.
 *
 * Also the aggregate of sessions by source and medium per scene and hour.
 * Read: `GET /api/v1/traffic-sources`.
 */
import type { VantageEvent } from '@vantage/sdk-core/schema';
import type { Store } from '../storage/types.js';
import { defineRollup, sum } from './define.js';
import { windowWhere, type AggregateQuery } from './params.js';
import type { Aggregate, TrafficSource } from './types.js';

/** Bumped whenever a rule changes, so stored sessions can be found and re-classified. */
export const TRAFFIC_RULES_VERSION = 1;

/** What the classifier reads. */
export interface TrafficInput {
  /** The page URL as stored: origin, path and `utm_*` only; null when the mode keeps none. */
  url: string | null;
  /** The referrer's origin; null when there was none or the mode keeps none. */
  referrerOrigin: string | null;
}

/** A rule: an id and a function answering a source, or null to pass. */
interface Rule {
  id: string;
  match(input: ParsedInput): Omit<TrafficSource, 'rule'> | null;
}

interface ParsedInput {
  known: boolean;
  pageHost: string | null;
  refHost: string | null;
  utm: { source: string | null; medium: string | null; campaign: string | null };
}

const SEARCH_ENGINES: ReadonlyArray<[RegExp, string]> = [
  [/(^|\.)google\.[a-z.]+$/, 'google'],
  [/(^|\.)bing\.com$/, 'bing'],
  [/(^|\.)duckduckgo\.com$/, 'duckduckgo'],
  [/(^|\.)search\.yahoo\.com$|(^|\.)yahoo\.[a-z.]+$/, 'yahoo'],
  [/(^|\.)baidu\.com$/, 'baidu'],
  [/(^|\.)yandex\.[a-z.]+$/, 'yandex'],
  [/(^|\.)ecosia\.org$/, 'ecosia'],
  [/(^|\.)search\.brave\.com$/, 'brave'],
  [/(^|\.)qwant\.com$/, 'qwant'],
];

const SOCIAL: ReadonlyArray<[RegExp, string]> = [
  [/(^|\.)(facebook\.com|fb\.com|fb\.me)$/, 'facebook'],
  [/(^|\.)instagram\.com$/, 'instagram'],
  [/(^|\.)(twitter\.com|t\.co|x\.com)$/, 'x'],
  [/(^|\.)(linkedin\.com|lnkd\.in)$/, 'linkedin'],
  [/(^|\.)reddit\.com$/, 'reddit'],
  [/(^|\.)pinterest\.[a-z.]+$/, 'pinterest'],
  [/(^|\.)(youtube\.com|youtu\.be)$/, 'youtube'],
  [/(^|\.)tiktok\.com$/, 'tiktok'],
  [/(^|\.)threads\.net$/, 'threads'],
  [/(^|\.)bsky\.app$/, 'bluesky'],
];

const WEBMAIL = /(^|\.)(mail\.google\.com|outlook\.live\.com|outlook\.office\.com|mail\.yahoo\.com|mail\.proton\.me)$/;
const PAID_MEDIUM = /^(cpc|ppc|paid|paid[_-]?search|paid[_-]?social|display|cpm|banner|affiliate)$/;

function lookup(host: string | null, table: ReadonlyArray<[RegExp, string]>): string | null {
  if (!host) return null;
  for (const [pattern, name] of table) if (pattern.test(host)) return name;
  return null;
}

/** The rules, in the order they are tried. */
const RULES: readonly Rule[] = [
  {
    id: 'no-context',
    match: (i) => (i.known ? null : { source: '(unknown)', medium: '(unknown)', campaign: null, confidence: 'low' }),
  },
  {
    id: 'utm-paid',
    match: (i) =>
      i.utm.medium && PAID_MEDIUM.test(i.utm.medium)
        ? { source: i.utm.source ?? lookup(i.refHost, SEARCH_ENGINES) ?? i.refHost ?? '(not set)', medium: i.utm.medium, campaign: i.utm.campaign, confidence: 'high' }
        : null,
  },
  {
    id: 'utm-source',
    match: (i) => (i.utm.source ? { source: i.utm.source, medium: i.utm.medium ?? '(not set)', campaign: i.utm.campaign, confidence: 'high' } : null),
  },
  {
    id: 'utm-medium',
    match: (i) => (i.utm.medium ? { source: i.refHost ?? '(not set)', medium: i.utm.medium, campaign: i.utm.campaign, confidence: 'medium' } : null),
  },
  {
    id: 'webmail',
    match: (i) => (i.refHost && WEBMAIL.test(i.refHost) ? { source: i.refHost, medium: 'email', campaign: i.utm.campaign, confidence: 'medium' } : null),
  },
  {
    id: 'search-engine',
    match: (i) => {
      const engine = lookup(i.refHost, SEARCH_ENGINES);
      return engine ? { source: engine, medium: 'organic', campaign: i.utm.campaign, confidence: 'high' } : null;
    },
  },
  {
    id: 'social',
    match: (i) => {
      const network = lookup(i.refHost, SOCIAL);
      return network ? { source: network, medium: 'social', campaign: i.utm.campaign, confidence: 'high' } : null;
    },
  },
  {
    id: 'internal',
    match: (i) => (i.refHost && i.refHost === i.pageHost ? { source: 'direct', medium: '(none)', campaign: null, confidence: 'medium' } : null),
  },
  {
    id: 'referral',
    match: (i) => (i.refHost ? { source: i.refHost, medium: 'referral', campaign: i.utm.campaign, confidence: 'medium' } : null),
  },
  {
    // No referrer and no campaign: typed, bookmarked, or a referrer the browser withheld.
    id: 'direct',
    match: () => ({ source: 'direct', medium: '(none)', campaign: null, confidence: 'low' }),
  },
];

function hostOf(url: string | null): string | null {
  if (!url) return null;
  try {
    return new URL(url).hostname.toLowerCase().replace(/^www\./, '') || null;
  } catch {
    return null;
  }
}

function utmOf(url: string | null): ParsedInput['utm'] {
  const utm = { source: null as string | null, medium: null as string | null, campaign: null as string | null };
  if (!url) return utm;
  try {
    const params = new URL(url).searchParams;
    const clean = (v: string | null) => (v === null ? null : v.trim().toLowerCase().slice(0, 100) || null);
    utm.source = clean(params.get('utm_source'));
    utm.medium = clean(params.get('utm_medium'));
    utm.campaign = clean(params.get('utm_campaign'));
  } catch {
    // an unparsable URL has no campaign
  }
  return utm;
}

/** Classify a session's traffic source. Pure: the same input always gives the same answer. */
export function classifyTrafficSource(input: TrafficInput): TrafficSource {
  const parsed: ParsedInput = {
    known: input.url !== null || input.referrerOrigin !== null,
    pageHost: hostOf(input.url),
    refHost: hostOf(input.referrerOrigin),
    utm: utmOf(input.url),
  };
  for (const rule of RULES) {
    const answer = rule.match(parsed);
    if (answer) return { ...answer, rule: rule.id };
  }
  /* c8 ignore next */
  return { source: 'direct', medium: '(none)', campaign: null, confidence: 'low', rule: 'direct' };
}

/** The rollup: sessions per (project, scene, hour, source, medium). */
export const trafficSourceRollup = defineRollup({
  table: 'agg_traffic_sources',
  bucket: 'hour',
  keys: { source: 'text', medium: 'text' },
  values: { sessions: sum() },
});

const key: [string, string] = ['', ''];
const ONE = [1];

/** The traffic-source aggregate: one session per `session_start`, under its batch's classification. */
export const trafficSources: Aggregate = {
  name: 'traffic-sources',
  rollups: [trafficSourceRollup],
  foldEvent(e: VantageEvent, ctx, acc) {
    if (e.type !== 'session_start') return;
    const source = ctx.source ?? { source: '(unknown)', medium: '(unknown)' };
    key[0] = source.source;
    key[1] = source.medium;
    acc.add(trafficSourceRollup, ctx.projectId, ctx.sceneId, e.t, key, ONE);
  },
};

/** `GET /api/v1/traffic-sources`. */
export async function readTrafficSources(store: Store, q: AggregateQuery): Promise<{ sources: Array<{ source: string; medium: string; sessions: number }> }> {
  const { where, params } = windowWhere(q, 'hour');
  const rows = await store.query<{ source: string; medium: string; n: number }>(
    `SELECT source, medium, sum(sessions)::float8 AS n FROM agg_traffic_sources WHERE ${where}
      GROUP BY source, medium HAVING sum(sessions) > 0 ORDER BY n DESC, source, medium`,
    params,
  );
  return { sources: rows.map((r) => ({ source: r.source, medium: r.medium, sessions: Number(r.n) })) };
}

/**
 * Re-classify the sessions a project still holds whose source was classified by other rules
 * (another {@link TRAFFIC_RULES_VERSION}), from the URL and referrer origin they kept, and move
 * their counts in the source rollup from the old (source, medium) to the new one in the same
 * transaction. Sessions past `retention_days` are gone: their hours keep the old classification.
 * Answers the number of sessions re-classified.
 */
export async function reclassifyTrafficSources(store: Store, projectId: string): Promise<number> {
  const rows = await store.query<{ id: string; scene_id: string; url: string | null; referrer_origin: string | null; source: string | null; medium: string | null; first_event_ms: number | null; started_at: Date }>(
    `SELECT id, scene_id, url, referrer_origin, source, medium, first_event_ms, started_at FROM sessions
      WHERE project_id = $1 AND source IS NOT NULL AND source_rules_version IS DISTINCT FROM $2`,
    [projectId, TRAFFIC_RULES_VERSION],
  );
  let changed = 0;
  for (let i = 0; i < rows.length; i += 500) {
    const statements = [];
    for (const r of rows.slice(i, i + 500)) {
      const next = classifyTrafficSource({ url: r.url, referrerOrigin: r.referrer_origin });
      statements.push({
        sql: `UPDATE sessions SET source = $3, medium = $4, campaign = $5, source_confidence = $6, source_rule = $7, source_rules_version = $8
               WHERE project_id = $1 AND id = $2`,
        params: [projectId, r.id, next.source, next.medium, next.campaign, next.confidence, next.rule, TRAFFIC_RULES_VERSION],
      });
      if (next.source !== r.source || next.medium !== r.medium) {
        const hour = new Date(Math.floor(Number(r.first_event_ms ?? new Date(r.started_at).getTime()) / 3_600_000) * 3_600_000);
        statements.push({
          sql: `UPDATE agg_traffic_sources SET sessions = sessions - 1
                 WHERE project_id = $1 AND scene_id = $2 AND hour = $3 AND source = $4 AND medium = $5 AND sessions > 0`,
          params: [projectId, r.scene_id, hour, r.source, r.medium],
        });
        statements.push({
          sql: `INSERT INTO agg_traffic_sources AS t (project_id, scene_id, hour, source, medium, sessions) VALUES ($1, $2, $3, $4, $5, 1)
                ON CONFLICT (project_id, scene_id, hour, source, medium) DO UPDATE SET sessions = t.sessions + 1`,
          params: [projectId, r.scene_id, hour, next.source, next.medium],
        });
      }
      changed++;
    }
    await store.transaction(statements);
  }
  return changed;
}
