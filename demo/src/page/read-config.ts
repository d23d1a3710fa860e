/** Reads the settings the server wrote into the page (see `renderDemoPage`). */
import { CONFIG_ELEMENT_ID, type DemoPageConfig } from '../page-config.js';

/** The page's {@link DemoPageConfig}; throws a `Vantage demo:` error when it is missing or malformed. */
export function readPageConfig(doc: Document): DemoPageConfig {
  const text = doc.getElementById(CONFIG_ELEMENT_ID)?.textContent;
  if (text === undefined || text === null) throw new Error(`Vantage demo: the page has no #${CONFIG_ELEMENT_ID} element`);
  const value = JSON.parse(text) as Partial<DemoPageConfig> | null;
  const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
  if (value === null || !isString(value.endpoint) || !isString(value.sceneId) || !isString(value.modelUrl)) {
    throw new Error('Vantage demo: the page config needs endpoint, sceneId and modelUrl');
  }
  const key = value.publishableKey;
  return { endpoint: value.endpoint, sceneId: value.sceneId, modelUrl: value.modelUrl, publishableKey: isString(key) ? key : null };
}
