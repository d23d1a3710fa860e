/**
 * `@vantage/sdk-core/schema` — the wire schema shared by the SDK, the collector, the replay
 * viewer and the fixtures. A leaf: it imports nothing from the DOM or Node.
 */
export { defineEvent, type EventDef, type WireFields, type ResolvedFields } from './define.js';
export {
  EVENT_DEFS,
  EVENT_BY_TYPE,
  EVENT_BY_CODE,
  EVENT_TYPES,
  OPT_IN_CHANNELS,
  DEFAULT_CAPTURE_FLAGS,
  isEventType,
  describeEvent,
  type AnyEventDef,
  type EventType,
  type EventDefOf,
  type EventOf,
  type VantageEvent,
  type CaptureFlags,
} from './registry.js';
export {
  BatchEnvelope,
  SCHEMA_VERSION,
  MAX_BATCH_EVENTS,
  MIN_EPOCH_MS,
  MAX_EPOCH_MS,
  SESSION_ID_PATTERN,
  SCENE_ID_PATTERN,
  type WireBatch,
} from './envelope.js';
export { IdTable, encodeEvent, encodeBatch, type BatchHeader } from './codec.js';
export { createWireValidators, type WireValidators, type WireValidatorOptions, type DecodeResult, type EventDropReason } from './decode.js';
export {
  MAX_COORD_MM,
  QUAT_SCALE,
  NDC_SCALE,
  MAX_MESH_IDS,
  MAX_MESH_ID_LENGTH,
  MAX_EVENT_OFFSET_MS,
  MAX_DURATION_MS,
  toMm,
  fromMm,
  toQuat,
  fromQuat,
  toNdc,
} from './units.js';
export { MAX_CUSTOM_NAME } from './events/custom.js';
