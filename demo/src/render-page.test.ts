import { describe, expect, it } from 'vitest';
import { CONFIG_ELEMENT_ID, DEMO_SCENE_ID, type DemoPageConfig } from './page-config.js';
import { renderDemoPage, type DemoPageOptions } from './render-page.js';

const plain: DemoPageOptions = {
  endpoint: 'http://127.0.0.1:7315',
  publishableKey: 'pk_demo_0123456789',
  sceneId: DEMO_SCENE_ID,
  assetBase: '/demo/assets',
  modelUrl: '/demo/assets/GlamVelvetSofa.glb',
};

/** Values an attacker (or a misconfigured proxy) could put in every option. */
const hostile: DemoPageOptions = {
  endpoint: `http://evil.test/"><script>alert('endpoint')</script><!--`,
  publishableKey: `pk_"</script><script>alert('key')</script>`,
  sceneId: `scene</script><img src=x onerror="alert('scene')">&amp;`,
  assetBase: `/assets"><script>alert('base')</script><a href='`,
  modelUrl: `/model.glb</script><script>alert('model')</script><!--`,
};

/** The JSON text of the config element, as the browser would read it (`textContent`). */
function configText(html: string): string {
  const match = new RegExp(`<script type="application/json" id="${CONFIG_ELEMENT_ID}">([\\s\\S]*?)</script>`).exec(html);
  if (!match) throw new Error('no config element');
  return match[1] as string;
}

/** Every tag the page opens, by name (how an HTML tokenizer would see them, roughly). */
function tagNames(html: string): string[] {
  return [...html.matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)/g)].map((m) => (m[1] as string).toLowerCase());
}

describe('renderDemoPage', () => {
  it('hands the page its settings as JSON that parses back to the options', () => {
    const html = renderDemoPage(plain);
    const config = JSON.parse(configText(html)) as DemoPageConfig;
    expect(config).toEqual({ endpoint: plain.endpoint, publishableKey: plain.publishableKey, sceneId: DEMO_SCENE_ID, modelUrl: plain.modelUrl });
    expect(html).toContain('<script type="module" src="/demo/assets/demo.js"></script>');
    expect(html.startsWith('<!doctype html>')).toBe(true);
  });

  it('accepts an asset prefix with a trailing slash', () => {
    expect(renderDemoPage({ ...plain, assetBase: '/demo/assets/' })).toContain('src="/demo/assets/demo.js"');
  });

  it('loads nothing from another origin (works offline)', () => {
    const html = renderDemoPage(plain);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).not.toMatch(/@import|url\(/);
  });

  it('escapes every value: no markup from options, and the JSON still parses back to them', () => {
    const html = renderDemoPage(hostile);
    // Only the page's own elements: the hostile values open no <script>, <img> or <a>.
    const tags = tagNames(html);
    expect(tags.filter((t) => t === 'script')).toHaveLength(2);
    expect(tags).not.toContain('img');
    expect(tags).not.toContain('a');
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    expect(html).not.toContain('<!--');
    // In the JSON, `<` is \u003c: the element cannot be closed early, and JSON.parse restores it.
    const text = configText(html);
    expect(text).not.toContain('<');
    expect(JSON.parse(text)).toEqual({
      endpoint: hostile.endpoint,
      publishableKey: hostile.publishableKey,
      sceneId: hostile.sceneId,
      modelUrl: hostile.modelUrl,
    });
    // Attribute and text values are entity-escaped.
    expect(html).toContain('src="/assets&quot;&gt;&lt;script&gt;alert(&#39;base&#39;)&lt;/script&gt;&lt;a href=&#39;/demo.js"');
    expect(html).toContain('<code>scene&lt;/script&gt;&lt;img src=x onerror=&quot;alert(&#39;scene&#39;)&quot;&gt;&amp;amp;</code>');
    expect(html).toContain('<code>http://evil.test/&quot;&gt;&lt;script&gt;');
  });

  it('without a publishable key: explains why nothing is sent and carries no key', () => {
    const html = renderDemoPage({ ...plain, publishableKey: undefined });
    expect(html).toContain('no active publishable key');
    expect(html).toContain('this page sends nothing');
    expect(html).not.toContain('pk_');
    expect(html).not.toContain('id="status-body"');
    expect((JSON.parse(configText(html)) as DemoPageConfig).publishableKey).toBeNull();
  });

  it('with a key: no missing-key message, a status panel for the page to fill', () => {
    const html = renderDemoPage(plain);
    expect(html).not.toContain('no active publishable key');
    expect(html).toContain('id="status-body"');
  });

  it('credits the model (CC BY 4.0)', () => {
    expect(renderDemoPage(plain)).toMatch(/Glam Velvet Sofa.*© 2021 Wayfair, LLC, CC BY 4\.0/);
  });
});
