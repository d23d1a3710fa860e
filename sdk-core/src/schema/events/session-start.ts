import { T } from '../builders.js';
import { defineEvent } from '../define.js';
import { int, text } from '../units.js';

/** The first event of a session: where the scene runs. The collector minimises every field. */
export const sessionStart = defineEvent({
  type: 'session_start',
  code: 1,
  description: 'A session began (first event of a new in-memory session id).',
  fields: {
    /** Page URL. The collector keeps origin + path + utm_* only. */
    url: text(2048, 'page URL; reduced to origin, path and utm_* by the collector', 1),
    /** CSS pixels. */
    viewportW: int(1, 16384, 'viewport width (CSS px)'),
    viewportH: int(1, 16384, 'viewport height (CSS px)'),
    /** devicePixelRatio × 100. */
    dpr100: int(25, 1600, 'device pixel ratio × 100'),
    /** SDK name and version, e.g. `three/0.1.0`. */
    sdk: text(32, 'SDK name/version', 1),
    /** Referrer URL; the collector keeps its origin only. */
    referrer: T.Optional(text(2048, 'referrer URL; reduced to its origin by the collector')),
    /** BCP 47 language tag of the browser. */
    lang: T.Optional(text(35, 'BCP 47 language tag')),
    /** A coarse GPU class computed by the SDK (never the unmasked renderer string). */
    gpu: T.Optional(text(32, 'coarse GPU class, e.g. "integrated", "discrete", "software"')),
  },
});
