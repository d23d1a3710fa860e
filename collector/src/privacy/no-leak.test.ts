/**
 * The module's promise about its own output: no error it throws and nothing it writes carries a
 * raw IP address or user agent, whatever visitors send. Every public function is fed hostile
 * input (the kinds of value that make the libraries underneath throw and quote their input);
 * what it throws is searched for the input, and so is everything written to the console.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Store } from '../storage/types.js';
import { clientAddress, countryOf, createVisitorHasher, gpuClass, isBot, limitProps, minimiseSession, normaliseIp, parseUserAgent, referrerOrigin, reduceUrl } from './index.js';

const IP_MARK = '203.0.113.251';
const UA_MARK = 'LeakMarkerUA/7.3';

/** Values a client controls, each carrying one of the markers. */
const HOSTILE: unknown[] = [
  IP_MARK,
  ` ${IP_MARK} `,
  `0${IP_MARK}`, // octal-looking: ipaddr.js's message for these quotes the input
  `${IP_MARK}.9`,
  `${IP_MARK}:99999`,
  `[${IP_MARK}]`,
  `::ffff:${IP_MARK}`,
  `fe80::1%${IP_MARK}`,
  `${IP_MARK}/33`,
  `0x${IP_MARK}`,
  `${'9'.repeat(5000)}${IP_MARK}`,
  UA_MARK,
  `Mozilla/5.0 (${UA_MARK}) \u0000\uFFFF\uD800`,
  `${UA_MARK}${'('.repeat(10_000)}`,
  `https://${IP_MARK}/${UA_MARK}?q=${UA_MARK}`,
  `http://[${IP_MARK}]/`,
  `%${UA_MARK}%`,
  // Wrong types, as a bug upstream could pass.
  12345,
  { toString: () => IP_MARK },
  [IP_MARK, UA_MARK],
  null,
  undefined,
];

function leaks(value: unknown): boolean {
  const text = value instanceof Error ? [value.message, value.stack, JSON.stringify(value, Object.getOwnPropertyNames(value)), String(value.cause)].join('\n') : String(value);
  return text.includes(IP_MARK) || text.includes(UA_MARK) || text.includes('LeakMarker');
}

/** Run `fn`; if it throws, the error must not carry a marker. Returns what it threw, if anything. */
async function expectNoLeakFrom(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
    return undefined;
  } catch (error) {
    expect(leaks(error), `a thrown error carries visitor input: ${String(error)}`).toBe(false);
    return error;
  }
}

describe('the privacy module never leaks a raw IP or user agent', () => {
  const written: string[] = [];
  beforeEach(() => {
    written.length = 0;
    for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void written.push(args.map(String).join(' ')));
    }
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    expect(written.filter(leaks)).toEqual([]);
  });

  it('pure functions neither throw on hostile input nor write anything', async () => {
    const thrown: unknown[] = [];
    for (const value of HOSTILE) {
      const s = value as string;
      for (const fn of [
        () => clientAddress(s, s, { kind: 'off' }),
        () => clientAddress(s, s, { kind: 'hops', hops: 2 }),
        () => clientAddress('10.0.0.1', [s, s], { kind: 'cidrs', cidrs: ['10.0.0.0/8'] }),
        () => clientAddress('10.0.0.1', s, { kind: 'cidrs', cidrs: ['10.0.0.0/8'] }),
        () => normaliseIp(s),
        () => countryOf(s),
        () => parseUserAgent(s),
        () => isBot(s),
        () => reduceUrl(s),
        () => referrerOrigin(s),
        () => gpuClass(s),
        () => limitProps({ ua: s }),
        () => minimiseSession('standard', { ip: s, userAgent: s, url: s, referrer: s, gpu: s, lang: s }),
        () => minimiseSession('strict', { ip: s, userAgent: s, url: s, referrer: s, gpu: s, lang: s }),
      ]) {
        const error = await expectNoLeakFrom(fn);
        if (error !== undefined) thrown.push(error);
      }
    }
    expect(thrown).toEqual([]);
    expect(written).toEqual([]);
  });

  it('nothing it stores or returns from minimisation carries the raw input', () => {
    for (const value of HOSTILE) {
      const s = value as string;
      for (const mode of ['standard', 'strict', 'paranoid'] as const) {
        const record = minimiseSession(mode, { ip: s, userAgent: s, url: null, referrer: null, gpu: s, lang: s });
        expect(leaks(JSON.stringify(record)), JSON.stringify(record)).toBe(false);
      }
    }
  });

  it('hasher errors carry neither the visitor nor what the store said', async () => {
    const store = {
      kind: 'postgres',
      query: async (sql: string, params: unknown[] = []) => {
        throw new Error(`driver quoting everything: ${sql} ${params.map(String).join(' ')} ${IP_MARK} ${UA_MARK}`);
      },
    } as unknown as Store;
    const hasher = createVisitorHasher(store, { defaultRotationHours: 24 });
    for (const value of HOSTILE) {
      const s = value as string;
      const visitor = { projectId: '00000000-0000-4000-8000-000000000001', ip: s, userAgent: s };
      const errors = [
        await expectNoLeakFrom(() => hasher.visitorHash(visitor)),
        await expectNoLeakFrom(() => hasher.previousVisitorHash(visitor)),
        await expectNoLeakFrom(() => hasher.ipHash(visitor.projectId, s)),
        await expectNoLeakFrom(() => hasher.pruneSalts()),
      ];
      // They do fail (the store is down); the point is what the failure says.
      expect(errors.every((e) => e instanceof Error)).toBe(true);
    }
  });
});
