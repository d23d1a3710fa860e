/**
 * The privacy module: the only code of the collector that sees a raw IP address or user agent.
 * Ingest hands it the request's socket address, `X-Forwarded-For`, `User-Agent` and the
 * session's context, and stores only what comes back: a client address to hash (never stored),
 * visitor and IP hashes under rotating salts, and the context minimised for the project's
 * privacy mode. Its errors never carry visitor input.
 */
export { clientAddress, createClientAddressResolver, parseTrustedProxies, type ClientAddressResolver, type TrustedProxies } from './client-address.js';
export { normaliseIp } from './ip.js';
export {
  createVisitorPipeline,
  type SenderRequest,
  type SessionContext,
  type SessionHints,
  type SessionIdentity,
  type StorableVisitor,
  type VisitorPipeline,
  type VisitorProject,
} from './visitor.js';
export { createVisitorHasher, type VisitorHasher, type VisitorHasherOptions, type VisitorHashes, type VisitorInput } from './visitor-hash.js';
export { visitorHmac, ipHmac } from './hmac.js';
export { pruneSalts, saltPeriod, IP_SALT_PERIOD_HOURS, SALT_BYTES, type PruneOptions, type SaltKind, type SaltPeriod } from './salts.js';
export { parseUserAgent, isBot, MAX_USER_AGENT_CHARS, type DeviceType, type UserAgentFamilies } from './user-agent.js';
export { countryOf, loadCountryDatabase, COUNTRY_DATABASE } from './country.js';
export { reduceUrl, referrerOrigin, MAX_URL_CHARS } from './url.js';
export { gpuClass, type GpuClass } from './gpu.js';
export { limitProps, MAX_PROPS_BYTES, type TruncatedProps } from './props.js';
export {
  minimiseSession,
  primaryLanguage,
  type MinimisedSession,
  type ParanoidSession,
  type RawSessionContext,
  type StandardSession,
  type StrictSession,
} from './modes.js';
export { PrivacyError, type PrivacyErrorCode } from './errors.js';
