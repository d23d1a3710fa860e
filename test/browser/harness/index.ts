/**
 * The shared browser-test harness: real headless Chromium, a server for bundled test pages, the
 * real collector with read-backs, and a fault-injecting proxy for delivery tests.
 */
export { launchChromium, openPage, CHROMIUM_ARGS, CHROMIUM_PATH, type LaunchOptions, type TestPage } from './chromium.js';
export { servePages, type PageServer, type PageServerOptions } from './page-server.js';
export { startBrowserCollector, type BrowserCollector, type BrowserCollectorOptions, type StoredBatch } from './collector.js';
export { startFaultProxy, forwardAll, type FaultProxy, type ProxiedRequest, type ProxyAction, type ProxyRule } from './fault-proxy.js';
export { settledCounts } from './settled-counts.js';
