/** The version of `@vantage/three` (kept equal to its package.json by a test). */
export const THREE_CONNECTOR_VERSION = '0.1.0';
