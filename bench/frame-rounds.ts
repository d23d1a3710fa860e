/**
 * The per-frame comparison both connector benches run (`connector.ts` for three.js, `r3f.ts` for
 * React Three Fiber), in real headless Chromium: rounds of two pages, one with the connector and
 * one without, their order alternating from round to round. Each page is opened on a grid of
 * 1,000 meshes, the pointer moves over it and the camera orbits; it warms up for 30 frames under
 * that same input (so what is measured is the steady per-frame cost, not the first calls of each
 * code path being compiled — both pages alike), then measures whole frames and the time inside
 * the connector's frame work. The page must be cross-origin isolated: its timer is then precise to
 * microseconds.
 */
import type { Browser, Page } from 'playwright-core';
import type { ClientStats } from '@vantage/sdk-core';
import { openPage } from '../test/browser/harness/chromium.js';
import type {} from '../test/browser/r3f/bench-page-api.js';
import type {} from '../test/browser/three-connector/page-api.js';
import { median } from './stats.js';

/** The page globals a frame bench drives: the three.js connector's test page, the R3F bench page. */
export type FrameBenchGlobal = 'vantageThree' | 'vantageR3fBench';
/** The setup the page's `open` takes. */
type SetupOf<G extends FrameBenchGlobal> = Parameters<Window[G]['open']>[0];
/** What both pages offer (see their page-api modules). */
type FrameBenchMethod = 'open' | 'orbit' | 'measure' | 'stats';

/** What the rounds measured. */
export interface FrameRounds {
  /** Median ms per whole frame of the page with the connector, and without. */
  withConnectorMs: number;
  withoutConnectorMs: number;
  /** Median ms per frame inside the connector's frame work, and each round's. */
  hookMs: number;
  hookMsRounds: number[];
  /** Events the client queued during the measured frames (it was really working). */
  eventsQueued: number;
}

/** What a connector bench reports of its frames: the rounds and how they were run. */
export interface FrameBenchResult extends FrameRounds {
  meshes: number;
  framesPerRun: number;
  rounds: number;
}

/** The rounds to run. */
export interface FrameRoundsOptions<G extends FrameBenchGlobal> {
  readonly browser: Browser;
  /** The page's address. */
  readonly url: string;
  /** The name of its global. */
  readonly global: G;
  /** The page's setup, with or without the connector. */
  readonly setup: (track: boolean) => SetupOf<G>;
  readonly framesPerRun: number;
  readonly rounds: number;
  /** How a page is named in progress lines, e.g. "with the connector". */
  readonly label: (track: boolean) => string;
  readonly progress: (line: string) => void;
}

/** Move the pointer in loops over the canvas until `done()`. */
async function wiggle(page: Page, done: () => boolean): Promise<void> {
  for (let i = 0; !done(); i++) {
    const a = i / 9;
    await page.mouse.move(160 + Math.cos(a) * 100, 120 + Math.sin(a * 1.3) * 80);
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
}

/** Call `name` of the page's global with `args`, in the page. */
function call<R>(page: Page, global: FrameBenchGlobal, name: FrameBenchMethod, ...args: unknown[]): Promise<R> {
  return page.evaluate(
    ({ g, n, a }) => {
      const api = (window as unknown as Record<string, Record<string, (...x: unknown[]) => unknown> | undefined>)[g];
      const fn = api?.[n];
      if (!fn) throw new Error(`no window.${g}.${n} on the page`);
      return fn.apply(api, a) as R;
    },
    { g: global, n: name, a: args },
  );
}

/** Run the rounds; see the module comment. */
export async function measureFrameRounds<G extends FrameBenchGlobal>(options: FrameRoundsOptions<G>): Promise<FrameRounds> {
  const withMs: number[] = [];
  const withoutMs: number[] = [];
  const hookMs: number[] = [];
  let eventsQueued = 0;
  for (let round = 0; round < options.rounds; round++) {
    for (const track of round % 2 === 0 ? [true, false] : [false, true]) {
      const tab = await openPage(options.browser, { viewport: { width: 800, height: 600 } });
      try {
        await tab.page.goto(options.url);
        await tab.page.waitForFunction((g) => (window as unknown as Record<string, unknown>)[g] !== undefined, options.global);
        await call(tab.page, options.global, 'open', options.setup(track));
        if (!(await tab.page.evaluate(() => crossOriginIsolated))) throw new Error(`the ${options.global} page is not cross-origin isolated: its timer would be coarse`);
        let measuring = true;
        const input = wiggle(tab.page, () => !measuring);
        void call(tab.page, options.global, 'orbit', 3600, 600_000).catch(() => undefined);
        await call(tab.page, options.global, 'measure', 30);
        const queued = async () => (await call<ClientStats>(tab.page, options.global, 'stats')).queuedTotal;
        const before = track ? await queued() : 0;
        const m = await call<{ msPerFrame: number; connectorMsPerFrame: number }>(tab.page, options.global, 'measure', options.framesPerRun);
        measuring = false;
        await input;
        if (track) {
          eventsQueued += (await queued()) - before;
          withMs.push(m.msPerFrame);
          hookMs.push(m.connectorMsPerFrame);
        } else {
          withoutMs.push(m.msPerFrame);
        }
        options.progress(
          `round ${round + 1}/${options.rounds}, ${options.label(track)}: ${m.msPerFrame.toFixed(1)} ms/frame${track ? `, ${(m.connectorMsPerFrame * 1000).toFixed(1)} µs/frame in the connector` : ''}`,
        );
      } finally {
        await tab.close();
      }
    }
  }
  return { withConnectorMs: median(withMs), withoutConnectorMs: median(withoutMs), hookMs: median(hookMs), hookMsRounds: hookMs, eventsQueued };
}
