/**
 * The dashboard's Errors, Custom events and Funnels pages in real headless Chromium against a
 * collector loaded with simulated sessions (every opt-in channel on, so runtime errors too):
 * each page shows the numbers the query API answers for the same scope; a funnel is defined in
 * the form with the keyboard alone, saved, its conversion bars match the API's report, a bad
 * definition shows the API's own refusal, and it is deleted; empty states say what to do next;
 * a viewer sees no write controls.
 * Screenshots go to `artifacts/screens/dashboard-*.png` and are checked for content.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOperator } from '../../../collector/src/operators/operators.js';
import { launchChromium, openPage, type TestPage } from '../harness/index.js';
import { api, pixels, SCENES, SCREENSHOT_DIR, startLoadedCollector, unlabelled, type LoadedCollector } from './setup.js';

const POLL = { timeout: 30_000 };
const VIEWPORT = { width: 1280, height: 860 };

interface ErrorRow { fingerprint: string; message: string; source: string | null; count: number; sessions: number; firstSeen: string; lastSeen: string }
interface CustomRow { name: string; count: number; byProperty: Array<{ value: string; count: number }> | null }
interface Report { id: string; name: string; sessions: number; steps: Array<{ kind: string; sessions: number; conversion: number }> }

let c: LoadedCollector;
let browser: Browser;
let tab: TestPage;

beforeAll(async () => {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  c = await startLoadedCollector({ sessions: 160 });
  browser = await launchChromium();
  tab = await openPage(browser, { viewport: VIEWPORT });
  await signIn(tab.page, c.operator.email, c.operator.password);
}, 300_000);

afterAll(async () => {
  await tab?.close();
  await browser?.close();
  await c?.close();
});

async function shoot(page: Page, name: string): Promise<void> {
  const png = await page.screenshot({ path: join(SCREENSHOT_DIR, `dashboard-${name}.png`), fullPage: true });
  expect((await pixels(page, png)).covered, `${name}: the screenshot shows something`).toBeGreaterThan(0.01);
}

async function go(page: Page, hash: string): Promise<void> {
  await page.evaluate((h) => (location.hash = h), hash);
}

async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto(c.url);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByLabel('Password').press('Enter');
  await page.getByRole('heading', { name: 'Overview' }).waitFor(POLL);
}

/** A tile's value, by its label. */
async function tile(page: Page, label: string): Promise<string> {
  return (await page.locator('.tile', { has: page.getByText(label, { exact: true }) }).locator('.tile-value').textContent()) ?? '';
}

/** The texts of one column of a table's body rows. */
function column(page: Page, table: string, index: number): Promise<string[]> {
  return page.getByRole('table', { name: table, exact: true }).locator('tbody tr').evaluateAll((rows, i) => rows.map((r) => r.children[i]?.textContent ?? ''), index);
}

const n = (value: number) => value.toLocaleString('en');

/** The accessible name of the focused control: its aria-label, its label's text, or its text. */
function focusedName(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLInputElement | null;
    if (!el) return '';
    return (el.getAttribute('aria-label') ?? el.labels?.[0]?.textContent ?? el.textContent ?? '').trim();
  });
}

/** Press Tab until the control named `name` has the focus (at most 30 presses). */
async function tabTo(page: Page, name: string): Promise<void> {
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press('Tab');
    if ((await focusedName(page)) === name) return;
  }
  throw new Error(`Tab never reached "${name}"`);
}

describe('the dashboard: errors, custom events, funnels', () => {
  it('errors: totals, groups and sessions affected as the API answers them; a sortable table', async () => {
    const { page } = tab;
    const errors = ((await api(c, 'GET', '/api/v1/errors?limit=1000')) as { errors: ErrorRow[] }).errors;
    expect(errors.length, 'the simulated sessions include runtime errors').toBeGreaterThan(1);
    const total = errors.reduce((s, e) => s + e.count, 0);
    const affected = ((await api(c, 'GET', '/api/v1/sessions?hasErrors=true&limit=1000')) as { sessions: unknown[] }).sessions.length;
    expect(affected).toBeGreaterThan(0);

    await go(page, '#/errors');
    await page.getByRole('heading', { name: 'Errors', exact: true }).waitFor(POLL);
    await expect.poll(() => tile(page, 'Errors'), POLL).toBe(n(total));
    expect(await tile(page, 'Distinct errors')).toBe(n(errors.length));
    await expect.poll(() => tile(page, 'Sessions with errors'), POLL).toBe(n(affected));
    await page.locator('.chart canvas').first().waitFor(POLL);
    // The table: one row per group, most frequent first, counts as the API says.
    expect(await column(page, 'Error groups', 0)).toEqual(errors.map((e) => e.message));
    expect(await column(page, 'Error groups', 2)).toEqual(errors.map((e) => n(e.count)));
    // Each group's distinct sessions: no more than its errors, nor than the sessions with errors.
    expect(errors.every((e) => e.sessions >= 1 && e.sessions <= e.count && e.sessions <= affected)).toBe(true);
    expect(await column(page, 'Error groups', 4)).toEqual(errors.map((e) => n(e.sessions)));
    // Sorting: a header is a button; a second press reverses; aria-sort says which.
    const countHeader = page.getByRole('columnheader', { name: /^Count/ });
    expect(await countHeader.getAttribute('aria-sort')).toBe('descending');
    await countHeader.getByRole('button').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => countHeader.getAttribute('aria-sort')).toBe('ascending');
    const ascending = [...errors].map((e) => e.count).sort((a, b) => a - b).map(n);
    expect(await column(page, 'Error groups', 2)).toEqual(ascending);
    await page.getByRole('button', { name: /^Message/ }).click();
    expect(await page.getByRole('columnheader', { name: /^Message/ }).getAttribute('aria-sort')).toBe('ascending');
    expect(await column(page, 'Error groups', 0)).toEqual(errors.map((e) => e.message).sort((a, b) => a.localeCompare(b)));
    expect(await unlabelled(page)).toEqual([]);
    await countHeader.getByRole('button').click(); // back to most frequent first for the screenshot
    await shoot(page, 'errors');

    // The scope: one scene over the last 24 hours.
    await page.getByLabel('Time window', { exact: true }).selectOption('24h');
    await page.getByLabel('Scene', { exact: true }).selectOption(SCENES[1]);
    await page.getByRole('heading', { name: `Errors · ${SCENES[1]}` }).waitFor(POLL);
    const from = Math.ceil(Date.now() / 60_000) * 60_000 - 86_400_000;
    const scene = ((await api(c, 'GET', `/api/v1/errors?scene=${SCENES[1]}&from=${from}&limit=1000`)) as { errors: ErrorRow[] }).errors;
    const sceneTotal = scene.reduce((s, e) => s + e.count, 0);
    expect(sceneTotal).toBeLessThan(total);
    await expect.poll(() => tile(page, 'Errors'), POLL).toBe(n(sceneTotal));
    expect(await column(page, 'Error groups', 2)).toEqual(scene.map((e) => n(e.count)));
    await page.getByLabel('Scene', { exact: true }).selectOption('');
    await page.getByLabel('Time window', { exact: true }).selectOption('7d');
  });

  it('custom events: names and counts as the API answers them, split by a property typed in', async () => {
    const { page } = tab;
    const events = ((await api(c, 'GET', '/api/v1/custom-events')) as { events: CustomRow[] }).events;
    expect(events.map((e) => e.name)).toEqual(expect.arrayContaining(['variant_selected', 'add_to_cart']));
    await go(page, '#/events');
    await page.getByRole('heading', { name: 'Custom events', exact: true }).waitFor(POLL);
    await expect.poll(() => tile(page, 'Custom events'), POLL).toBe(n(events.reduce((s, e) => s + e.count, 0)));
    expect(await tile(page, 'Event names')).toBe(n(events.length));
    expect(await column(page, 'Custom events', 0)).toEqual(events.map((e) => e.name));
    expect(await column(page, 'Custom events', 1)).toEqual(events.map((e) => n(e.count)));
    await page.locator('.chart canvas').first().waitFor(POLL);

    const split = ((await api(c, 'GET', '/api/v1/custom-events?property=variant')) as { events: CustomRow[] }).events;
    const field = page.getByLabel('Split by property');
    await field.focus();
    await page.keyboard.type('variant');
    await page.keyboard.press('Enter');
    for (const e of split) {
      const table = `${e.name} by variant`;
      await expect.poll(() => column(page, table, 0), POLL).toEqual(e.byProperty!.map((v) => v.value));
      expect(await column(page, table, 1)).toEqual(e.byProperty!.map((v) => n(v.count)));
    }
    expect(split.find((e) => e.name === 'add_to_cart')!.byProperty!.length).toBeGreaterThan(1);
    expect(await unlabelled(page)).toEqual([]);
    await shoot(page, 'custom-events');
  });

  it('funnels: defined with the keyboard, saved, conversion bars as the API reports, a bad definition refused, deleted', { timeout: 120_000 }, async () => {
    const { page } = tab;
    const meshes = ((await api(c, 'GET', '/api/v1/mesh-attention?limit=50')) as { meshes: Array<{ mesh: string; clicks: number }> }).meshes;
    const mesh = [...meshes].sort((a, b) => b.clicks - a.clicks)[0]!.mesh;
    await go(page, '#/funnels');
    await page.getByRole('heading', { name: 'Funnels', exact: true }).waitFor(POLL);
    await expect.poll(() => page.getByText('No funnels yet.').count(), POLL).toBe(1);

    // Keyboard only, from the name field on: Tab between controls, type, Enter on buttons.
    await page.getByLabel('Funnel name').focus();
    await page.keyboard.type('fabric to cart');
    await tabTo(page, 'Step 1 mesh id'); // step 1 kind is a click on a mesh by default
    await page.keyboard.type(mesh);
    await tabTo(page, 'Step 2 event name');
    await page.keyboard.type('add_to_cart');
    await tabTo(page, 'Add a step');
    await page.keyboard.press('Enter'); // a third step (a custom event), its field focused
    await expect.poll(() => focusedName(page)).toBe('Step 3 event name');
    await page.keyboard.type('variant_selected');
    // Move it up one: the focus stays on the moved step, now step 2.
    await tabTo(page, 'Move step 3 up');
    await page.keyboard.press('Enter');
    await expect.poll(() => focusedName(page)).toBe('Move step 2 up');
    expect(await page.getByLabel('Step 2 event name').inputValue()).toBe('variant_selected');
    expect(await page.getByLabel('Step 3 event name').inputValue()).toBe('add_to_cart');
    expect(await unlabelled(page)).toEqual([]);
    await tabTo(page, 'Save funnel');
    await page.keyboard.press('Enter');

    await expect.poll(() => page.getByRole('status').first().textContent(), POLL).toBe('Saved "fabric to cart".');
    const saved = ((await api(c, 'GET', '/api/v1/funnels')) as { funnels: Array<{ id: string; name: string; steps: unknown[] }> }).funnels;
    expect(saved).toHaveLength(1);
    expect(saved[0]!.steps).toEqual([
      { kind: 'mesh_click', mesh },
      { kind: 'custom', name: 'variant_selected' },
      { kind: 'custom', name: 'add_to_cart' },
    ]);
    const to = Math.ceil(Date.now() / 60_000) * 60_000;
    const report = (await api(c, 'GET', `/api/v1/funnels/${saved[0]!.id}?from=${to - 7 * 86_400_000}&to=${to}`)) as Report;
    expect(report.steps[0]!.sessions).toBeGreaterThan(0);
    const steps = 'Steps of fabric to cart';
    await expect.poll(() => page.getByRole('table', { name: steps }).locator('tbody tr td:nth-child(2)').allTextContents(), POLL).toEqual(
      report.steps.map((s) => n(s.sessions)),
    );
    // Bars: each step's width is its share of the first step's sessions.
    const widths = await page.getByRole('table', { name: steps }).locator('.bar').evaluateAll((bars) => bars.map((b) => parseFloat((b as HTMLElement).style.width)));
    report.steps.forEach((s, i) => expect(widths[i]).toBeCloseTo((100 * s.sessions) / report.steps[0]!.sessions, 3));
    const ofAll = await page.getByRole('table', { name: steps }).locator('tbody tr td:nth-child(5)').allTextContents();
    expect(ofAll).toEqual(report.steps.map((s) => new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 1 }).format(s.conversion)));
    expect(await page.getByText(`Of the ${n(report.sessions)} sessions`).count()).toBe(1);
    await page.getByRole('table', { name: steps }).scrollIntoViewIfNeeded();
    await shoot(page, 'funnels');

    // A bad definition: a step without a value. The page shows the collector's own words.
    const refusal = await fetch(`${c.url}/api/v1/funnels`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${c.sk}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'broken', steps: [{ kind: 'mesh_click', mesh: '' }, { kind: 'custom', name: '' }] }),
    });
    expect(refusal.status).toBe(400);
    const message = ((await refusal.json()) as { message: string }).message;
    await page.getByLabel('Funnel name').focus();
    await page.keyboard.type('broken');
    await page.keyboard.press('Enter'); // Enter in a field submits its form
    await expect.poll(() => page.getByRole('alert').textContent(), POLL).toContain(message);
    expect(await page.getByLabel('Step 1 mesh id').getAttribute('aria-invalid')).toBe('true');
    // The keyboard is taken to the field the refusal names.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe(await page.getByLabel('Step 1 mesh id').getAttribute('id'));
    await shoot(page, 'funnels-invalid');
    expect(((await api(c, 'GET', '/api/v1/funnels')) as { funnels: unknown[] }).funnels).toHaveLength(1);

    // Delete it (a confirmation first).
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Delete funnel fabric to cart' }).click();
    await expect.poll(() => page.getByText('No funnels yet.').count(), POLL).toBe(1);
    expect(((await api(c, 'GET', '/api/v1/funnels')) as { funnels: unknown[] }).funnels).toHaveLength(0);
    const audit = (await api(c, 'GET', '/api/v1/audit?action=funnel.delete')) as { items: unknown[] };
    expect(audit.items).toHaveLength(1);
    expect(tab.pageErrors.map((e) => e.message)).toEqual([]);
  });

  it('empty states say what to do next: switch the error channel on, send a custom event', async () => {
    const { page } = tab;
    // A scene with its error channel off and no events yet.
    await api(c, 'PUT', '/api/v1/scenes/quiet-room', { capture: { runtime_error: false } });
    await page.reload();
    await go(page, '#/errors');
    await page.getByLabel('Scene', { exact: true }).selectOption('quiet-room');
    await page.getByRole('heading', { name: 'Errors · quiet-room' }).waitFor(POLL);
    const empty = page.locator('.empty');
    await expect.poll(() => empty.textContent(), POLL).toContain('No runtime errors in this window');
    expect(await empty.textContent()).toContain('is off for quiet-room');
    expect(await empty.getByRole('link', { name: 'Scenes' }).getAttribute('href')).toBe('#/scenes');
    await go(page, '#/events');
    await page.getByRole('heading', { name: 'Custom events · quiet-room' }).waitFor(POLL);
    await expect.poll(() => page.locator('.empty').textContent(), POLL).toContain("client.custom('add_to_cart'");
    expect(await tile(page, 'Custom events')).toBe('0');
    await shoot(page, 'custom-events-empty');
    await page.getByLabel('Scene', { exact: true }).selectOption('');
  });

  it('a viewer reads funnels and their conversion but sees no write controls', async () => {
    const funnel = (await api(c, 'POST', '/api/v1/funnels', { name: 'cart only', steps: [{ kind: 'custom', name: 'add_to_cart' }] })) as { id: string };
    const projectId = ((await api(c, 'GET', '/api/v1/project')) as { id: string }).id;
    const viewer = { email: 'viewer@vantage.test', password: 'a long viewer password 42' };
    await createOperator(c.collector.deps.store, { ...viewer, projects: [{ id: projectId, role: 'viewer' }] }, 'system');
    const other = await openPage(browser, { viewport: VIEWPORT });
    try {
      const { page } = other;
      await signIn(page, viewer.email, viewer.password);
      await go(page, '#/funnels');
      await page.getByRole('heading', { name: 'Conversion of cart only' }).waitFor(POLL);
      const to = Math.ceil(Date.now() / 60_000) * 60_000;
      const report = (await api(c, 'GET', `/api/v1/funnels/${funnel.id}?from=${to - 7 * 86_400_000}&to=${to}`)) as Report;
      await expect.poll(() => page.getByRole('table', { name: 'Steps of cart only' }).locator('tbody tr td:nth-child(2)').allTextContents(), POLL).toEqual(
        report.steps.map((s) => n(s.sessions)),
      );
      expect(await page.getByRole('button', { name: 'Save funnel' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: /^Delete funnel/ }).count()).toBe(0);
      expect(await page.getByLabel('Funnel name').count()).toBe(0);
      await expect.poll(() => page.getByText('You are a viewer of this project').count()).toBe(1);
      await shoot(page, 'funnels-viewer');
      expect(other.pageErrors.map((e) => e.message)).toEqual([]);
    } finally {
      await other.close();
    }
  });
});
