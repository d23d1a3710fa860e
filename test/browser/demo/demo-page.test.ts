/**
 * The demo page as a newcomer meets it: the built bundle in real Chromium, the sofa on screen,
 * the fabric buttons switching materials, and the page's events arriving at the real collector.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { centreStats, nextFrames, SCREENSHOT_DIR, useDemoSuite, viewShot } from './setup.js';
import type { TestPage } from '../harness/index.js';

const demo = useDemoSuite();

/** A scene id unique to one test. */
function sceneFor(name: string): string {
  return `demo-${name}-${Math.random().toString(36).slice(2, 8)}`;
}

/** The fabric mesh's material: its name and its colour texture's id. */
function fabric(tab: TestPage): Promise<{ name: string; map: string | null }> {
  return tab.page.evaluate(() => {
    const mesh = window.vantageDemo?.scene.getObjectByName('GlamVelvetSofa_fabric') as import('three').Mesh | undefined;
    if (mesh === undefined) throw new Error('no GlamVelvetSofa_fabric in the scene');
    const material = mesh.material as import('three').MeshStandardMaterial;
    return { name: material.name, map: material.map?.uuid ?? null };
  });
}

/** Errors the page logged (warnings and info are fine). */
function errorsOf(tab: TestPage): string[] {
  return [...tab.console.filter((line) => line.startsWith('error:')), ...tab.pageErrors.map(String)];
}

describe('the demo page', () => {
  it('shows the sofa, framed in the middle of the view', async () => {
    const tab = await demo.open({ sceneId: sceneFor('render') });
    await tab.page.screenshot({ path: join(SCREENSHOT_DIR, 'demo-sofa.png') });
    const centre = await centreStats(tab, await viewShot(tab));
    expect(centre.covered).toBeGreaterThan(0.3);
    const handle = await tab.page.evaluate(() => {
      const d = window.vantageDemo;
      return {
        variants: d?.variants,
        variant: d?.variant,
        client: d?.client?.active,
        tracker: d?.tracker !== undefined,
        meshes: ['GlamVelvetSofa_fabric', 'GlamVelvetSofa_legs', 'GlamVelvetSofa_feet'].map((n) => d?.scene.getObjectByName(n)?.type),
        damping: d?.controls.enableDamping,
      };
    });
    expect(handle).toEqual({
      variants: ['Champagne', 'Navy', 'Gray', 'Black', 'Pale Pink'],
      variant: 'Navy', // the file's default fabric
      client: true,
      tracker: true,
      meshes: ['Mesh', 'Mesh', 'Mesh'],
      damping: true,
    });
    expect(await tab.page.getAttribute('button[data-variant="Navy"]', 'aria-pressed')).toBe('true');
    // Offline-ready: everything came from the page's server or the collector, nothing from a CDN
    // (blob: URLs are the model's embedded textures).
    const { pages, collector } = demo.suite;
    const network = tab.requests.filter((url) => /^https?:/.test(url));
    expect(network.filter((url) => !url.startsWith(`${pages.origin}/`) && !url.startsWith(`${collector.url}/`))).toEqual([]);
    expect(tab.requests).toContain(pages.url('/demo/assets/GlamVelvetSofa.glb'));
    expect(errorsOf(tab)).toEqual([]);
  });

  it('switches the fabric with each variant button, visibly', async () => {
    const tab = await demo.open({ sceneId: sceneFor('variants') });
    const seen = new Map<string, { name: string; map: string | null }>();
    let previous = await fabric(tab);
    for (const variant of ['Champagne', 'Navy', 'Gray', 'Black', 'Pale Pink']) {
      await tab.page.click(`button[data-variant="${variant}"]`);
      await tab.page.waitForFunction((v) => window.vantageDemo?.variant === v, variant);
      const now = await fabric(tab);
      expect(now, variant).not.toEqual(previous);
      expect(now.name.toLowerCase(), variant).toContain(variant.toLowerCase().replace(' ', ''));
      expect(await tab.page.getAttribute(`button[data-variant="${variant}"]`, 'aria-pressed')).toBe('true');
      seen.set(variant, now);
      previous = now;
    }
    expect(new Set([...seen.values()].map((m) => m.name)).size).toBe(5);

    // What a person sees changes too: the light champagne against the dark navy.
    await tab.page.click('button[data-variant="Champagne"]');
    await tab.page.waitForFunction(() => window.vantageDemo?.variant === 'Champagne');
    await nextFrames(tab, 3);
    await tab.page.screenshot({ path: join(SCREENSHOT_DIR, 'demo-sofa-champagne.png') });
    const champagne = await centreStats(tab, await viewShot(tab));
    await tab.page.click('button[data-variant="Navy"]');
    await tab.page.waitForFunction(() => window.vantageDemo?.variant === 'Navy');
    await nextFrames(tab, 3);
    const navy = await centreStats(tab, await viewShot(tab));
    const brightness = (c: [number, number, number]) => c[0] + c[1] + c[2];
    expect(brightness(champagne.mean) - brightness(navy.mean)).toBeGreaterThan(60);
    expect(errorsOf(tab)).toEqual([]);
  });

  it("sends the configurator's custom events, and the collector stores them", async () => {
    const scene = sceneFor('events');
    const tab = await demo.open({ sceneId: scene });
    await tab.page.click('button[data-variant="Gray"]');
    await tab.page.click('#add-to-cart');
    expect(await tab.page.evaluate(() => window.vantageDemo?.client?.flush())).toBe(true);
    const { collector } = demo.suite;
    await expect.poll(async () => (await collector.eventCounts(scene)).custom ?? 0, { timeout: 15_000 }).toBe(2);
    expect(await collector.storedEvents(scene)).toBeGreaterThan(2);
    const counts = await collector.eventCounts(scene);
    expect(counts.session_start).toBe(1);
    // The status panel tells what happened, within a second or so.
    await expect.poll(() => tab.page.textContent('#status dl'), { timeout: 5_000 }).toMatch(/Acknowledged\s*[1-9]\d* events?/);
    expect(errorsOf(tab)).toEqual([]);
  });

  it('without a publishable key: says so, shows the sofa, and sends nothing', async () => {
    const { collector } = demo.suite;
    const tab = await demo.open({ sceneId: sceneFor('nokey'), publishableKey: undefined });
    const toCollector: string[] = [];
    tab.page.on('request', (request) => {
      if (request.url().startsWith(collector.url)) toCollector.push(request.url());
    });
    expect(await tab.page.isVisible('#no-key')).toBe(true);
    await tab.page.click('button[data-variant="Black"]');
    await tab.page.waitForFunction(() => window.vantageDemo?.variant === 'Black');
    await tab.page.click('#add-to-cart');
    expect(await tab.page.evaluate(() => window.vantageDemo?.client === undefined && window.vantageDemo?.tracker === undefined)).toBe(true);
    await tab.page.screenshot({ path: join(SCREENSHOT_DIR, 'demo-sofa-no-key.png') });
    expect((await centreStats(tab, await viewShot(tab))).covered).toBeGreaterThan(0.3);
    expect(toCollector).toEqual([]);
    expect(errorsOf(tab)).toEqual([]);
  });

  it('under Global Privacy Control: shows the opt-out note and the collector gets nothing', async () => {
    const scene = sceneFor('gpc');
    const gpc = "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true, configurable: true });";
    const tab = await demo.open({ sceneId: scene }, gpc);
    await expect.poll(() => tab.page.isVisible('#opt-out'), { timeout: 5_000 }).toBe(true);
    await tab.page.click('button[data-variant="Gray"]');
    expect(await tab.page.evaluate(() => window.vantageDemo?.client?.optedOut)).toBe(true);
    await tab.page.evaluate(() => window.vantageDemo?.client?.flush());
    expect(await demo.suite.collector.storedEvents(scene)).toBe(0);
    expect(errorsOf(tab)).toEqual([]);
  });
});
