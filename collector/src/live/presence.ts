/**
 * Live presence: which sessions of a project sent a batch in the last `windowMs`, counted per
 * scene (a session counts in the scene of its latest batch). Fed by every commit of every
 * collector process (through the commit feed), so each process counts all of them. Held in
 * memory, bounded: a process started a moment ago counts a session from its next batch on.
 */

/** Presence counting; see {@link createPresence}. */
export interface Presence {
  /** A batch of `sessionId` in `sceneId` was committed at `atMs` (epoch ms). */
  record(projectId: string, sessionId: string, sceneId: string, atMs: number): void;
  /** Active sessions of the project per scene at `nowMs`. */
  count(projectId: string, nowMs: number): Record<string, number>;
  /** Forget sessions older than the window (also done as sessions are recorded). */
  prune(nowMs: number): void;
  /** Sessions held, across projects. */
  size(): number;
}

/** Settings. */
export interface PresenceOptions {
  /** A session is active while its latest batch is at most this old, ms (default 60 s). */
  windowMs?: number;
  /** Most sessions held across projects; the least recently seen go first (default 200,000). */
  maxSessions?: number;
}

interface Seen {
  scene: string;
  atMs: number;
}

/** Create an empty presence counter. */
export function createPresence(options: PresenceOptions = {}): Presence {
  const windowMs = options.windowMs ?? 60_000;
  const maxSessions = options.maxSessions ?? 200_000;
  // Per project, sessions in the order they were last seen (a re-seen one moves to the end).
  const projects = new Map<string, Map<string, Seen>>();
  let total = 0;

  function evictOldest(): void {
    let oldest: { project: string; session: string; atMs: number } | undefined;
    for (const [project, sessions] of projects) {
      const first = sessions.entries().next().value;
      if (first && (!oldest || first[1].atMs < oldest.atMs)) oldest = { project, session: first[0], atMs: first[1].atMs };
    }
    if (!oldest) return;
    const sessions = projects.get(oldest.project);
    sessions?.delete(oldest.session);
    if (sessions?.size === 0) projects.delete(oldest.project);
    total--;
  }

  function prune(nowMs: number): void {
    const cutoff = nowMs - windowMs;
    for (const [project, sessions] of projects) {
      for (const [id, seen] of sessions) {
        // In last-seen order: the first recent one ends the sweep.
        if (seen.atMs >= cutoff) break;
        sessions.delete(id);
        total--;
      }
      if (sessions.size === 0) projects.delete(project);
    }
  }

  return {
    record(projectId, sessionId, sceneId, atMs) {
      const previous = projects.get(projectId)?.get(sessionId);
      // A sighting older than the one held (a clock step back) changes nothing.
      if (previous && previous.atMs > atMs) return;
      if (previous) {
        projects.get(projectId)?.delete(sessionId);
        total--;
      }
      while (total >= maxSessions) evictOldest();
      let sessions = projects.get(projectId);
      if (!sessions) projects.set(projectId, (sessions = new Map()));
      sessions.set(sessionId, { scene: sceneId, atMs });
      total++;
    },
    count(projectId, nowMs) {
      const cutoff = nowMs - windowMs;
      const scenes: Record<string, number> = {};
      for (const seen of projects.get(projectId)?.values() ?? []) {
        if (seen.atMs >= cutoff) scenes[seen.scene] = (scenes[seen.scene] ?? 0) + 1;
      }
      return scenes;
    },
    prune,
    size: () => total,
  };
}
