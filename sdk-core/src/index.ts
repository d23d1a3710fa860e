/**
 * `@vantage/sdk-core` — the framework-free browser runtime. The wire schema lives in the
 * `@vantage/sdk-core/schema` subpath; the client (session, consent, queue, transport, remote
 * config) is filled in by the SDK issue.
 */
export { encodeBatchBytes, MSGPACK_CONTENT_TYPE } from './wire.js';
