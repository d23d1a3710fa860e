/**
 * The status panel: what the client did, read from its public handle about once a second —
 * events queued and acknowledged, the session, the capture flags in force. Text only
 * (`textContent`), never markup built from values.
 */
import type { RemoteConfig, VantageClient } from '@vantage/sdk-core';

/** How often the panel reads the client's counters (ms). */
const REFRESH_MS = 1000;

/** A running panel; `stop()` ends its refreshes. */
export interface StatusPanel {
  /** Read the client now (also done every second). */
  refresh(): void;
  stop(): void;
}

/** `n` and the noun, singular or plural. */
function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** One `<dt>`/`<dd>` row of the panel. */
function row(list: HTMLDListElement, label: string): HTMLElement {
  const dt = document.createElement('dt');
  dt.textContent = label;
  const dd = document.createElement('dd');
  list.append(dt, dd);
  return dd;
}

/**
 * Show `client`'s activity in `body` (the panel's placeholder paragraph, replaced by a list) and
 * reveal `optOutNote` when Do Not Track or Global Privacy Control silenced the client.
 */
export function createStatusPanel(client: VantageClient, body: HTMLElement, optOutNote: HTMLElement | null): StatusPanel {
  const list = document.createElement('dl');
  const session = row(list, 'Session');
  const queued = row(list, 'Queued');
  const sent = row(list, 'Acknowledged');
  const retries = row(list, 'Retries');
  const dropped = row(list, 'Dropped');
  const config = row(list, 'Scene config');
  const capture = row(list, 'Capture');
  body.replaceWith(list);

  let configSeen: RemoteConfig | undefined;
  const unsubscribe = client.onConfig((c) => {
    configSeen = c;
    refresh();
  });

  function refresh(): void {
    const s = client.stats;
    if (optOutNote !== null) optOutNote.hidden = !client.optedOut;
    const id = client.sessionId;
    session.textContent = id === undefined ? (client.active ? 'between sessions' : 'none (inactive)') : `${id.slice(0, 8)}…`;
    queued.textContent = `${count(s.queuedTotal, 'event')}, ${s.queued} waiting`;
    sent.textContent = `${count(s.sentEvents, 'event')} in ${count(s.sentBatches, 'batch', 'batches')}${s.beaconEvents > 0 ? `, ${s.beaconEvents} by beacon` : ''}`;
    retries.textContent = String(s.retries);
    const lost = s.droppedOverflow + s.droppedInvalid + s.droppedByHook + s.droppedDisabled + s.droppedUndelivered + s.droppedByCollector;
    dropped.textContent = `${lost}${s.droppedDisabled > 0 ? ` (${s.droppedDisabled} of channels that are off)` : ''}`;
    config.textContent = configSeen !== undefined || client.config !== undefined ? 'received from the collector' : 'waiting (strict defaults)';
    const flags = Object.entries(client.capture);
    const off = flags.filter(([, on]) => !on).map(([type]) => type);
    capture.textContent = `${flags.length - off.length} channels on${off.length > 0 ? `; off: ${off.join(', ')}` : ''}`;
  }

  refresh();
  const timer = setInterval(refresh, REFRESH_MS);
  return {
    refresh,
    stop() {
      clearInterval(timer);
      unsubscribe();
    },
  };
}
