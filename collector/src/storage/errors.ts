/**
 * One error type for what the database refused, whichever driver ran the statement, so callers
 * branch on the SQLSTATE `code` (`23505` unique violation, `P0001` raised exception…) without
 * knowing whether postgres.js or PGlite is behind the store.
 */

/** The fields of a PostgreSQL ErrorResponse that both drivers report. */
export interface StoreErrorFields {
  /** The server's primary message. */
  message: string;
  /** SQLSTATE, five characters (https://www.postgresql.org/docs/current/errcodes-appendix.html). */
  code: string;
  severity?: string | undefined;
  detail?: string | undefined;
  hint?: string | undefined;
  where?: string | undefined;
  schema?: string | undefined;
  table?: string | undefined;
  column?: string | undefined;
  constraint?: string | undefined;
}

/** A statement the database refused; `message` and `code` are the server's own. */
export class StoreError extends Error implements StoreErrorFields {
  override readonly name = 'StoreError';
  readonly code: string;
  readonly severity: string | undefined;
  readonly detail: string | undefined;
  readonly hint: string | undefined;
  readonly where: string | undefined;
  readonly schema: string | undefined;
  readonly table: string | undefined;
  readonly column: string | undefined;
  readonly constraint: string | undefined;

  constructor(fields: StoreErrorFields, options?: { cause?: unknown }) {
    super(fields.message, options);
    this.code = fields.code;
    this.severity = fields.severity;
    this.detail = fields.detail;
    this.hint = fields.hint;
    this.where = fields.where;
    this.schema = fields.schema;
    this.table = fields.table;
    this.column = fields.column;
    this.constraint = fields.constraint;
  }
}

/**
 * The {@link StoreError} in `error` or its `cause` chain, if any. Queries through drizzle's
 * `db` reject with drizzle's `DrizzleQueryError` (whose message lists the SQL and parameters),
 * with the StoreError as its cause: `storeErrorOf(e)?.code === '23505'` works for both.
 */
export function storeErrorOf(error: unknown): StoreError | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (e instanceof StoreError) return e;
  }
  return undefined;
}

/** The fields of `error` if it is an ErrorResponse from PGlite (pg-protocol `DatabaseError`). */
export function pgliteErrorFields(error: unknown): StoreErrorFields | undefined {
  if (!(error instanceof Error)) return undefined;
  const e = error as Error & Record<string, unknown>;
  // An ErrorResponse always has a severity; system errors (EPIPE…) do not.
  if (!isSqlState(e.code) || typeof e.severity !== 'string') return undefined;
  return {
    message: e.message,
    code: e.code as string,
    severity: str(e.severity),
    detail: str(e.detail),
    hint: str(e.hint),
    where: str(e.where),
    schema: str(e.schema),
    table: str(e.table),
    column: str(e.column),
    constraint: str(e.constraint),
  };
}

/** `error` as a {@link StoreError} if postgres.js reported a server ErrorResponse, else as is. */
export function fromPostgresJs(error: unknown): unknown {
  if (!(error instanceof Error) || error.name !== 'PostgresError') return error;
  const e = error as Error & Record<string, unknown>;
  if (!isSqlState(e.code)) return error;
  return new StoreError(
    {
      message: e.message,
      code: e.code,
      severity: str(e.severity),
      detail: str(e.detail),
      hint: str(e.hint),
      where: str(e.where),
      schema: str(e.schema_name),
      table: str(e.table_name),
      column: str(e.column_name),
      constraint: str(e.constraint_name),
    },
    { cause: error },
  );
}

function isSqlState(code: unknown): code is string {
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
