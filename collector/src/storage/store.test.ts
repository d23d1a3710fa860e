/**
 * The Store contract, run on both drivers: embedded PGlite in a temporary data directory and a
 * real PostgreSQL server started for this file.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startPostgres, type PostgresServer } from '../../../test/postgres-server.js';
import { NIL_PROJECT_ID, StoreError, openStore, schema, storeErrorOf, type Store, type StoreKind } from './index.js';

const TABLES = ['agg_custom_events', 'agg_daily_visitors', 'agg_error_sessions', 'agg_errors', 'agg_histograms', 'agg_mesh_attention', 'agg_perf_totals', 'agg_traffic_sources', 'agg_view_directions', 'agg_visitor_hashes', 'agg_voxels', 'api_keys', 'audit_log', 'demo_pages', 'dlq', 'drops_daily', 'event_counts_hourly', 'funnels', 'identity_links', 'ingest_batches', 'operator_projects', 'operator_sessions', 'operators', 'projects', 'rate_buckets', 'scene_proxies', 'scenes', 'session_chunks', 'sessions', 'sign_in_failures', 'usage_monthly', 'visitor_salts'];
/** Migrations in the history (meta/_journal.json), so adding one does not break this test. */
const MIGRATIONS: number = (JSON.parse(readFileSync(new URL('./migrations/meta/_journal.json', import.meta.url), 'utf8')) as { entries: unknown[] }).entries.length;
const PROJECT = '11111111-2222-4333-8444-555555555555';

describe.each<StoreKind>(['embedded', 'postgres'])('%s store', (kind) => {
  let dataDir: string;
  let server: PostgresServer | undefined;
  let store: Store;
  const open = () => openStore({ dataDir, databaseUrl: server?.url });

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'vantage-store-'));
    if (kind === 'postgres') server = await startPostgres();
    store = await open();
    await store.db.insert(schema.projects).values({ id: PROJECT, name: 'Test project' });
  });

  afterAll(async () => {
    await store?.close();
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  test('reports its kind and answers ping', async () => {
    expect(store.kind).toBe(kind);
    await expect(store.ping()).resolves.toBeUndefined();
  });

  test('migrations create every table and the audit triggers', async () => {
    const tables = await store.query<{ table_name: string }>(
      `select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(TABLES);
    const triggers = await store.query<{ trigger_name: string; event_manipulation: string }>(
      `select trigger_name, event_manipulation from information_schema.triggers
       where event_object_table = 'audit_log' order by 1, 2`,
    );
    expect(triggers.map((t) => `${t.trigger_name}:${t.event_manipulation}`)).toEqual([
      'audit_log_no_update_or_delete:DELETE',
      'audit_log_no_update_or_delete:UPDATE',
    ]);
    // information_schema does not list TRUNCATE triggers; pg_trigger does.
    const truncate = await store.query(`select 1 from pg_trigger where tgname = 'audit_log_no_truncate'`);
    expect(truncate).toHaveLength(1);
  });

  test('opening again applies no migration and keeps the data', async () => {
    const count = `select count(*) as n from drizzle.__drizzle_migrations`;
    const [before] = await store.query<{ n: number }>(count);
    expect(before?.n).toBe(MIGRATIONS);
    await store.close();
    store = await open();
    const [after] = await store.query<{ n: number }>(count);
    expect(after?.n).toBe(MIGRATIONS);
    const projects = await store.db.select().from(schema.projects);
    expect(projects.map((p) => p.name)).toEqual(['Test project']);
  });

  test('raw queries return Date, parsed jsonb, Buffer, int8 as number and text[]', async () => {
    const at = new Date('2024-05-06T07:08:09.123Z');
    const envelope = { events: [1, 'two', { three: 3 }], nothing: null, nested: { ok: true } };
    const payload = Buffer.from([0, 1, 2, 127, 128, 254, 255]);
    const id = 'aaaaaaaa-0000-4000-8000-000000000001';
    await store.query(
      `insert into dlq (project_id, id, received_at, reason, content_type, envelope, payload)
       values ($1, $2, $3, $4, $5, $6, $7)`,
      [NIL_PROJECT_ID, id, at, 'invalid_event', 'application/json', envelope, payload],
    );
    const [row] = await store.query(
      `select received_at, envelope, payload, $2::int8 as big, count(*) over () as total,
              array['https://a.example', 'with,comma', 'quote"d', '']::text[] as origins
       from dlq where id = $1`,
      [id, 2 ** 40 + 1],
    );
    expect(row?.received_at).toBeInstanceOf(Date);
    expect((row?.received_at as Date).toISOString()).toBe(at.toISOString());
    expect(row?.envelope).toEqual(envelope);
    expect(Buffer.isBuffer(row?.payload)).toBe(true);
    expect(row?.payload).toEqual(payload);
    expect(row?.big).toBe(2 ** 40 + 1);
    expect(row?.total).toBe(1);
    expect(row?.origins).toEqual(['https://a.example', 'with,comma', 'quote"d', '']);

    // A string for a json/jsonb parameter is JSON text (as drizzle and the ingest SQL send it).
    const [json] = await store.query(`select $1::jsonb as j, $2::jsonb as s, $3::timestamptz as t`, [
      '{"a":[1,2]}',
      JSON.stringify('text'),
      '2024-05-06 07:08:09.123456+00',
    ]);
    expect(json).toEqual({ j: { a: [1, 2] }, s: 'text', t: new Date('2024-05-06T07:08:09.123Z') });
  });

  test('drizzle queries map every column type both ways', async () => {
    const hour = new Date('2024-01-02T03:00:00.000Z');
    await store.db.insert(schema.eventCountsHourly).values({ projectId: PROJECT, sceneId: 's', hour, type: 'click', events: 2 ** 41 });
    const [counts] = await store.db.select().from(schema.eventCountsHourly);
    expect(counts).toEqual({ projectId: PROJECT, sceneId: 's', hour, type: 'click', events: 2 ** 41 });

    const payload = new Uint8Array([9, 8, 7, 0]);
    const [dead] = await store.db
      .insert(schema.dlq)
      .values({ projectId: PROJECT, reason: 'bad', contentType: 'application/msgpack', payload, envelope: { k: ['v'] } })
      .returning();
    expect(dead?.receivedAt).toBeInstanceOf(Date);
    expect(Buffer.from(dead?.payload ?? [])).toEqual(Buffer.from(payload));
    expect(dead?.envelope).toEqual({ k: ['v'] });

    await store.db
      .update(schema.projects)
      .set({ allowedOrigins: ['https://shop.example', 'http://localhost:5173'], hashRotationHours: 48 })
      .where(eq(schema.projects.id, PROJECT));
    await store.db.insert(schema.apiKeys).values({ projectId: PROJECT, kind: 'pk', tokenHash: 'ab'.repeat(32), prefix: 'pk_ab' });
    // A partial select with a join runs in array mode: values must come back in select order.
    const joined = await store.db
      .select({ origins: schema.projects.allowedOrigins, kind: schema.apiKeys.kind, created: schema.apiKeys.createdAt, hours: schema.projects.hashRotationHours })
      .from(schema.apiKeys)
      .innerJoin(schema.projects, eq(schema.apiKeys.projectId, schema.projects.id))
      .where(and(eq(schema.apiKeys.projectId, PROJECT), eq(schema.apiKeys.kind, 'pk')));
    expect(joined).toEqual([{ origins: ['https://shop.example', 'http://localhost:5173'], kind: 'pk', created: expect.any(Date), hours: 48 }]);
    const found = await store.db.query.projects.findFirst({ where: eq(schema.projects.id, PROJECT) });
    expect(found).toMatchObject({ id: PROJECT, hashRotationHours: 48, createdAt: expect.any(Date) });
  });

  test('a transaction is all or nothing', async () => {
    const insert = store.db.insert(schema.scenes).values({ projectId: PROJECT, id: 'atomic', capture: { gaze: true } }).toSQL();
    const failing = { sql: 'insert into scenes (project_id, id) values ($1, $2)', params: [PROJECT, 'atomic'] };
    await expect(store.transaction([insert, failing])).rejects.toMatchObject({ code: '23505' });
    expect(await store.query(`select id from scenes where id = 'atomic'`)).toEqual([]);

    const results = await store.transaction([
      insert,
      { sql: `select id, capture from scenes where id = $1`, params: ['atomic'] },
    ]);
    expect(results).toEqual([[], [{ id: 'atomic', capture: { gaze: true } }]]);
  });

  test('concurrent transactions run whole, and one failure undoes only itself', async () => {
    const batch = (seq: number) => [
      { sql: `insert into ingest_batches (project_id, session_id, seq, scene_id, events) values ($1, 'conc', $2, 's', 1)`, params: [PROJECT, seq] },
      seq === 5
        ? { sql: `select 1 / 0`, params: [] }
        : { sql: `select count(*) as n from ingest_batches where session_id = 'conc' and seq = $1`, params: [seq] },
    ];
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => store.transaction(batch(i))));
    expect(outcomes.map((o) => o.status)).toEqual(outcomes.map((_, i) => (i === 5 ? 'rejected' : 'fulfilled')));
    expect(outcomes[5]).toMatchObject({ reason: { code: '22012' } });
    const seqs = await store.query<{ seq: number }>(`select seq from ingest_batches where session_id = 'conc' order by seq`);
    expect(seqs.map((r) => r.seq)).toEqual([0, 1, 2, 3, 4, 6, 7, 8, 9]);
  });

  test('database errors keep the server message and SQLSTATE', async () => {
    const duplicate = store.query('insert into projects (id, name) values ($1, $2)', [PROJECT, 'again']);
    await expect(duplicate).rejects.toBeInstanceOf(StoreError);
    await expect(duplicate).rejects.toMatchObject({
      code: '23505',
      constraint: 'projects_pkey',
      message: expect.stringContaining('duplicate key value violates unique constraint'),
    });
    await expect(store.query('select from nowhere_at_all')).rejects.toMatchObject({ code: '42P01' });
    await expect(store.query('selec 1')).rejects.toMatchObject({ code: '42601' });
    await expect(store.query(`update projects set privacy_mode = 'bogus'`)).rejects.toMatchObject({
      code: '23514',
      constraint: 'projects_privacy_mode_check',
    });

    // drizzle wraps driver errors in DrizzleQueryError; the StoreError is its cause.
    const viaDrizzle = await store.db
      .insert(schema.projects)
      .values({ id: PROJECT, name: 'again' })
      .then(() => undefined, (error: unknown) => error);
    expect(storeErrorOf(viaDrizzle)?.code).toBe('23505');
    await expect(store.ping()).resolves.toBeUndefined();
  });

  test('audit_log takes inserts and refuses UPDATE, DELETE and TRUNCATE', async () => {
    await store.db.insert(schema.auditLog).values({ projectId: PROJECT, actor: 'sk_test', action: 'forget', detail: { sessions: 2 } });
    const refused = { code: 'P0001', message: expect.stringContaining('audit_log is append-only') };
    await expect(store.query(`update audit_log set actor = 'someone else'`)).rejects.toMatchObject(refused);
    await expect(store.query(`delete from audit_log`)).rejects.toMatchObject(refused);
    await expect(store.query(`truncate audit_log`)).rejects.toMatchObject(refused);
    await expect(store.transaction([{ sql: `delete from audit_log where project_id = $1`, params: [PROJECT] }])).rejects.toMatchObject(refused);
    const rows = await store.db.select().from(schema.auditLog);
    expect(rows).toEqual([expect.objectContaining({ actor: 'sk_test', action: 'forget', detail: { sessions: 2 } })]);
  });

  test('close ends the store; later calls reject and closing twice is harmless', async () => {
    await store.close();
    await expect(store.ping()).rejects.toThrow();
    await expect(store.close()).resolves.toBeUndefined();
  });
});
