/** Version of `@vantage/r3f`, sent as `session_start.sdk` (`r3f/<version>`). */
export const R3F_CONNECTOR_VERSION = '0.1.0';
