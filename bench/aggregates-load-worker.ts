/**
 * A load worker of the aggregates benchmark, forked by `aggregates.ts`: sends copies of the
 * simulated sessions ({@link copyBatch}) as msgpack to the collector, each copy from its own
 * visitor (`X-Forwarded-For`, `User-Agent`), `concurrency` requests in flight over kept-alive
 * sockets, until it has sent `events` events or its time is up. Like the SDK, it sends a batch
 * again after a 429, a 5xx or a network error (with backoff, a few times); those answers are
 * counted. Loopback only.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { assertLoopbackUrl } from '@vantage/fixtures';
import { encodeBatchBytes, MSGPACK_CONTENT_TYPE } from '@vantage/sdk-core';
import { copyBatch, copySessionId, sessionBackMs, visitorAddress, visitorUserAgent, type TrafficSession } from './aggregates-traffic.js';
import { percentile } from './stats.js';
import { serveOneJob } from './worker-side.js';

/** To the worker: what to send, where, and how much. */
export interface AggregateLoadJob {
  /** `http://127.0.0.1:<port>/api/v1/collect`. */
  readonly url: string;
  /** A publishable key of the project. */
  readonly key: string;
  /** This worker's number: part of every copy's session id, so workers never send the same session. */
  readonly worker: number;
  readonly sessions: readonly TrafficSession[];
  /** Stop once this many events were sent. */
  readonly events: number;
  readonly concurrency: number;
  /** Stop sending after this long even if `events` were not all sent (ms). */
  readonly maxMs: number;
  /** Added to every `sentAt` (ms): the simulated sessions' last `sentAt` becomes about now. */
  readonly shiftMs: number;
}

/** From the worker: what it sent and what the collector answered. */
export interface AggregateLoadReport {
  readonly requests: number;
  readonly events: number;
  /** 2xx answers, and the sum of their `accepted`. */
  readonly ok: number;
  readonly acceptedEvents: number;
  /** Batches given up on, by their last answer: HTTP status or `timeout` / `network`. */
  readonly errors: Record<string, number>;
  /** Answers that made the worker send a batch again, by HTTP status or `timeout` / `network`. */
  readonly retried: Record<string, number>;
  readonly elapsedMs: number;
  /** When the first request went out and the last answer came (epoch ms), to time all workers together. */
  readonly startedAt: number;
  readonly endedAt: number;
  /** CPU time of this worker over its run (user + system, ms). */
  readonly cpuMs: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  /** Session copies started. */
  readonly sessionCopies: number;
}

/** Sends of one batch at most, and the first wait before sending it again (ms, doubling, jittered). */
const ATTEMPTS = 6;
const BACKOFF_MS = 100;

interface Outgoing {
  readonly body: Uint8Array;
  readonly events: number;
  readonly headers: Record<string, string>;
}

/** The batches to send, copy after copy of every session, each with its visitor's headers. */
function* outgoing(job: AggregateLoadJob, started: { copies: number }): Generator<Outgoing> {
  for (let pass = 0; ; pass++) {
    for (const session of job.sessions) {
      const sid = copySessionId(session.sid, job.worker, pass);
      const back = sessionBackMs(sid);
      const headers = { 'x-forwarded-for': visitorAddress(sid), 'user-agent': visitorUserAgent(sid, session.device, session.chromium) };
      started.copies++;
      for (const batch of session.batches) {
        yield { body: encodeBatchBytes(copyBatch(batch, sid, job.shiftMs, back)), events: batch.events.length, headers };
      }
    }
  }
}

serveOneJob<AggregateLoadJob, AggregateLoadReport>(async (job) => {
  const target = assertLoopbackUrl(job.url);
  const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });
  const common = { 'content-type': MSGPACK_CONTENT_TYPE, authorization: `Bearer ${job.key}` };
  const send = (item: Outgoing) =>
    new Promise<{ status: number | string; accepted: number; ms: number }>((resolve) => {
      const t = performance.now();
      const req = request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          timeout: 30_000,
          headers: { ...common, ...item.headers, 'content-length': item.body.byteLength },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', () => resolve({ status: 'network', accepted: 0, ms: performance.now() - t }));
          res.on('end', () => {
            let accepted = 0;
            if (res.statusCode === 202) {
              try {
                accepted = Number((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { accepted?: unknown }).accepted) || 0;
              } catch {
                accepted = 0;
              }
            }
            resolve({ status: res.statusCode ?? 0, accepted, ms: performance.now() - t });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (error) => resolve({ status: error.message === 'timeout' ? 'timeout' : 'network', accepted: 0, ms: performance.now() - t }));
      req.end(item.body);
    });

  /** Send a batch, again after a retryable answer (as the SDK does), up to {@link ATTEMPTS} times. */
  const deliver = async (item: Outgoing) => {
    for (let attempt = 1; ; attempt++) {
      const answer = await send(item);
      latencies.push(answer.ms);
      const retryable = typeof answer.status !== 'number' || answer.status === 429 || answer.status >= 500;
      if (!retryable || attempt === ATTEMPTS) return answer;
      retried[String(answer.status)] = (retried[String(answer.status)] ?? 0) + 1;
      await new Promise((r) => setTimeout(r, BACKOFF_MS * 2 ** (attempt - 1) * (0.5 + Math.random())));
    }
  };
  const retried: Record<string, number> = {};
  const started = { copies: 0 };
  const source = outgoing(job, started);
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  let requests = 0;
  let events = 0;
  let queued = 0;
  let ok = 0;
  let acceptedEvents = 0;
  const cpuBefore = process.cpuUsage();
  const startedAt = Date.now();
  const start = performance.now();
  const deadline = start + job.maxMs;
  const loop = async () => {
    while (queued < job.events && performance.now() < deadline) {
      const item = source.next().value as Outgoing;
      queued += item.events;
      const answer = await deliver(item);
      requests++;
      events += item.events;
      if (typeof answer.status === 'number' && answer.status >= 200 && answer.status < 300) {
        ok++;
        acceptedEvents += answer.accepted;
      } else {
        errors[String(answer.status)] = (errors[String(answer.status)] ?? 0) + 1;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: job.concurrency }, loop));
  } finally {
    agent.destroy();
  }
  return {
    requests,
    events,
    ok,
    acceptedEvents,
    errors,
    retried,
    elapsedMs: performance.now() - start,
    startedAt,
    endedAt: Date.now(),
    cpuMs: ((u) => (u.user + u.system) / 1000)(process.cpuUsage(cpuBefore)),
    latencyP50Ms: percentile(latencies, 0.5),
    latencyP99Ms: percentile(latencies, 0.99),
    sessionCopies: started.copies,
  };
});
