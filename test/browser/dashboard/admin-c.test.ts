/**
 * The dashboard's dead-letter queue, view-direction sphere, roles and projects, in real headless
 * Chromium against a collector started as `npm start` starts it and loaded with simulated
 * sessions:
 * - dead letters made by posting bad batches to `POST /api/v1/collect`: listed and paged, one
 *   shown, and a replay from the page that really accepts an entry (one refused by an older
 *   pipeline) and reports the one that still fails;
 * - the sphere of view directions coloured on the heatmap ramp, turned by the keyboard;
 * - a `viewer` sees the pages without write controls, and the API refuses its writes;
 * - an operator of two projects picks between them and sees each one's numbers, never a third
 *   project's, even with a forged `X-Vantage-Project`.
 * Screenshots go to `artifacts/screens/dashboard-c-*.png`.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Packr } from 'msgpackr';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBatch, type VantageEvent, type WireValidators } from '@vantage/sdk-core/schema';
import { createOperator } from '../../../collector/src/operators/operators.js';
import { BROWSER_USER_AGENT } from '../../../collector/src/testing/harness.js';
import { createProject } from '../../../collector/src/tenants/projects.js';
import { launchChromium, openPage, type TestPage } from '../harness/index.js';
import { api, fetchAsSession, pixels, postSimulatedSessions, SCENES, SCREENSHOT_DIR, signIn, startLoadedCollector, type LoadedCollector } from './setup.js';

/** SwiftShader can take seconds over its first frames: poll patiently. */
const POLL = { timeout: 30_000 };
const VIEWPORT = { width: 1280, height: 900 };
const PASSWORD = 'a long enough password 8';
const packr = new Packr({ useRecords: false });

let c: LoadedCollector;
let browser: Browser;
/** The second project (the multi-project operator is its admin) and a third nobody here belongs to. */
let second: { id: string; name: string; sk: string; sessions: number };
let third: { id: string; name: string };
const viewer = { email: 'viewer@example.test', password: PASSWORD };
const both = { email: 'two-projects@example.test', password: PASSWORD };
const other = { email: 'other@example.test', password: PASSWORD };

beforeAll(async () => {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  c = await startLoadedCollector({ sessions: 48 });
  const store = c.collector.deps.store;
  const demo = c.collector.demo!.project;
  const b = await createProject(store, { name: 'Second showroom', privacyMode: 'standard', retentionDays: 90 }, 'system');
  const pk = b.keys.find((k) => k.kind === 'pk')!.token;
  second = { id: b.project.id, name: b.project.name, sk: b.keys.find((k) => k.kind === 'sk')!.token, sessions: await postSimulatedSessions(c.url, pk, { sessions: 7, seed: 21, scenes: ['showroom'] }) };
  const t = await createProject(store, { name: 'Someone else’s project', privacyMode: 'standard', retentionDays: 90 }, 'system');
  third = { id: t.project.id, name: t.project.name };
  await createOperator(store, { ...viewer, projects: [{ id: demo.id, role: 'viewer' }] }, 'system');
  await createOperator(store, { ...both, projects: [{ id: demo.id, role: 'viewer' }, { id: second.id, role: 'admin' }] }, 'system');
  await createOperator(store, { ...other, projects: [{ id: third.id, role: 'admin' }] }, 'system');
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await c?.close();
});

async function shoot(page: Page, name: string): Promise<void> {
  const png = await page.screenshot({ path: join(SCREENSHOT_DIR, `dashboard-c-${name}.png`), fullPage: true });
  expect((await pixels(page, png)).covered, `${name}: the screenshot shows something`).toBeGreaterThan(0.01);
}

async function go(page: Page, hash: string): Promise<void> {
  await page.evaluate((h) => (location.hash = h), hash);
}

async function tile(page: Page, label: string): Promise<string> {
  return (await page.locator('.tile', { has: page.getByText(label, { exact: true }) }).locator('.tile-value').textContent()) ?? '';
}

async function collect(body: Uint8Array | string, type = 'application/msgpack'): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${c.url}/api/v1/collect`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${c.pk}`, 'Content-Type': type, 'User-Agent': BROWSER_USER_AGENT },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

interface DlqItem {
  id: string;
  reason: string;
  replayedAt: string | null;
  sessionId: string | null;
  preview: { text: string };
}

describe('the dead-letter queue in Settings', () => {
  let tab: TestPage;
  /** The entry an older pipeline refused (an event type it did not know): replay accepts it now. */
  let fixable: DlqItem;

  beforeAll(async () => {
    const now = Date.now();
    const viewport: VantageEvent = { type: 'viewport', t: now - 60_000, w: 1280, h: 720, dpr100: 200 };
    // 30 events that are invalid for good (qw out of range): they page, and stay failing.
    const broken = encodeBatch({ sid: 'dlq_e2e_broken', seq: 0, scene: SCENES[0], sentAt: now }, [viewport]);
    for (let i = 0; i < 30; i++) broken.events.push([3, 7 + i, 1, 2, 3, 0, 0, 0, 99_999]);
    expect((await collect(packr.pack(broken))).body).toEqual({ accepted: 1, dropped: { invalid_field: 30 } });
    // A body nobody can decode: a whole-body entry, 400.
    expect((await collect('{"this is": not json', 'application/json')).status).toBe(400);
    // An older collector did not know camera events: what it refused waits in the DLQ for the
    // upgrade (as in collector/src/dlq/replay.test.ts). The running collector plays the older one
    // for this one request, then runs its own pipeline again.
    const current: WireValidators = c.collector.deps.validators;
    c.collector.deps.validators = {
      checkEnvelope: (value) => current.checkEnvelope(value),
      decodeEvent: (raw, batch) =>
        Array.isArray(raw) && raw[0] === 3 ? { ok: false, reason: 'unknown_type', detail: 'unknown event code 3' } : current.decodeEvent(raw, batch),
    };
    try {
      const camera: VantageEvent = { type: 'camera', t: now - 59_000, px: 10, py: 1600, pz: 3000, qx: 0, qy: 0, qz: 0, qw: 32_767 };
      const old = encodeBatch({ sid: 'dlq_e2e_older', seq: 0, scene: SCENES[0], sentAt: now }, [viewport, camera]);
      expect((await collect(packr.pack(old))).body).toEqual({ accepted: 1, dropped: { unknown_type: 1 } });
    } finally {
      c.collector.deps.validators = current;
    }
    const page = (await api(c, 'GET', '/api/v1/dlq?limit=500')) as { items: DlqItem[] };
    expect(page.items).toHaveLength(32);
    fixable = page.items.find((i) => i.reason === 'unknown_type')!;
    expect(fixable.sessionId).toBe('dlq_e2e_older');
    tab = await openPage(browser, { viewport: VIEWPORT });
    await signIn(tab.page, c.url, c.operator);
  }, 120_000);

  afterAll(async () => {
    await tab?.close();
  });

  it('lists the entries newest first, paged with the cursor', async () => {
    const { page } = tab;
    await go(page, '#/settings');
    const section = page.locator('section', { has: page.getByRole('heading', { name: 'Dead letters' }) });
    const rows = section.locator('tbody tr');
    await expect.poll(() => rows.count(), POLL).toBe(25);
    // Newest first: the older pipeline's entry, then the undecodable body.
    await expect.poll(() => rows.nth(0).textContent(), POLL).toContain('unknown_type');
    expect(await rows.nth(1).textContent()).toContain('undecodable');
    expect(await rows.nth(2).textContent()).toContain('invalid_field');
    await section.getByRole('button', { name: 'Next page' }).click();
    await expect.poll(() => section.getByText('Page 2').count(), POLL).toBe(1);
    await expect.poll(() => rows.count(), POLL).toBe(7);
    expect(await section.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);
    await section.getByRole('button', { name: 'Previous page' }).click();
    await expect.poll(() => rows.count(), POLL).toBe(25);
  });

  it('shows one entry: reason code, received time, the minimised preview, the envelope', async () => {
    const { page } = tab;
    const short = fixable.id.slice(0, 8);
    // Keyboard: focus the row's button and press Enter.
    await page.getByRole('button', { name: `Show dead letter ${short}` }).focus();
    await page.keyboard.press('Enter');
    const entry = page.getByTestId('dlq-entry');
    await expect.poll(() => entry.textContent(), POLL).toContain('unknown event code 3');
    const text = (await entry.textContent()) ?? '';
    expect(text).toContain('unknown_type');
    expect(text).toContain('Received');
    expect(text).toContain(fixable.preview.text);
    expect(text).toContain('dlq_e2e_older');
    expect(text).toContain('waiting for replay');
    // The read is audited: a raw payload left the database.
    const audit = (await api(c, 'GET', '/api/v1/audit?action=dlq.read')) as { items: Array<{ target: string; actor: string }> };
    expect(audit.items.map((a) => a.target)).toContain(fixable.id);
  });

  it('replays the selected entries: the fixable one is accepted and counted once, the broken one still fails', async () => {
    const { page } = tab;
    const before = (await api(c, 'GET', '/api/v1/activity')) as { totals: { events: number; eventsByType: Record<string, number> } };
    const section = page.locator('section', { has: page.getByRole('heading', { name: 'Dead letters' }) });
    const brokenRow = section.locator('tbody tr', { hasText: 'invalid_field' }).first();
    await page.getByLabel(`Select dead letter ${fixable.id.slice(0, 8)}`).check();
    await brokenRow.getByRole('checkbox').check();
    await section.getByRole('button', { name: 'Replay selected (2)' }).click();
    const outcome = page.getByTestId('dlq-outcome');
    await expect.poll(() => outcome.textContent(), POLL).toContain('Accepted: 1');
    expect(await outcome.textContent()).toContain('still failing: 1');
    expect(await outcome.textContent()).toContain('invalid_field');
    expect(await outcome.textContent()).toMatch(/qw/);
    // The entry still open below is read again: replayed now.
    await expect.poll(() => page.getByTestId('dlq-entry').textContent(), POLL).toMatch(/State\s*replayed /);
    await section.locator('.dlq-entry').scrollIntoViewIfNeeded().catch(() => undefined);
    await shoot(page, 'dlq');
    // The collector agrees: the entry is marked and its event counted, once.
    const replayed = (await api(c, 'GET', '/api/v1/dlq?replayed=true')) as { items: DlqItem[] };
    expect(replayed.items.map((i) => i.id)).toEqual([fixable.id]);
    const after = (await api(c, 'GET', '/api/v1/activity')) as { totals: { events: number; eventsByType: Record<string, number> } };
    expect(after.totals.events).toBe(before.totals.events + 1);
    expect(after.totals.eventsByType.camera).toBe((before.totals.eventsByType.camera ?? 0) + 1);
    // The waiting list no longer has it; "Replayed" does.
    const rows = section.locator('tbody tr');
    await expect.poll(() => rows.nth(0).textContent(), POLL).toContain('undecodable');
    await section.getByLabel('Show', { exact: true }).selectOption({ label: 'Replayed' });
    await expect.poll(() => rows.count(), POLL).toBe(1);
    expect(await rows.first().textContent()).toContain('replayed');
    expect(await rows.first().getByRole('checkbox').count()).toBe(0);
    // A second replay of it through the API adds nothing.
    const again = (await api(c, 'POST', '/api/v1/dlq/replay', { ids: [fixable.id] })) as { replayed: number; alreadyReplayed: string[] };
    expect(again).toMatchObject({ replayed: 0, alreadyReplayed: [fixable.id] });
    expect(((await api(c, 'GET', '/api/v1/activity')) as typeof after).totals.events).toBe(after.totals.events);
    expect(tab.pageErrors.map((e) => e.message)).toEqual([]);
  });
});

describe('the view-direction sphere on the 3D heatmap page', () => {
  it('colours the bins cameras looked along on the ramp, with a legend, turned by the keyboard', { timeout: 120_000 }, async () => {
    const tab = await openPage(browser, { viewport: VIEWPORT });
    try {
      const { page } = tab;
      await signIn(page, c.url, c.operator);
      await go(page, '#/heatmap');
      await page.getByRole('heading', { name: `View directions · ${SCENES[0]}` }).waitFor(POLL);
      const answer = (await api(c, 'GET', `/api/v1/view-directions?scene=${SCENES[0]}&from=${Date.now() - 7 * 86_400_000}`)) as {
        bins: Array<{ samples: number }>;
        total: number;
      };
      expect(answer.bins.length).toBeGreaterThan(3);
      const stage = page.getByTestId('view-sphere-stage');
      await expect.poll(async () => Number(await stage.getAttribute('data-bins')), POLL).toBe(answer.bins.length);
      const legend = page.getByRole('complementary', { name: 'View-direction legend' });
      expect(await legend.textContent()).toContain(`${answer.total.toLocaleString('en')} samples in ${answer.bins.length} of 288 bins`);
      expect(await legend.textContent()).toContain(answer.bins[0]!.samples.toLocaleString('en'));
      const canvas = stage.locator('canvas');
      await expect.poll(async () => (await pixels(page, await canvas.screenshot())).ramp, POLL).toBeGreaterThan(0.002);
      // Keyboard: with the sphere focused, an arrow key turns it (the picture changes).
      const before = await canvas.screenshot();
      await canvas.focus();
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('ArrowLeft');
      await expect.poll(async () => Buffer.compare(await canvas.screenshot(), before) !== 0, POLL).toBe(true);
      await shoot(page, 'view-sphere');
      // The labelled toggle hides it, and shows it again.
      await page.getByLabel('View-direction sphere').uncheck();
      await expect.poll(() => stage.count(), POLL).toBe(0);
      await page.getByLabel('View-direction sphere').check();
      await expect.poll(async () => (await pixels(page, await page.getByTestId('view-sphere-stage').locator('canvas').screenshot())).ramp, POLL).toBeGreaterThan(0.002);
      expect(tab.pageErrors.map((e) => e.message)).toEqual([]);
    } finally {
      await tab.close();
    }
  });
});

describe('a viewer', () => {
  let tab: TestPage;
  beforeAll(async () => {
    tab = await openPage(browser, { viewport: VIEWPORT });
    await signIn(tab.page, c.url, viewer);
  }, 60_000);
  afterAll(async () => {
    await tab?.close();
  });

  it('sees the pages with the real numbers, but no scene flags, key creation or DLQ replay to use', { timeout: 120_000 }, async () => {
    const { page } = tab;
    const activity = (await api(c, 'GET', '/api/v1/activity')) as { totals: { sessions: number } };
    await expect.poll(() => tile(page, 'Sessions'), POLL).toBe(activity.totals.sessions.toLocaleString('en'));
    await go(page, '#/heatmap');
    await expect.poll(async () => Number(await page.getByTestId('heatmap-stage').getAttribute('data-voxels')), POLL).toBeGreaterThan(0);
    await go(page, '#/scenes');
    const flag = page.getByLabel(`Capture gaze in ${SCENES[0]}`);
    await flag.waitFor(POLL);
    expect(await flag.isChecked()).toBe(true);
    expect(await flag.isDisabled()).toBe(true);
    expect(await page.getByLabel(`Sampling rate of gaze in ${SCENES[0]}`).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: /^Save / }).count()).toBe(0);
    await shoot(page, 'viewer-scenes');
    await go(page, '#/settings');
    await page.getByRole('heading', { name: 'API keys' }).waitFor(POLL);
    await expect.poll(() => page.locator('section', { hasText: 'API keys' }).locator('tbody tr').count(), POLL).toBeGreaterThan(0);
    expect(await page.getByRole('button', { name: 'Create key' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Revoke/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Save settings' }).count()).toBe(0);
    expect(await page.getByLabel('Retention (days)').isDisabled()).toBe(true);
    expect(await page.getByRole('heading', { name: 'Dead letters' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Replay selected/ }).count()).toBe(0);
    expect(await page.getByText('You are a viewer in this project').count()).toBe(1);
    await shoot(page, 'viewer-settings');
    expect(tab.pageErrors.map((e) => e.message)).toEqual([]);
  });

  it('is refused writes by the API (403), with a valid session and CSRF token', async () => {
    const { page } = tab;
    const project = c.collector.demo!.project.id;
    expect(await fetchAsSession(page, { method: 'GET', path: '/api/v1/scenes', project })).toEqual({ status: 200, error: null });
    const writes = [
      { method: 'PUT', path: `/api/v1/scenes/${SCENES[0]}`, body: { capture: { gaze: false } } },
      { method: 'POST', path: '/api/v1/keys', body: { kind: 'pk', label: 'from a viewer' } },
      { method: 'POST', path: '/api/v1/dlq/replay', body: { ids: ['00000000-0000-4000-8000-000000000000'] } },
      { method: 'PATCH', path: '/api/v1/project', body: { retention_days: 1 } },
    ];
    for (const write of writes) {
      expect(await fetchAsSession(page, { ...write, project }), `${write.method} ${write.path}`).toEqual({ status: 403, error: 'insufficient_scope' });
    }
    // Dead letters hold raw (masked) payloads: a viewer cannot read them either.
    const entries = (await api(c, 'GET', '/api/v1/dlq')) as { items: Array<{ id: string }> };
    expect(entries.items.length).toBeGreaterThan(0);
    for (const path of ['/api/v1/dlq', `/api/v1/dlq/${entries.items[0]!.id}`]) {
      expect(await fetchAsSession(page, { method: 'GET', path, project }), path).toEqual({ status: 403, error: 'insufficient_scope' });
    }
    // Nothing changed.
    const scenes = (await api(c, 'GET', '/api/v1/scenes')) as { scenes: Array<{ scene: string; capture: Record<string, boolean> }> };
    expect(scenes.scenes.find((s) => s.scene === SCENES[0])?.capture.gaze).toBe(true);
    const keys = (await api(c, 'GET', '/api/v1/keys')) as { keys: Array<{ label: string }> };
    expect(keys.keys.map((k) => k.label)).not.toContain('from a viewer');
    expect(((await api(c, 'GET', '/api/v1/project')) as { retention_days: number }).retention_days).toBe(90);
  });
});

describe('an operator of two projects', () => {
  let tab: TestPage;
  beforeAll(async () => {
    tab = await openPage(browser, { viewport: VIEWPORT });
    await signIn(tab.page, c.url, both);
  }, 60_000);
  afterAll(async () => {
    await tab?.close();
  });

  it('picks a project and sees its numbers and its role; never a project it does not belong to', { timeout: 120_000 }, async () => {
    const { page } = tab;
    const demo = c.collector.demo!.project;
    const picker = page.getByLabel('Project', { exact: true });
    const options = await picker.locator('option').allTextContents();
    expect(options.sort()).toEqual([demo.name, second.name].sort());
    expect(options).not.toContain(third.name);
    // The demo project first (its name sorts first): the loaded sessions, as a viewer.
    expect(await picker.locator('option:checked').textContent()).toBe(demo.name);
    const demoActivity = (await api(c, 'GET', '/api/v1/activity')) as { totals: { sessions: number } };
    await expect.poll(() => tile(page, 'Sessions'), POLL).toBe(demoActivity.totals.sessions.toLocaleString('en'));
    await picker.selectOption({ label: second.name });
    // Straight after the switch, while the second project's answers load: none of the first
    // project's scenes (nor its numbers) stay on screen as if they were the second's.
    const firstScenes = ['glam-velvet-sofa', 'living-room-showcase'];
    const shownScenes = await page.getByLabel('Scene', { exact: true }).locator('option').allTextContents();
    expect(shownScenes.filter((s) => firstScenes.includes(s))).toEqual([]);
    expect(await tile(page, 'Sessions').catch(() => null)).not.toBe(demoActivity.totals.sessions.toLocaleString('en'));
    const secondActivity = (await api({ url: c.url, sk: second.sk }, 'GET', '/api/v1/activity')) as { totals: { sessions: number; events: number } };
    expect(secondActivity.totals.sessions).toBe(second.sessions);
    await expect.poll(() => tile(page, 'Sessions'), POLL).toBe(second.sessions.toLocaleString('en'));
    expect(await tile(page, 'Events')).toBe(secondActivity.totals.events.toLocaleString('en'));
    // Only the second project's scenes, once its list is in (never the first project's meanwhile).
    const sceneOptions = () => page.getByLabel('Scene', { exact: true }).locator('option').allTextContents();
    await expect.poll(sceneOptions, POLL).toEqual(['All scenes', 'showroom']);
    await shoot(page, 'second-project');
    // Admin of the second project: key creation and the DLQ (empty: nothing was refused there).
    await go(page, '#/settings');
    await page.getByRole('button', { name: 'Create key' }).waitFor(POLL);
    await expect.poll(() => page.getByTestId('dlq-empty').textContent(), POLL).toContain('Nothing waits for replay');
    await page.getByLabel('Show', { exact: true }).selectOption({ label: 'All' });
    await expect.poll(() => page.getByTestId('dlq-empty').textContent(), POLL).toContain('No dead letters: every batch and event this project received was accepted');
    // Back to the demo project: a viewer again, the choice kept over a reload.
    await picker.selectOption({ label: demo.name });
    await page.getByText('You are a viewer in this project').waitFor(POLL);
    expect(await page.getByRole('button', { name: 'Create key' }).count()).toBe(0);
    await picker.selectOption({ label: second.name });
    await page.reload();
    await expect.poll(() => page.getByLabel('Project', { exact: true }).locator('option:checked').textContent(), POLL).toBe(second.name);
    expect(tab.pageErrors.map((e) => e.message)).toEqual([]);
  });

  it('is refused another project through a forged X-Vantage-Project, and a made-up one', async () => {
    const { page } = tab;
    expect(await fetchAsSession(page, { method: 'GET', path: '/api/v1/activity', project: second.id })).toEqual({ status: 200, error: null });
    for (const project of [third.id, '6f1c2f7e-0000-4000-8000-00000000abcd', 'not-a-uuid']) {
      expect(await fetchAsSession(page, { method: 'GET', path: '/api/v1/activity', project })).toEqual({ status: 404, error: 'not_found' });
      expect(await fetchAsSession(page, { method: 'GET', path: '/api/v1/dlq', project })).toEqual({ status: 404, error: 'not_found' });
      expect(await fetchAsSession(page, { method: 'POST', path: '/api/v1/keys', project, body: { kind: 'sk', label: 'forged' } })).toEqual({ status: 404, error: 'not_found' });
    }
    const me = await page.evaluate(async () => ((await (await fetch('/api/v1/auth/me')).json()) as { operator: { projects: Array<{ id: string }> } }).operator.projects.map((p) => p.id));
    expect(me.sort()).toEqual([c.collector.demo!.project.id, second.id].sort());
  });
});

describe('an admin of a project without any data', () => {
  let tab: TestPage;
  beforeAll(async () => {
    tab = await openPage(browser, { viewport: VIEWPORT });
    await signIn(tab.page, c.url, other);
  }, 60_000);
  afterAll(async () => {
    await tab?.close();
  });

  it('sees the snippet to start with, and creates the publishable key it carries', async () => {
    const { page } = tab;
    await page.getByRole('heading', { name: 'No events yet: send your first ones' }).waitFor(POLL);
    const snippet = page.getByTestId('first-snippet');
    expect(await snippet.textContent()).toContain(`endpoint: ${JSON.stringify(c.url)}`);
    expect(await snippet.textContent()).toContain("key: 'pk_…'");
    await page.getByRole('button', { name: 'Create a publishable key for this snippet' }).click();
    await page.getByRole('status').filter({ hasText: 'shown this once' }).waitFor(POLL);
    const token = /key: "(pk_[^"]+)"/.exec((await snippet.textContent()) ?? '')?.[1];
    expect(token).toBeDefined();
    // The key is real: it reads this project's scene config, and Settings lists it.
    const config = await fetch(`${c.url}/api/v1/config?scene=first`, { headers: { Authorization: `Bearer ${token!}` } });
    expect(config.status).toBe(200);
    await go(page, '#/settings');
    await page.getByRole('cell', { name: 'first scene (my-scene)' }).first().waitFor(POLL);
    await shoot(page, 'first-key');
    expect(tab.pageErrors.map((e) => e.message)).toEqual([]);
  });
});
