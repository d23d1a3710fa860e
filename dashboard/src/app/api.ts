/**
 * The dashboard's only way to the collector: same-origin fetches with the session cookie, the
 * chosen project in `X-Vantage-Project` and, on writes, the session's CSRF token. Errors come
 * back as {@link ApiError} with the collector's stable code and its (safe to show) message.
 */

/** A project the operator belongs to. */
export interface ProjectRef {
  id: string;
  name: string;
  role: 'admin' | 'viewer';
}

/** The signed-in operator. */
export interface Operator {
  id: string;
  email: string;
  projects: ProjectRef[];
}

/** What sign-in and `GET /api/v1/auth/me` answer. */
export interface SessionInfo {
  operator: Operator;
  csrfToken: string;
  /** The origins the operator's scene models load from (a page loaded signed in may load them). */
  modelOrigins: string[];
}

/** A refused request: HTTP status, the collector's error code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let csrfToken = '';
let projectId = '';

/** Remember the session's CSRF token (after sign-in or `me`). */
export function setCsrfToken(token: string): void {
  csrfToken = token;
}

/** The project every following call is about. */
export function setProject(id: string): void {
  projectId = id;
}

/** Query string from the defined entries of `params`. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') search.set(k, String(v));
  const text = search.toString();
  return text ? `?${text}` : '';
}

async function failure(response: Response): Promise<ApiError> {
  let code = 'http_error';
  let message = `the collector answered ${response.status}`;
  try {
    const body = (await response.json()) as { error?: string; message?: string };
    code = body.error ?? code;
    message = body.message ?? message;
  } catch {
    // not JSON: keep the generic text
  }
  return new ApiError(response.status, code, message);
}

/** Send a request; answers the raw response when it is OK, else throws {@link ApiError}. */
export async function request(method: string, path: string, body?: unknown, accept = 'application/json'): Promise<Response> {
  const headers: Record<string, string> = { Accept: accept };
  if (projectId) headers['X-Vantage-Project'] = projectId;
  if (method !== 'GET' && method !== 'HEAD') headers['X-CSRF-Token'] = csrfToken;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  if (!response.ok) throw await failure(response);
  return response;
}

/** `GET` a JSON answer. */
export async function getJson<T>(path: string): Promise<T> {
  return (await (await request('GET', path)).json()) as T;
}

/** A write with a JSON body; answers the JSON reply, or null for `204`. */
export async function send<T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T | null> {
  const response = await request(method, path, body);
  if (response.status === 204) return null;
  return (await response.json()) as T;
}

/** Sign in; throws `ApiError` (`401 invalid_credentials`, `429 rate_limited`) when refused. */
export async function signIn(email: string, password: string): Promise<SessionInfo> {
  const info = (await send<SessionInfo>('POST', '/api/v1/auth/sign-in', { email, password })) as SessionInfo;
  setCsrfToken(info.csrfToken);
  return info;
}

/** The current session, or null when not signed in. */
export async function currentSession(): Promise<SessionInfo | null> {
  try {
    const info = await getJson<SessionInfo>('/api/v1/auth/me');
    setCsrfToken(info.csrfToken);
    return info;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

/** End the session. */
export async function signOut(): Promise<void> {
  await send('POST', '/api/v1/auth/sign-out');
  csrfToken = '';
  projectId = '';
}
