/**
 * The entry of the single-file builds (`dist/vantage.js`, ES module; `dist/vantage.global.js`,
 * classic script defining `window.Vantage`): sdk-core's client and the three.js connector in one
 * file, for pages without a bundler. three.js itself is not inside: the ES module imports `three`
 * (resolved by the page's import map, as three.js's own docs load it); the classic script reads
 * `window.THREE`.
 */
export {
  createClient,
  isOptOutSignalled,
  VantageError,
  SDK_VERSION,
  type ClientOptions,
  type VantageClient,
  type RemoteConfig,
} from '@vantage/sdk-core';
export * from './index.js';
