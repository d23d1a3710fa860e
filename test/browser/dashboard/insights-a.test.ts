/**
 * The dashboard's "Mesh attention" and "Performance" pages in real headless Chromium against a
 * collector loaded with simulated sessions (every opt-in channel on): reached from the
 * navigation with the keyboard, they show the numbers the query API answers for the same scope,
 * the mesh table sorts by a column header (`aria-sort`), the chart metric pickers redraw the
 * charts, the performance page's lines over time read (in uPlot's legend, hovered interval by
 * interval) the API's per-interval percentiles with gaps where it has none, and a collector
 * without events says what to do next. Screenshots go to
 * `artifacts/screens/dashboard-meshes.png` and `dashboard-performance.png`.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCount, formatDecimal, formatMs } from '../../../dashboard/src/app/format.js';
import { windowRange, type WindowId } from '../../../dashboard/src/app/time-window.js';
import { launchChromium, openPage, type TestPage } from '../harness/index.js';
import { api, pixels, SCENES, SCREENSHOT_DIR, startLoadedCollector, type LoadedCollector } from './setup.js';

const POLL = { timeout: 30_000 };
const VIEWPORT = { width: 1280, height: 860 };
const DAY = 86_400_000;
const HOUR = 3_600_000;

interface MeshRow {
  scene: string;
  mesh: string;
  clicks: number;
  picks: number;
  pointerMoves: number;
  hovers: number;
  dwellMs: number;
  visibleMs: number;
  centreMs: number;
  maxScreenPermille: number;
}
interface P3 {
  p50: number;
  p95: number;
  p99: number;
}
interface PerfGroup {
  deviceType: string | null;
  browser: string | null;
  windows: number;
  frames: number;
  longFrames: number;
  frameMs: P3 | null;
  fps: (P3 & { p5: number; p1: number }) | null;
  drawCalls: P3 | null;
}
interface ResourceGroup {
  deviceType: string | null;
  browser: string | null;
  samples: number;
  geometries: P3 | null;
  textures: P3 | null;
  programs: P3 | null;
  heapKb: P3 | null;
}
/** An answer with `interval`: the window's groups, and the groups of each interval with data. */
interface OverTime<G> {
  groups: G[];
  interval: 'hour' | 'day' | 'week';
  series: Array<{ start: string; groups: G[] }>;
}

/** The table's cells as a person reads them, in the order the dashboard writes them. */
const MESH_CELLS = (m: MeshRow): string[] => [
  formatCount(m.clicks),
  formatCount(m.picks),
  formatCount(m.pointerMoves),
  formatCount(m.hovers),
  formatMs(m.dwellMs),
  formatMs(m.visibleMs),
  formatMs(m.centreMs),
  `${formatDecimal(m.maxScreenPermille / 10)} %`,
];
const p3 = (p: P3 | null, format: (v: number) => string): string[] => (p ? [format(p.p50), format(p.p95), format(p.p99)] : ['—', '—', '—']);
/** FPS's slow end, as the page shows it: p50, p5, p1. */
const lowEnd = (p: { p50: number; p5: number; p1: number } | null, format: (v: number) => string): string[] => (p ? [format(p.p50), format(p.p5), format(p.p1)] : ['—', '—', '—']);

let c: LoadedCollector;
let browser: Browser;
let tab: TestPage;

beforeAll(async () => {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  c = await startLoadedCollector({ sessions: 80 });
  browser = await launchChromium();
  tab = await openPage(browser, { viewport: VIEWPORT });
}, 300_000);

afterAll(async () => {
  await tab?.close();
  await browser?.close();
  await c?.close();
});

/** Sign in to `to` (nothing to do when this page's context already is). */
async function signIn(page: Page, to: { url: string; operator: { email: string; password: string } }): Promise<void> {
  if (page.url().startsWith(to.url) && (await page.getByRole('navigation', { name: 'Pages' }).count()) > 0) return;
  await page.goto(to.url);
  await page.getByLabel('Email').fill(to.operator.email);
  await page.getByLabel('Password').fill(to.operator.password);
  await page.getByLabel('Password').press('Enter');
  await page.getByRole('navigation', { name: 'Pages' }).waitFor(POLL);
}

/** Follow a navigation link with the keyboard only. */
async function openWithKeyboard(page: Page, link: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: link, exact: true }).focus();
  await page.keyboard.press('Enter');
}

/** Every body row's cells (row header first) of `table`. */
function cells(table: Locator): Promise<string[][]> {
  return table.locator('tbody tr').evaluateAll((rows) => rows.map((tr) => [...tr.children].map((cell) => (cell.textContent ?? '').trim())));
}

/** Share of the canvas's pixels within a small distance of `rgb` (a series' colour). */
async function colourShare(page: Page, canvas: Locator, rgb: [number, number, number]): Promise<number> {
  const png = await canvas.screenshot();
  return page.evaluate(
    async ({ base64, rgb }) => {
      const bitmap = await createImageBitmap(await (await fetch(`data:image/png;base64,${base64}`)).blob());
      const off = new OffscreenCanvas(bitmap.width, bitmap.height);
      const ctx = off.getContext('2d')!;
      ctx.drawImage(bitmap, 0, 0);
      const { data } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
      let n = 0;
      for (let i = 0; i < data.length; i += 4) if (Math.abs(data[i]! - rgb[0]) + Math.abs(data[i + 1]! - rgb[1]) + Math.abs(data[i + 2]! - rgb[2]) < 24) n++;
      return n / (data.length / 4);
    },
    { base64: png.toString('base64'), rgb },
  );
}

async function shoot(page: Page, name: string): Promise<void> {
  const png = await page.screenshot({ path: join(SCREENSHOT_DIR, `dashboard-${name}.png`), fullPage: true });
  expect((await pixels(page, png)).covered, `${name}: the screenshot shows something`).toBeGreaterThan(0.01);
}

const BLUE: [number, number, number] = [0x25, 0x63, 0xeb];
const RED: [number, number, number] = [0xdc, 0x26, 0x26];

/** The line chart titled `title` (e.g. "Frame time in ms over time (p50, p95, p99 per hour)"). */
function lineChart(page: Page, title: string): Locator {
  return page.locator('figure.chart').filter({ has: page.locator('figcaption', { hasText: new RegExp(`^${title.replace(/[()]/g, '\\$&')}$`) }) });
}

/**
 * The values of `chart`'s uPlot legend (line label → text) with the pointer on time `t` (epoch
 * ms) of its x axis, which spans `range`.
 */
async function legendAt(page: Page, chart: Locator, t: number, range: { from: number; to: number }): Promise<Record<string, string>> {
  await chart.scrollIntoViewIfNeeded();
  const box = await chart.locator('.u-over').boundingBox();
  if (!box) throw new Error('the line chart has no plot area');
  await page.mouse.move(box.x + ((t - range.from) / (range.to - range.from)) * box.width, box.y + box.height / 2);
  return chart.locator('.u-legend tr.u-series').evaluateAll((rows) =>
    Object.fromEntries(rows.slice(1).map((row) => [row.querySelector('.u-label')?.textContent ?? '', row.querySelector('.u-value')?.textContent ?? ''])),
  );
}

/**
 * Check that `chart` draws `answer`'s series over the page's window `range`: hovered at each
 * interval the API answers, its legend reads `keys` of `pick` (times `scale`) as uPlot writes a
 * plain number in the page's locale; hovered at an interval of the window the API left out, it
 * reads nothing (a gap: no zero, no line across). Answers how many intervals were read.
 */
async function expectLine<G, K extends string>(
  page: Page,
  chart: Locator,
  answer: OverTime<G>,
  range: { from: number; to: number },
  pick: (g: G) => Partial<Record<K, number>> | null,
  keys: readonly K[],
  scale = 1,
): Promise<number> {
  const points = answer.series.filter((p) => Date.parse(p.start) >= range.from);
  expect(points.length, 'the API has intervals to draw').toBeGreaterThan(0);
  const values = points.map((p) => keys.map((k) => pick(p.groups[0]!)?.[k] ?? null));
  const texts = await page.evaluate(
    (rows) => rows.map((row) => row.map((v) => (v === null ? '' : new Intl.NumberFormat(navigator.language).format(v)))),
    values.map((row) => row.map((v) => (v === null ? null : v * scale))),
  );
  for (const [i, p] of points.entries()) {
    const expected = Object.fromEntries(keys.map((k, j) => [k, texts[i]![j]!]));
    await expect.poll(() => legendAt(page, chart, Date.parse(p.start), range), POLL).toEqual(expected);
  }
  const step = answer.interval === 'hour' ? HOUR : DAY;
  const answered = new Set(answer.series.map((p) => Date.parse(p.start)));
  let gap = Math.ceil(range.from / step) * step;
  while (gap < range.to && answered.has(gap)) gap += step;
  expect(gap, 'the window has an interval without data').toBeLessThan(range.to);
  await expect.poll(() => legendAt(page, chart, gap, range), POLL).toEqual(Object.fromEntries(keys.map((k) => [k, ''])));
  return points.length;
}

/** The page's window `id` (as the dashboard cuts it) and the API's per-interval answer of `path` for it. */
async function overTime<G>(path: string, id: WindowId): Promise<{ range: { from: number; to: number }; answer: OverTime<G> }> {
  const { from, to, interval } = windowRange(id);
  const answer = (await api(c, 'GET', `${path}?interval=${interval}&from=${from}&to=${to}`)) as OverTime<G>;
  expect(answer.interval).toBe(interval);
  return { range: { from, to }, answer };
}

describe('the mesh attention page', () => {
  it('shows the API\'s meshes for the scope, sorts by a column header, charts the picked measure', { timeout: 180_000 }, async () => {
    const { page } = tab;
    await signIn(page, c);
    await openWithKeyboard(page, 'Mesh attention');
    await page.getByRole('heading', { name: 'Mesh attention', exact: true }).waitFor(POLL);
    expect(page.url()).toContain('#/meshes');

    // All scenes, the last 7 days: every mesh row of the API, with its numbers.
    const answer = (await api(c, 'GET', '/api/v1/mesh-attention?limit=500')) as { meshes: MeshRow[] };
    expect(answer.meshes.length).toBeGreaterThan(1);
    const table = page.getByRole('table', { name: 'Mesh attention' });
    await expect.poll(async () => (await cells(table)).length, POLL).toBe(answer.meshes.length);
    const shown = await cells(table);
    const expected = answer.meshes.map((m) => [m.mesh, m.scene, ...MESH_CELLS(m)]);
    expect([...shown].sort()).toEqual([...expected].sort());
    // Sorted by clicks, most first.
    const clicksHeader = page.getByRole('columnheader', { name: 'Clicks' });
    expect(await clicksHeader.getAttribute('aria-sort')).toBe('descending');
    expect(shown.map((r) => r[2])).toEqual(answer.meshes.map((m) => formatCount(m.clicks)));

    // Sort by dwell with the keyboard: most first, then again for least first.
    const dwell = page.getByRole('button', { name: 'Dwell', exact: true });
    await dwell.focus();
    await page.keyboard.press('Enter');
    const dwellHeader = page.getByRole('columnheader', { name: 'Dwell' });
    await expect.poll(() => dwellHeader.getAttribute('aria-sort'), POLL).toBe('descending');
    expect(await clicksHeader.getAttribute('aria-sort')).toBeNull();
    const byDwell = [...answer.meshes].sort((a, b) => b.dwellMs - a.dwellMs);
    expect(byDwell[0]!.dwellMs).toBeGreaterThan(byDwell.at(-1)!.dwellMs);
    await expect.poll(async () => (await cells(table)).map((r) => r[6]), POLL).toEqual(byDwell.map((m) => formatMs(m.dwellMs)));
    await page.keyboard.press('Enter');
    await expect.poll(() => dwellHeader.getAttribute('aria-sort'), POLL).toBe('ascending');
    await expect.poll(async () => (await cells(table)).map((r) => r[6]), POLL).toEqual([...byDwell].reverse().map((m) => formatMs(m.dwellMs)));
    // A text column sorts A to Z first.
    await page.getByRole('button', { name: 'Mesh', exact: true }).click();
    await expect.poll(() => page.getByRole('columnheader', { name: 'Mesh' }).getAttribute('aria-sort'), POLL).toBe('ascending');
    const names = (await cells(table)).map((r) => r[0]!);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));

    // The chart: the top meshes by clicks, then by visible time once picked.
    const chart = page.locator('figure.chart');
    const figure = chart.getByRole('img');
    const top = (await api(c, 'GET', '/api/v1/mesh-attention?sort=clicks&limit=10')) as { meshes: MeshRow[] };
    // A mesh id in several scenes is named with its scene.
    const barName = (m: MeshRow, of: MeshRow[]) => (of.filter((x) => x.mesh === m.mesh).length > 1 ? `${m.mesh} (${m.scene})` : m.mesh);
    // The bars, as the chart's text alternative lists them (the order of equal bars is free).
    const barsOf = async (title: string) => {
      const label = (await figure.getAttribute('aria-label')) ?? '';
      return label.startsWith(`${title}. `) ? label.slice(title.length + 2).split('; ').sort() : [];
    };
    await expect.poll(() => barsOf('Top meshes by clicks'), POLL).toEqual(top.meshes.map((m) => `${barName(m, top.meshes)}: Clicks ${formatCount(m.clicks)}`).sort());
    expect(((await figure.getAttribute('aria-label')) ?? '').split('. ')[1]).toMatch(new RegExp(`^[^;]+: Clicks ${formatCount(top.meshes[0]!.clicks)}(;|$)`));
    await expect.poll(() => colourShare(page, chart.locator('canvas'), BLUE), POLL).toBeGreaterThan(0.01);
    const before = await chart.locator('canvas').screenshot();
    await page.getByLabel('Chart metric').selectOption('visibleMs');
    await expect.poll(() => chart.locator('figcaption').textContent(), POLL).toBe('Top meshes by time on screen');
    const visible = (await api(c, 'GET', '/api/v1/mesh-attention?sort=visibleMs&limit=10')) as { meshes: MeshRow[] };
    expect(visible.meshes[0]!.visibleMs).toBeGreaterThan(0);
    const bars = visible.meshes.filter((x) => x.visibleMs > 0);
    expect(await barsOf('Top meshes by time on screen')).toEqual(bars.map((m) => `${barName(m, bars)}: Visible ${formatMs(m.visibleMs)}`).sort());
    await expect.poll(() => colourShare(page, chart.locator('canvas'), BLUE), POLL).toBeGreaterThan(0.01);
    expect((await chart.locator('canvas').screenshot()).equals(before)).toBe(false);
    await shoot(page, 'meshes');

    // One scene, the last 24 hours: the scope reaches the query.
    await page.getByLabel('Time window', { exact: true }).selectOption('24h');
    await page.getByLabel('Scene', { exact: true }).selectOption(SCENES[0]);
    await page.getByRole('heading', { name: `Mesh attention · ${SCENES[0]}` }).waitFor(POLL);
    const scene = (await api(c, 'GET', `/api/v1/mesh-attention?scene=${SCENES[0]}&from=${Date.now() - DAY}&limit=500`)) as { meshes: MeshRow[] };
    expect(scene.meshes.length).toBeGreaterThan(0);
    // No scene column once the scope is one scene.
    await expect.poll(async () => [...(await cells(table))].sort(), POLL).toEqual(scene.meshes.map((m) => [m.mesh, ...MESH_CELLS(m)]).sort());
    expect(await page.getByRole('columnheader', { name: 'Scene' }).count()).toBe(0);
    await page.getByLabel('Scene', { exact: true }).selectOption('');
    await page.getByLabel('Time window', { exact: true }).selectOption('7d');
    expect(tab.pageErrors.map((e) => e.message)).toEqual([]);
  });
});

describe('the performance page', () => {
  it('shows frame and resource percentiles by device type and browser as the API answers them', { timeout: 180_000 }, async () => {
    const { page } = tab;
    await signIn(page, c);
    await openWithKeyboard(page, 'Performance');
    await page.getByRole('heading', { name: 'Performance', exact: true }).waitFor(POLL);
    expect(page.url()).toContain('#/performance');

    // Tiles: the whole scope.
    const overall = ((await api(c, 'GET', '/api/v1/performance')) as { groups: PerfGroup[] }).groups[0]!;
    expect(overall.frames).toBeGreaterThan(0);
    const tiles = page.getByRole('region', { name: 'Frame totals' });
    await expect.poll(() => tiles.textContent(), POLL).toContain(`${formatCount(overall.frames)}Frames`);
    expect(await tiles.textContent()).toContain(`${formatCount(overall.longFrames)}Long frames`);
    expect(await tiles.textContent()).toContain(`${formatDecimal(overall.frameMs!.p50)} msFrame time p50`);
    expect(await tiles.textContent()).toContain(`${formatDecimal(overall.fps!.p5)}FPS, slowest 5 %`);

    // Tables: a row per segment with the API's numbers.
    for (const [split, name] of [
      ['deviceType', 'Frames by device type'],
      ['browser', 'Frames by browser'],
    ] as const) {
      const groups = ((await api(c, 'GET', `/api/v1/performance?groupBy=${split}`)) as { groups: PerfGroup[] }).groups;
      expect(groups.length, `${split}: several segments`).toBeGreaterThan(1);
      const rows = groups.map((g) => [
        g[split] ?? 'Unknown',
        formatCount(g.windows),
        formatCount(g.frames),
        formatCount(g.longFrames),
        g.frames > 0 ? `${formatDecimal((g.longFrames / g.frames) * 100)} %` : '—',
        g.drawCalls ? formatCount(g.drawCalls.p50) : '—',
        ...p3(g.frameMs, formatDecimal),
        ...lowEnd(g.fps, formatDecimal),
      ]);
      await expect.poll(() => cells(page.getByRole('table', { name })), POLL).toEqual(rows);
    }

    // Line over time (the 7-day window: per day): the API's series, interval by interval.
    const week = await overTime<PerfGroup>('/api/v1/performance', '7d');
    const frameLine = lineChart(page, 'Frame time in ms over time (p50, p95, p99 per day)');
    await frameLine.waitFor(POLL);
    await expectLine(page, frameLine, week.answer, week.range, (g) => g.frameMs, ['p50', 'p95', 'p99']);

    // Charts: frame time by device type, then FPS once picked.
    const byDevice = ((await api(c, 'GET', '/api/v1/performance?groupBy=deviceType')) as { groups: PerfGroup[] }).groups;
    const first = byDevice[0]!;
    const deviceChart = page.locator('figure.chart').filter({ has: page.locator('figcaption', { hasText: /^(Frame time|FPS) by device type$/ }) });
    await expect.poll(() => deviceChart.getByRole('img').getAttribute('aria-label'), POLL).toContain(
      `${first.deviceType ?? 'Unknown'}: p50 ${formatDecimal(first.frameMs!.p50)} ms, p95 ${formatDecimal(first.frameMs!.p95)} ms, p99 ${formatDecimal(first.frameMs!.p99)} ms`,
    );
    await expect.poll(() => colourShare(page, deviceChart.locator('canvas'), BLUE), POLL).toBeGreaterThan(0.005);
    await page.getByLabel('Frame metric').selectOption('fps');
    await expect.poll(() => deviceChart.locator('figcaption').textContent(), POLL).toBe('FPS by device type');
    expect(await deviceChart.getByRole('img').getAttribute('aria-label')).toContain(
      `${first.deviceType ?? 'Unknown'}: p50 ${formatDecimal(first.fps!.p50)}, p5 ${formatDecimal(first.fps!.p5)}, p1 ${formatDecimal(first.fps!.p1)}`,
    );
    await expect.poll(() => colourShare(page, deviceChart.locator('canvas'), BLUE), POLL).toBeGreaterThan(0.005);
    // The line follows the metric, with FPS's slow end.
    await expectLine(page, lineChart(page, 'FPS over time (p50, p5, p1 per day)'), week.answer, week.range, (g) => g.fps, ['p50', 'p5', 'p1']);

    // Resources by device type, then by browser.
    const resourceRows = (g: ResourceGroup, split: 'deviceType' | 'browser') => [
      g[split] ?? 'Unknown',
      formatCount(g.samples),
      ...p3(g.geometries, formatCount),
      ...p3(g.textures, formatCount),
      ...p3(g.programs, formatCount),
      ...p3(g.heapKb, (kb) => `${formatDecimal(kb / 1024)} MiB`),
    ];
    const resByDevice = ((await api(c, 'GET', '/api/v1/resources?groupBy=deviceType')) as { groups: ResourceGroup[] }).groups;
    expect(resByDevice.some((g) => g.samples > 0 && g.heapKb !== null)).toBe(true);
    await expect.poll(() => cells(page.getByRole('table', { name: 'Resources by device type' })), POLL).toEqual(resByDevice.map((g) => resourceRows(g, 'deviceType')));
    await page.getByLabel('Split by').selectOption('browser');
    const resByBrowser = ((await api(c, 'GET', '/api/v1/resources?groupBy=browser')) as { groups: ResourceGroup[] }).groups;
    await expect.poll(() => cells(page.getByRole('table', { name: 'Resources by browser' })), POLL).toEqual(resByBrowser.map((g) => resourceRows(g, 'browser')));
    await page.getByLabel('Resource', { exact: true }).selectOption('heapKb');
    const resourceChart = page.locator('figure.chart').filter({ has: page.locator('figcaption', { hasText: 'JS heap by browser' }) });
    const withHeap = resByBrowser.find((g) => g.heapKb !== null)!;
    await expect.poll(() => resourceChart.getByRole('img').getAttribute('aria-label'), POLL).toContain(
      `${withHeap.browser ?? 'Unknown'}: p50 ${formatDecimal(withHeap.heapKb!.p50 / 1024)} MiB`,
    );
    await expect.poll(() => colourShare(page, resourceChart.locator('canvas'), BLUE), POLL).toBeGreaterThan(0.005);
    await page.getByLabel('Frame metric').selectOption('frameMs');

    // The last 24 hours: lines per hour, the resource line in MiB; the gaps at both ends stay gaps.
    await page.getByLabel('Time window', { exact: true }).selectOption('24h');
    const day = await overTime<PerfGroup>('/api/v1/performance', '24h');
    const hourly = lineChart(page, 'Frame time in ms over time (p50, p95, p99 per hour)');
    await hourly.waitFor(POLL);
    expect(await expectLine(page, hourly, day.answer, day.range, (g) => g.frameMs, ['p50', 'p95', 'p99']), 'hours with frames').toBeGreaterThan(10);
    // Drawn: the p99 line (red, drawn last, over the others).
    await expect.poll(() => colourShare(page, hourly.locator('canvas'), RED), POLL).toBeGreaterThan(0.002);
    const heap = await overTime<ResourceGroup>('/api/v1/resources', '24h');
    const heapLine = lineChart(page, 'JS heap in MiB over time (p50, p95, p99 per hour)');
    expect(await expectLine(page, heapLine, heap.answer, heap.range, (g) => g.heapKb, ['p50', 'p95', 'p99'], 1 / 1024), 'hours with heap samples').toBeGreaterThan(10);
    // The screenshot with the frame line's legend on its busiest hour.
    const busiest = day.answer.series.reduce((a, b) => (b.groups[0]!.frames > a.groups[0]!.frames ? b : a));
    await legendAt(page, hourly, Date.parse(busiest.start), day.range);
    await shoot(page, 'performance');
    await page.getByLabel('Time window', { exact: true }).selectOption('7d');
    expect(tab.pageErrors.map((e) => e.message)).toEqual([]);
  });
});

describe('both pages on a collector without events', () => {
  let empty: LoadedCollector;
  let emptyTab: TestPage;

  beforeAll(async () => {
    empty = await startLoadedCollector({ sessions: 0 });
    emptyTab = await openPage(browser, { viewport: VIEWPORT });
  }, 300_000);

  afterAll(async () => {
    await emptyTab?.close();
    await empty?.close();
  });

  it('say what to do next', async () => {
    const { page } = emptyTab;
    await signIn(page, empty);
    await openWithKeyboard(page, 'Mesh attention');
    await page.getByRole('heading', { name: 'No mesh attention in this window' }).waitFor(POLL);
    expect(await page.getByRole('link', { name: 'Scenes' }).count()).toBeGreaterThan(0);
    await openWithKeyboard(page, 'Performance');
    await page.getByRole('heading', { name: 'No frame measurements in this window' }).waitFor(POLL);
    await page.getByRole('heading', { name: 'No resource samples in this window' }).waitFor(POLL);
    expect(await page.locator('.card', { hasText: 'resource_sample' }).count()).toBe(1);
    await shoot(page, 'performance-empty');
    expect(emptyTab.pageErrors.map((e) => e.message)).toEqual([]);
  });
});
