/**
 * The `hover_dwell` channel: how long the pointer rested on one mesh. A hover begins when the
 * pointer's ray first lands on a mesh id and ends when it lands elsewhere, leaves the canvas or
 * the page hides; a hover at least `thresholdMs` long becomes an event, with its first hit point.
 */
import { mm, ms } from './wire.js';
import type { Vector3 } from 'three';

/** A hover that ended and lasted long enough to be sent. */
export interface Dwell {
  mesh: string;
  dwellMs: number;
  hx: number;
  hy: number;
  hz: number;
}

export class HoverTracker {
  #mesh: string | null = null;
  #since = 0;
  #hx = 0;
  #hy = 0;
  #hz = 0;

  readonly #thresholdMs: number;

  constructor(thresholdMs: number) {
    this.#thresholdMs = thresholdMs;
  }

  /** The mesh id hovered now, or `null`. */
  get current(): string | null {
    return this.#mesh;
  }

  /**
   * The pointer's ray now lands on `mesh` (at `point`), or on nothing (`null`). Returns the hover
   * this ends, when it lasted long enough.
   */
  update(now: number, mesh: string | null, point: Vector3 | null): Dwell | null {
    if (mesh === this.#mesh) return null;
    const ended = this.end(now);
    if (mesh !== null) {
      this.#mesh = mesh;
      this.#since = now;
      this.#hx = point ? mm(point.x) : 0;
      this.#hy = point ? mm(point.y) : 0;
      this.#hz = point ? mm(point.z) : 0;
    }
    return ended;
  }

  /** End the hover in progress (pointer left, page hidden, tracker stopped). */
  end(now: number): Dwell | null {
    const mesh = this.#mesh;
    if (mesh === null) return null;
    this.#mesh = null;
    const dwellMs = ms(now - this.#since);
    return dwellMs >= this.#thresholdMs ? { mesh, dwellMs, hx: this.#hx, hy: this.#hy, hz: this.#hz } : null;
  }
}
