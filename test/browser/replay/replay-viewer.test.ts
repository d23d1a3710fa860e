/**
 * The replay viewer in real Chromium (SwiftShader WebGL): the demo's sofa (GlamVelvetSofa.glb)
 * replayed from a recorded session at a seek position, the proxy boxes when there is no model,
 * the controls and shortcuts, live follow, and the React component. Screenshots go to
 * artifacts/screens/ for a person to look at.
 */
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SOFA_PARTS } from '@vantage/fixtures';
import { toMm, type EventOf, type VantageEvent } from '@vantage/sdk-core/schema';
import { cameraPoseAt, createReplayIndex, type ReplayStream, type SceneProxy } from '@vantage/replay-viewer';
import { launchChromium, openPage, servePages, type PageServer, type TestPage } from '../harness/index.js';
import type { ReplaySetup } from './page-api.js';

const fixtures = fileURLToPath(new URL('../../../replay-viewer/fixtures/', import.meta.url));
const SOFA = fileURLToPath(new URL('../../../fixtures/models/GlamVelvetSofa.glb', import.meta.url));
const SCREENSHOT_DIR = process.env.VANTAGE_SCREENSHOT_DIR ?? fileURLToPath(new URL('../../../artifacts/screens/', import.meta.url));
const desktop = JSON.parse(readFileSync(join(fixtures, 'sofa-desktop.json'), 'utf8')) as ReplayStream;
const cameraSamples = desktop.events.filter((e): e is EventOf<'camera'> => e.type === 'camera');

/** The sofa's hit boxes as a connector-registered proxy (integer mm). */
const SOFA_PROXY: SceneProxy = {
  meshes: SOFA_PARTS.map((p) => ({ id: p.mesh, box: [...p.min.map(toMm), ...p.max.map(toMm)] as [number, number, number, number, number, number] })),
};

/**
 * A moment worth looking at: between two camera samples (the pose is interpolated, not a sample),
 * with the pointer over a mesh and a recent pick.
 */
function interestingMoment(stream: ReplayStream): { t: number; hovered: string } {
  const events = stream.events;
  const samples = events.filter((e): e is EventOf<'camera'> => e.type === 'camera');
  for (let i = 1; i < samples.length; i++) {
    const [a, b] = [samples[i - 1]!, samples[i]!];
    if (a.t - events[0]!.t < 20_000 || b.t - a.t < 40 || b.t - a.t > 400 || (a.px === b.px && a.qy === b.qy)) continue;
    const t = a.t + 0.4 * (b.t - a.t);
    const before = events.filter((e) => e.t <= t);
    const pointer = [...before].reverse().find((e) => e.type === 'pointer_move' || e.type === 'click') as EventOf<'pointer_move'> | undefined;
    const pick = [...before].reverse().find((e) => e.type === 'mesh_pick');
    const dwellAfter = before.some((e) => e.type === 'hover_dwell' && pointer !== undefined && e.t >= pointer.t);
    if (pointer?.mesh && t - pointer.t < 1000 && pick && t - pick.t < 8000 && !dwellAfter) return { t, hovered: pointer.mesh };
  }
  throw new Error('no interesting moment in the fixture');
}

/** The variant the visitor last selected at or before `t` (null: the file's default). */
function lastVariantBefore(stream: ReplayStream, t: number): string | null {
  let variant: string | null = null;
  for (const e of stream.events) if (e.type === 'custom' && e.name === 'variant_selected' && e.t <= t) variant = e.props?.variant as string;
  return variant;
}

/** Pixel statistics of a PNG of the canvas, decoded by the browser. */
interface Pixels {
  /** Share of pixels clearly unlike the background (read at the top-left corner). */
  covered: number;
  /** Share of dark blue pixels (the sofa's default Navy velvet). */
  navy: number;
  /** Share of light pink pixels (its Pale Pink variant). */
  pink: number;
  /** Share of the proxy boxes' grey-blue. */
  slate: number;
  background: [number, number, number];
}

function pixels(tab: TestPage, png: Buffer): Promise<Pixels> {
  return tab.page.evaluate(async (base64) => {
    const bitmap = await createImageBitmap(await (await fetch(`data:image/png;base64,${base64}`)).blob());
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(bitmap, 0, 0);
    const { data } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
    const bg = [data[0]!, data[1]!, data[2]!] as [number, number, number];
    let covered = 0;
    let navy = 0;
    let slate = 0;
    let pink = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
      if (Math.abs(r - bg[0]) + Math.abs(g - bg[1]) + Math.abs(b - bg[2]) > 30) covered++;
      if (b > r + 12 && b >= g && r + g + b < 360) navy++;
      if (b > r + 6 && Math.abs(r - g) < 30 && r + g + b >= 240 && r + g + b < 600) slate++;
      if (r > 150 && r > g + 10 && r > b + 8) pink++;
    }
    const n = data.length / 4;
    return { covered: covered / n, navy: navy / n, pink: pink / n, slate: slate / n, background: bg };
  }, png.toString('base64'));
}

/** SwiftShader can take seconds over its first frames (shader compilation): poll patiently. */
const POLL = { timeout: 20_000 };

let browser: Browser;
let pages: PageServer;
const tabs: TestPage[] = [];

beforeAll(async () => {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  pages = await servePages({
    scripts: { '/replay-page.js': fileURLToPath(new URL('./replay-page.ts', import.meta.url)) },
    files: {
      '/streams/sofa-desktop.json': join(fixtures, 'sofa-desktop.json'),
      '/streams/sofa-mobile.json': join(fixtures, 'sofa-mobile.json'),
      '/models/GlamVelvetSofa.glb': SOFA,
    },
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  browser = await launchChromium();
});
afterEach(async () => {
  for (const tab of tabs.splice(0)) await tab.close();
});
afterAll(async () => {
  await browser?.close();
  await pages?.close();
});

async function open(setup: ReplaySetup): Promise<TestPage> {
  const tab = await openPage(browser, { viewport: { width: 820, height: 600 } });
  tabs.push(tab);
  await tab.page.goto(pages.url('/'), { waitUntil: 'domcontentloaded' });
  await tab.page.waitForFunction(() => window.replayTest !== undefined);
  await tab.page.evaluate((s) => window.replayTest.open(s), setup);
  return tab;
}

function errorsOf(tab: TestPage): string[] {
  return [...tab.console.filter((line) => line.startsWith('error:')), ...tab.pageErrors.map(String)];
}

describe('the replay viewer in Chromium', () => {
  it('replays the sofa session at a seek position: the visitor’s view, with the camera at the stream’s interpolated pose', async () => {
    const moment = interestingMoment(desktop);
    const tab = await open({ stream: '/streams/sofa-desktop.json', scene: { modelUrl: '/models/GlamVelvetSofa.glb' }, at: moment.t });
    await tab.page.locator('#viewer').screenshot({ path: join(SCREENSHOT_DIR, 'replay-sofa.png') });
    expect(await tab.page.locator('.vantage-replay').getAttribute('data-scene-model')).toBe('gltf');

    // The camera is the stream's: the interpolation of the samples around t.
    const camera = await tab.page.evaluate(() => window.replayTest.camera());
    const pose = cameraPoseAt(cameraSamples, moment.t);
    camera.position.forEach((v, i) => expect(v).toBeCloseTo(pose.position.getComponent(i), 6));
    const q = pose.quaternion;
    const sign = Math.sign(camera.quaternion[0] * q.x + camera.quaternion[1] * q.y + camera.quaternion[2] * q.z + camera.quaternion[3] * q.w);
    expect(camera.quaternion.map((c) => c * sign)).toEqual([q.x, q.y, q.z, q.w].map((c) => expect.closeTo(c, 6)));
    expect(camera.fov).toBe(45); // from the samples
    // The canvas has the visitor's aspect ratio (letterboxed in the stage).
    const viewport = desktop.events.find((e): e is EventOf<'viewport'> => e.type === 'viewport')!;
    expect(camera.aspect).toBeCloseTo(viewport.w / viewport.h, 2);

    // Not a blank canvas: the sofa fills much of the view, in the fabric the visitor had chosen
    // by then (Pale Pink, selected at 0:10; the file's default is Navy).
    expect(lastVariantBefore(desktop, moment.t)).toBe('Pale Pink');
    const stats = await pixels(tab, await tab.page.locator('#viewer canvas').screenshot());
    expect(stats.covered).toBeGreaterThan(0.06);
    expect(stats.pink).toBeGreaterThan(0.03);
    expect(stats.navy).toBeLessThan(0.005);

    // The hovered mesh is lit in the hover colour; the state says what is shown.
    const shown = await tab.page.evaluate(() => {
      const h = window.replayTest.handle!;
      const s = h.state;
      return { time: h.time, hovered: s.hovered, pointer: s.pointerVisible, picked: s.picked.slice(0, s.pickedCount), ids: h.scene.children[0]!.children.length };
    });
    expect(shown.time).toBe(moment.t);
    expect(shown.hovered).toBe(moment.hovered);
    expect(shown.pointer).toBe(true);
    expect(shown.picked.length).toBeGreaterThan(0);
    const outline = await tab.page.evaluate((id) => {
      const mesh = window.replayTest.handle!.scene.getObjectByName(id)!;
      const hull = mesh.children.find((c) => c.userData.vantageOutline === true) as unknown as { visible: boolean; material: { color: { getHex(): number } } } | undefined;
      return hull === undefined ? null : { visible: hull.visible, colour: hull.material.color.getHex() };
    }, moment.hovered);
    // Outlined: amber when also picked, blue when only hovered.
    expect(outline).toEqual({ visible: true, colour: shown.picked.includes(moment.hovered) ? 0xf59e0b : 0x2563eb });
    expect(errorsOf(tab)).toEqual([]);
  });

  it('shows the fabric the visitor had chosen at any moment, seeking forward and back (KHR_materials_variants)', async () => {
    const switches = desktop.events.filter((e): e is EventOf<'custom'> => e.type === 'custom' && e.name === 'variant_selected');
    const first = switches[0]!;
    const last = switches.at(-1)!;
    expect([first.props?.variant, last.props?.variant]).toEqual(['Pale Pink', 'Navy']);
    const tab = await open({ stream: '/streams/sofa-desktop.json', scene: { modelUrl: '/models/GlamVelvetSofa.glb' }, at: last.t + 2_000 });
    const look = async (t: number, name: string) => {
      await tab.page.evaluate(async (at) => {
        const h = window.replayTest.handle!;
        h.seek(at);
        await h.nextFrame();
      }, t);
      const shown = await tab.page.evaluate(() => window.replayTest.handle!.state.memory.variant);
      await tab.page.locator('#viewer').screenshot({ path: join(SCREENSHOT_DIR, `replay-variant-${name}.png`) });
      return { shown, stats: await pixels(tab, await tab.page.locator('#viewer canvas').screenshot()) };
    };
    // After the last switch (back to Navy), then before the first (the file's Navy), then in between (Pale Pink).
    const navyAgain = await look(last.t + 2_000, 'navy-again');
    expect(navyAgain.shown).toBe('Navy');
    expect(navyAgain.stats.navy).toBeGreaterThan(0.03);
    expect(navyAgain.stats.pink).toBeLessThan(0.005);
    const before = await look(first.t - 1_000, 'default');
    expect(before.shown).toBeNull();
    expect(before.stats.navy).toBeGreaterThan(0.03);
    const pink = await look(first.t + 3_000, 'pale-pink');
    expect(pink.shown).toBe('Pale Pink');
    expect(pink.stats.pink).toBeGreaterThan(0.03);
    expect(pink.stats.navy).toBeLessThan(0.005);
    expect(errorsOf(tab)).toEqual([]);
  });

  it('draws the proxy boxes when the scene has no model', async () => {
    const moment = interestingMoment(desktop);
    const tab = await open({ stream: '/streams/sofa-desktop.json', scene: { proxy: SOFA_PROXY }, at: moment.t });
    await tab.page.locator('#viewer').screenshot({ path: join(SCREENSHOT_DIR, 'replay-proxy.png') });
    const boxes = await tab.page.evaluate(() => window.replayTest.handle!.scene.getObjectByName('vantage-proxy')?.children.length ?? 0);
    expect(boxes).toBe(SOFA_PARTS.length);
    expect(await tab.page.locator('.vantage-replay').getAttribute('data-scene-model')).toBe('proxy');
    const stats = await pixels(tab, await tab.page.locator('#viewer canvas').screenshot());
    expect(stats.covered).toBeGreaterThan(0.06);
    expect(stats.slate).toBeGreaterThan(0.05);
    expect(errorsOf(tab)).toEqual([]);
  });

  it('has labelled controls, a timeline with markers and gaps, and keyboard shortcuts', async () => {
    const index = createReplayIndex(desktop);
    const tab = await open({ stream: '/streams/sofa-desktop.json', scene: { modelUrl: '/models/GlamVelvetSofa.glb' } });
    const { page } = tab;
    for (const name of ['Play', 'Playback speed', 'Timeline', 'Skip inactivity']) expect(await page.getByLabel(name, { exact: true }).count(), name).toBe(1);
    expect(await page.locator('.vantage-replay-marker').count()).toBe(index.markers.length);
    expect(await page.locator('.vantage-replay-gap').count()).toBe(index.gaps.length);
    expect(index.gaps.length).toBeGreaterThan(0);
    expect(await page.getByLabel('Skip inactivity').isChecked()).toBe(true);
    expect(await page.locator('.vantage-replay-live').isHidden()).toBe(true);

    // A marker jumps to a second before its moment.
    const error = index.markers.find((m) => m.kind === 'error')!;
    await page.locator('.vantage-replay-marker[data-kind=error]').click();
    expect(await page.evaluate(() => window.replayTest.handle!.time)).toBe(error.t - 1000);
    expect(await page.locator('.vantage-replay-marker[data-kind=error]').getAttribute('aria-label')).toMatch(/^Error: .+ at \d+:\d\d$/);

    // Keyboard: → +5 s, ← −5 s, ] faster, [ slower, space play/pause.
    await page.locator('.vantage-replay').focus();
    const t0 = await page.evaluate(() => window.replayTest.handle!.time);
    await page.keyboard.press('ArrowRight');
    expect(await page.evaluate(() => window.replayTest.handle!.time)).toBe(t0 + 5000);
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    expect(await page.evaluate(() => window.replayTest.handle!.time)).toBe(t0 - 5000);
    await page.keyboard.press(']');
    await page.keyboard.press(']');
    expect(await page.evaluate(() => window.replayTest.handle!.speed)).toBe(4);
    await page.keyboard.press('[');
    await expect.poll(() => page.getByLabel('Playback speed').inputValue(), POLL).toBe('2');
    await page.keyboard.press(' ');
    await expect.poll(() => page.getByLabel('Pause', { exact: true }).count(), POLL).toBe(1);
    const playing = await page.evaluate(() => window.replayTest.handle!.time);
    await expect.poll(() => page.evaluate(() => window.replayTest.handle!.time), POLL).toBeGreaterThan(playing);
    await page.keyboard.press(' ');
    expect(await page.evaluate(() => window.replayTest.handle!.playing)).toBe(false);

    // The timeline: a click jumps to where it was clicked; the switch turns skipping off.
    const box = (await page.locator('.vantage-replay-timeline').boundingBox())!;
    // Near the middle, off the markers (a click on a marker jumps to just before its event).
    const y = box.y + box.height / 2;
    const x = await page.evaluate(({ left, width, y }) => {
      for (let d = 0; d < width / 2; d++) {
        for (const px of [left + width / 2 + d, left + width / 2 - d]) {
          if (!document.elementFromPoint(px, y)?.classList.contains('vantage-replay-marker')) return px;
        }
      }
      throw new Error('markers cover the whole timeline');
    }, { left: box.x, width: box.width, y });
    await page.mouse.click(x, y);
    const clicked = index.start + ((x - box.x) / box.width) * (index.end - index.start);
    expect(Math.abs((await page.evaluate(() => window.replayTest.handle!.time)) - clicked)).toBeLessThan((index.end - index.start) / box.width + 1);
    await page.getByLabel('Skip inactivity').uncheck();
    expect(await page.evaluate(() => window.replayTest.handle!.skipInactivity)).toBe(false);
    expect(errorsOf(tab)).toEqual([]);
  });

  it('follows a live session about a second behind, with a live badge and jump to live', async () => {
    const tab = await open({ stream: null, scene: { proxy: SOFA_PROXY }, live: true });
    const { page } = tab;
    const base = 1_780_000_000_000;
    const chunk = (from: number): VantageEvent[] =>
      Array.from({ length: 10 }, (_, i) => ({ type: 'camera', t: base + from + i * 100, px: 2000 + from / 10 + i, py: 1200, pz: 3000, qx: 0, qy: 0, qz: 0, qw: 32767, ...(from === 0 && i === 0 ? { fov10: 450 } : {}) }) as VantageEvent);
    await page.evaluate((events) => window.replayTest.push(events), chunk(0));
    await page.evaluate((events) => window.replayTest.push(events), chunk(1000));
    await expect.poll(() => page.evaluate(() => window.replayTest.handle!.live), POLL).toBe(true);
    const edge = base + 1900;
    await expect.poll(() => page.evaluate(() => window.replayTest.handle!.time), POLL).toBe(edge - 1000);
    expect(await page.locator('.vantage-replay-live').isVisible()).toBe(true);
    await page.evaluate(() => window.replayTest.handle!.seek(window.replayTest.handle!.start));
    await expect.poll(() => page.getByLabel('Jump to live').isVisible(), POLL).toBe(true);
    expect(await page.locator('.vantage-replay-live').isHidden()).toBe(true);
    await page.evaluate((events) => window.replayTest.push(events), chunk(2000));
    await page.getByLabel('Jump to live').click();
    await expect.poll(() => page.evaluate(() => window.replayTest.handle!.time), POLL).toBe(base + 2900 - 1000);
    expect(await page.evaluate(() => window.replayTest.handle!.live)).toBe(true);
    expect(errorsOf(tab)).toEqual([]);
  });

  it('the React component mounts the viewer and unmounting removes it', async () => {
    const moment = interestingMoment(desktop);
    const tab = await open({ stream: '/streams/sofa-mobile.json', scene: { modelUrl: '/models/GlamVelvetSofa.glb' }, mode: 'react', at: moment.t });
    expect(await tab.page.locator('[data-vantage-replay] .vantage-replay canvas').count()).toBe(1);
    await tab.page.locator('#viewer').screenshot({ path: join(SCREENSHOT_DIR, 'replay-react-mobile.png') });
    await tab.page.evaluate(() => window.replayTest.unmount());
    expect(await tab.page.locator('.vantage-replay').count()).toBe(0);
    expect(errorsOf(tab)).toEqual([]);
  });
});
