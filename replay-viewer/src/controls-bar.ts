/**
 * The control bar under the replay: play/pause, speed, the time, a timeline with the session's
 * markers and inactivity gaps (click or drag to jump; a marker jumps to just before its moment),
 * the skip-inactivity switch, and in follow mode a live badge and a jump-to-live button. Every
 * control has an accessible name. It only draws what it is told and calls back; the replay
 * decides.
 */
import type { ReplayClock } from './clock.js';
import { SPEEDS } from './clock.js';
import type { ReplayIndex } from './replay-index.js';

/** What the bar asks the replay to do. */
export interface ControlsActions {
  toggle(): void;
  seek(t: number): void;
  setSpeed(speed: number): void;
  setSkipInactivity(on: boolean): void;
  jumpToLive(): void;
}

/** The bar. */
export interface ControlsBar {
  readonly element: HTMLElement;
  /** Reflect the clock and the index (cheap when nothing changed: it writes only what did). */
  update(clock: ReplayClock, index: ReplayIndex, hasLiveSource: boolean): void;
  dispose(): void;
}

/** A marker's button jumps this long (ms) before its moment, so the moment is seen happening. */
export const MARKER_LEAD_MS = 1_000;

/** `m:ss` (or `h:mm:ss`) of a duration in ms. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** Build the bar inside `parent`. */
export function createControlsBar(parent: HTMLElement, actions: ControlsActions): ControlsBar {
  const doc = parent.ownerDocument;
  const el = <K extends keyof HTMLElementTagNameMap>(tag: K, className: string, attrs: Record<string, string> = {}): HTMLElementTagNameMap[K] => {
    const node = doc.createElement(tag);
    node.className = className;
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    return node;
  };

  const bar = el('div', 'vantage-replay-bar', { role: 'toolbar', 'aria-label': 'Replay controls' });
  const play = el('button', 'vantage-replay-play', { type: 'button', 'aria-label': 'Play', title: 'Play (space)' });
  play.textContent = '▶';
  const speed = el('select', 'vantage-replay-speed', { 'aria-label': 'Playback speed', title: 'Playback speed ([ and ])' });
  for (const s of SPEEDS) {
    const option = el('option', '', { value: String(s) });
    option.textContent = `${s}×`;
    speed.append(option);
  }
  const time = el('span', 'vantage-replay-time', { 'aria-label': 'Time' });
  const timeline = el('div', 'vantage-replay-timeline', { role: 'slider', tabindex: '0', 'aria-label': 'Timeline', 'aria-valuemin': '0' });
  const track = el('div', 'vantage-replay-track');
  const gaps = el('div', '');
  const markers = el('div', '');
  const playhead = el('div', 'vantage-replay-playhead');
  timeline.append(track, gaps, markers, playhead);
  const skipLabel = el('label', 'vantage-replay-skip', { title: 'Skip silences over 10 s while playing' });
  const skip = el('input', '', { type: 'checkbox', 'aria-label': 'Skip inactivity' });
  skipLabel.append(skip, doc.createTextNode('Skip inactivity'));
  const liveBadge = el('span', 'vantage-replay-live', { 'aria-label': 'Following live', role: 'status' });
  liveBadge.textContent = 'LIVE';
  const toLive = el('button', 'vantage-replay-to-live', { type: 'button', 'aria-label': 'Jump to live', title: 'Jump to live (L)' });
  toLive.textContent = 'Jump to live';
  bar.append(play, speed, time, timeline, skipLabel, liveBadge, toLive);
  parent.append(bar);

  let start = 0;
  let span = 1;
  const timeAt = (clientX: number): number => {
    const rect = timeline.getBoundingClientRect();
    return start + Math.min(1, Math.max(0, (clientX - rect.left) / Math.max(1, rect.width))) * span;
  };
  let dragging = false;
  const onDown = (e: PointerEvent) => {
    if ((e.target as HTMLElement).classList.contains('vantage-replay-marker')) return;
    dragging = true;
    timeline.setPointerCapture?.(e.pointerId);
    actions.seek(timeAt(e.clientX));
  };
  const onMove = (e: PointerEvent) => {
    if (dragging) actions.seek(timeAt(e.clientX));
  };
  const onUp = () => {
    dragging = false;
  };
  const onMarker = (e: MouseEvent) => {
    const at = Number((e.target as HTMLElement).dataset.t);
    if (Number.isFinite(at)) actions.seek(Math.max(start, at - MARKER_LEAD_MS));
  };
  play.addEventListener('click', () => actions.toggle());
  speed.addEventListener('change', () => actions.setSpeed(Number(speed.value)));
  skip.addEventListener('change', () => actions.setSkipInactivity(skip.checked));
  toLive.addEventListener('click', () => actions.jumpToLive());
  timeline.addEventListener('pointerdown', onDown);
  timeline.addEventListener('pointermove', onMove);
  timeline.addEventListener('pointerup', onUp);
  timeline.addEventListener('pointercancel', onUp);
  markers.addEventListener('click', onMarker);

  // What was last written, so an unchanged frame touches no DOM.
  const last = { playing: false as boolean | null, speed: -1, second: -1, total: -1, skip: null as boolean | null, live: null as string | null, markers: -1, gaps: -1, end: Number.NaN, head: '' };

  function layout(index: ReplayIndex): void {
    const pct = (t: number) => `${(((t - start) / span) * 100).toFixed(3)}%`;
    markers.replaceChildren(
      ...index.markers.map((m) => {
        const b = el('button', 'vantage-replay-marker', { type: 'button', 'data-kind': m.kind, 'data-t': String(m.t) });
        const label = `${m.label} at ${formatDuration(m.t - start)}`;
        b.setAttribute('aria-label', label);
        b.title = label;
        b.style.left = pct(m.t);
        return b;
      }),
    );
    gaps.replaceChildren(
      ...index.gaps.map((g) => {
        const d = el('div', 'vantage-replay-gap', { title: `Inactive for ${Math.round((g.end - g.start) / 1000)} s` });
        d.style.left = pct(g.start);
        d.style.width = `${(((g.end - g.start) / span) * 100).toFixed(3)}%`;
        return d;
      }),
    );
  }

  return {
    element: bar,
    update(clock, index, hasLiveSource) {
      start = index.start;
      span = Math.max(1, index.end - index.start);
      // Re-lay the markers when they or the span changed (in follow mode, at most once a second of growth).
      if (index.markers.length !== last.markers || index.gaps.length !== last.gaps || Math.abs(index.end - last.end) >= 1000 || Number.isNaN(last.end)) {
        layout(index);
        last.markers = index.markers.length;
        last.gaps = index.gaps.length;
        last.end = index.end;
      }
      if (clock.playing !== last.playing) {
        last.playing = clock.playing;
        play.textContent = clock.playing ? '❚❚' : '▶';
        play.setAttribute('aria-label', clock.playing ? 'Pause' : 'Play');
        play.title = clock.playing ? 'Pause (space)' : 'Play (space)';
      }
      if (clock.speed !== last.speed) {
        last.speed = clock.speed;
        speed.value = String(clock.speed);
      }
      if (clock.skipInactivity !== last.skip) {
        last.skip = clock.skipInactivity;
        skip.checked = clock.skipInactivity;
      }
      const second = Math.floor((clock.t - start) / 1000);
      const total = Math.floor(span / 1000);
      if (second !== last.second || total !== last.total) {
        last.second = second;
        last.total = total;
        const text = `${formatDuration(clock.t - start)} / ${formatDuration(span)}`;
        time.textContent = text;
        timeline.setAttribute('aria-valuemax', String(total));
        timeline.setAttribute('aria-valuenow', String(second));
        timeline.setAttribute('aria-valuetext', text.replace(' / ', ' of '));
      }
      const head = `${(((clock.t - start) / span) * 100).toFixed(2)}%`;
      if (head !== last.head) {
        last.head = head;
        playhead.style.left = head;
      }
      const live = `${clock.live}|${hasLiveSource && !clock.live}`;
      if (live !== last.live) {
        last.live = live;
        liveBadge.hidden = !clock.live;
        toLive.hidden = !(hasLiveSource && !clock.live);
      }
    },
    dispose() {
      bar.remove();
    },
  };
}
