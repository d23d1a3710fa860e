/**
 * Compare what went over the wire with what the collector stored, per event type, while the page
 * is still capturing: a batch can leave between the two readings, so both sides are read again
 * until two readings agree (or `timeoutMs` passes), and the last pair is returned for the test to
 * assert on. A real loss or a double shows as a pair that never agrees.
 */
export async function settledCounts(
  sent: () => Record<string, number>,
  stored: () => Promise<Record<string, number>>,
  timeoutMs = 8000,
): Promise<{ sent: Record<string, number>; stored: Record<string, number> }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // The collector first: a batch stored is on the wire already, so wire ≥ stored when no batch
    // leaves in between, and a batch that does leave makes the two differ until the next try.
    const storedNow = sorted(await stored());
    const sentNow = sorted(sent());
    if (JSON.stringify(storedNow) === JSON.stringify(sentNow) || Date.now() > deadline) return { sent: sentNow, stored: storedNow };
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

function sorted(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : 1)));
}
