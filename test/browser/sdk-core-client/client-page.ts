/** The client test page: exposes `createClient` and recorders as `window.vantageTest`. */
import { createClient, type ClientOptions } from '@vantage/sdk-core';
import type { VantageTestApi } from './page-api.js';

const api: VantageTestApi = {
  createClient,
  client: undefined,
  errors: [],
  configs: [],
  pageEvents: [],
  start(options: ClientOptions) {
    api.client = createClient({
      ...options,
      onError: (error) => {
        api.errors.push({ code: error.code, message: error.message, count: error.count, status: error.status });
        options.onError?.(error);
      },
      onConfig: (config) => {
        api.configs.push(config);
        options.onConfig?.(config);
      },
    });
    return api.client;
  },
};

addEventListener('pagehide', (e) => api.pageEvents.push(`pagehide:${e.persisted}`));
addEventListener('pageshow', (e) => api.pageEvents.push(`pageshow:${e.persisted}`));
window.vantageTest = api;
