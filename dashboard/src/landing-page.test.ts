import { describe, expect, it } from 'vitest';
import { MODEL_ORIGINS_META, renderAppPage, renderLandingPage } from './index.js';

/** The snippet as a reader sees it: the text of the page's code block, HTML entities decoded. */
function snippetOf(html: string): string {
  const match = /<pre><code>([\s\S]*?)<\/code><\/pre>/.exec(html);
  expect(match, 'the page has a code snippet').not.toBeNull();
  return match![1]!
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** The value of `name: "<literal>"` in the snippet, read back as JavaScript would. */
function optionIn(snippet: string, name: string): unknown {
  const match = new RegExp(`^  ${name}: ("(?:[^"\\\\]|\\\\.)*"),`, 'm').exec(snippet);
  expect(match, `the snippet sets ${name}`).not.toBeNull();
  return JSON.parse(match![1]!);
}

describe('renderLandingPage', () => {
  const options = { projectName: 'Demo project', publishableKey: 'pk_live_3f9a', endpoint: 'http://127.0.0.1:7315', sceneId: 'showroom' };

  it('is a complete document naming the product and the project, linking /healthz', () => {
    const html = renderLandingPage(options);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<title>Vantage — Demo project</title>');
    expect(html).toContain('<h1>Vantage</h1>');
    expect(html).toContain('<strong>Demo project</strong>');
    expect(html).toContain('<a href="/healthz">/healthz</a>');
  });

  it('fills endpoint, key and scene into a @vantage/three snippet', () => {
    const snippet = snippetOf(renderLandingPage(options));
    expect(snippet).toContain("import { trackScene } from '@vantage/three';");
    expect(snippet).toContain("import { createClient } from '@vantage/sdk-core';");
    expect(snippet).toContain('trackScene({ scene, camera, renderer, client })');
    expect(optionIn(snippet, 'endpoint')).toBe('http://127.0.0.1:7315');
    expect(optionIn(snippet, 'key')).toBe('pk_live_3f9a');
    expect(optionIn(snippet, 'sceneId')).toBe('showroom');
    expect(renderLandingPage(options)).not.toContain('printed');
  });

  it('without a key, shows a placeholder and points to the key printed at first start; scene defaults', () => {
    const html = renderLandingPage({ projectName: 'Demo', endpoint: 'https://collector.example.com' });
    const snippet = snippetOf(html);
    expect(optionIn(snippet, 'key')).toBe('pk_…');
    expect(snippet).toMatch(/key: "pk_…", \/\/ the pk_… key printed when the collector first started/);
    expect(html).toMatch(/Use the <code>pk_…<\/code> key the collector printed at its first start/);
    expect(optionIn(snippet, 'sceneId')).toBe('my-scene');
    expect(renderLandingPage({ ...options, publishableKey: '' })).toContain('printed at its first start');
  });

  it('names no project when given none', () => {
    const html = renderLandingPage({ endpoint: 'http://127.0.0.1:7315' });
    expect(html).toContain('<title>Vantage</title>');
    expect(html).not.toContain('project <strong>');
  });

  it('escapes a malicious project name everywhere it appears', () => {
    const html = renderLandingPage({ ...options, projectName: '<script>alert("x")</script>' });
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html.match(/&lt;script&gt;/g)).toHaveLength(2);
  });

  it('escapes endpoint, key and scene for HTML and keeps them intact as JavaScript strings', () => {
    const hostile = {
      projectName: 'P',
      endpoint: 'http://x/"></code><img src=x onerror=alert(1)>',
      publishableKey: "pk_'\"\\\n</pre>",
      sceneId: 'a&b<c>',
    };
    const html = renderLandingPage(hostile);
    expect(html).not.toMatch(/<img|<\/pre>\s*<\/code>|onerror=alert\(1\)>/);
    expect(html.match(/<\/code>/g)?.length).toBe(html.match(/<code>/g)?.length);
    const snippet = snippetOf(html);
    expect(optionIn(snippet, 'endpoint')).toBe(hostile.endpoint);
    expect(optionIn(snippet, 'key')).toBe(hostile.publishableKey);
    expect(optionIn(snippet, 'sceneId')).toBe(hostile.sceneId);
  });
});

describe('the app page', () => {
  const index = '<!doctype html>\n<html lang="en">\n<head>\n  <title>Vantage</title>\n</head>\n<body>\n  <div id="root"></div>\n</body>\n</html>\n';

  it('renders the landing content into the root and names the model origins in a meta tag', () => {
    const html = renderAppPage(index, { endpoint: 'http://127.0.0.1:7315', modelOrigins: ['https://cdn.example', 'http://127.0.0.1:8080'] });
    expect(html).toContain(`<meta name="${MODEL_ORIGINS_META}" content="https://cdn.example http://127.0.0.1:8080">\n  <link rel="icon" href="/favicon.svg" type="image/svg+xml">\n</head>`);
    expect(html).toMatch(/<div id="root"><main class="landing">/);
    expect(renderAppPage(index, { endpoint: 'http://x' })).toContain(`<meta name="${MODEL_ORIGINS_META}" content="">`);
  });

  it('escapes the origins and refuses an index without its root or head', () => {
    const html = renderAppPage(index, { endpoint: 'http://x', modelOrigins: ['"><script>alert(1)</script>'] });
    expect(html).not.toMatch(/<script>alert/);
    expect(() => renderAppPage('<div id="root"></div>', { endpoint: 'http://x' })).toThrow('no </head>');
    expect(() => renderAppPage('<head></head>', { endpoint: 'http://x' })).toThrow('no empty <div id="root">');
  });
});
