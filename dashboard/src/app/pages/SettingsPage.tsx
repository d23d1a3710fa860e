/**
 * Settings of the project: privacy mode, retention, hash rotation and allowed origins
 * (`PATCH /api/v1/project`); API keys (create — the token is shown once —, list, revoke); the
 * audit log; the dead-letter queue (admins only). A viewer sees the settings read-only, without
 * key creation, revocation or the DLQ.
 */
import { useState, type FormEvent, type ReactElement } from 'react';
import type { Scope } from '../App.js';
import { send } from '../api.js';
import { formatTime } from '../format.js';
import { useApi } from '../hooks.js';
import { DeadLetters } from './DeadLetters.js';

interface ProjectSettings {
  id: string;
  name: string;
  privacy_mode: 'standard' | 'strict' | 'paranoid';
  retention_days: number;
  hash_rotation_hours: number | null;
  allowed_origins: string[];
}
interface KeyRow {
  id: string;
  kind: 'pk' | 'sk';
  prefix: string;
  label: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}
interface AuditRow {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  detail: unknown;
}

/** The settings page. */
export function SettingsPage({ scope }: { scope: Scope }): ReactElement {
  const project = useApi<ProjectSettings>('/api/v1/project');
  const keys = useApi<{ keys: KeyRow[] }>('/api/v1/keys');
  const audit = useApi<{ items: AuditRow[] }>('/api/v1/audit?limit=25');
  const canWrite = scope.role === 'admin';
  return (
    <div className="page">
      <h1>Settings</h1>
      {!canWrite && <p className="notice">You are a viewer in this project: settings are read-only. An admin changes them.</p>}
      {project.error && <p role="alert">Could not read the settings: {project.error.message}</p>}
      {project.data && <ProjectForm key={project.data.id} settings={project.data} canWrite={canWrite} onSaved={() => (project.reload(), audit.reload())} />}
      <Keys rows={keys.data?.keys ?? []} error={keys.error} canWrite={canWrite} onChanged={() => (keys.reload(), audit.reload())} />
      {canWrite && <DeadLetters />}
      <section className="card">
        <h2>Audit log</h2>
        {audit.error && <p role="alert">{audit.error.message}</p>}
        <table>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">Target</th>
            </tr>
          </thead>
          <tbody>
            {(audit.data?.items ?? []).map((a) => (
              <tr key={a.id}>
                <td>{formatTime(a.at)}</td>
                <td>{a.actor}</td>
                <td>
                  <code>{a.action}</code>
                </td>
                <td>{a.target ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}

function ProjectForm({ settings, canWrite, onSaved }: { settings: ProjectSettings; canWrite: boolean; onSaved(): void }): ReactElement {
  const [privacy, setPrivacy] = useState(settings.privacy_mode);
  const [retention, setRetention] = useState(String(settings.retention_days));
  const [rotation, setRotation] = useState(settings.hash_rotation_hours === null ? '' : String(settings.hash_rotation_hours));
  const [origins, setOrigins] = useState(settings.allowed_origins.join('\n'));
  const [status, setStatus] = useState('');
  async function save(event: FormEvent) {
    event.preventDefault();
    setStatus('Saving…');
    try {
      await send('PATCH', '/api/v1/project', {
        privacy_mode: privacy,
        retention_days: Number(retention),
        hash_rotation_hours: rotation.trim() === '' ? null : Number(rotation),
        allowed_origins: origins.split(/\s+/).filter((o) => o.length > 0),
      });
      setStatus('Saved.');
      onSaved();
    } catch (error) {
      setStatus(`Not saved: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return (
    <form className="card fields" onSubmit={save} aria-labelledby="project-settings">
      <h2 id="project-settings">Project · {settings.name}</h2>
      <fieldset className="plain" disabled={!canWrite}>
      <label htmlFor="privacy">Privacy mode</label>
      <select id="privacy" value={privacy} onChange={(e) => setPrivacy(e.target.value as ProjectSettings['privacy_mode'])}>
        <option value="standard">standard</option>
        <option value="strict">strict</option>
        <option value="paranoid">paranoid</option>
      </select>
      <label htmlFor="retention">Retention (days)</label>
      <input id="retention" type="number" min={1} max={3650} required value={retention} onChange={(e) => setRetention(e.target.value)} />
      <label htmlFor="rotation">Visitor hash rotation (hours; empty = the collector's default)</label>
      <input id="rotation" type="number" min={1} max={8760} value={rotation} onChange={(e) => setRotation(e.target.value)} />
      <label htmlFor="origins">Allowed origins (one per line)</label>
      <textarea id="origins" rows={3} value={origins} onChange={(e) => setOrigins(e.target.value)} />
      </fieldset>
      {canWrite && (
        <div>
          <button type="submit">Save settings</button> <span role="status">{status}</span>
        </div>
      )}
    </form>
  );
}

function Keys({ rows, error, canWrite, onChanged }: { rows: KeyRow[]; error: Error | undefined; canWrite: boolean; onChanged(): void }): ReactElement {
  const [kind, setKind] = useState<'pk' | 'sk'>('pk');
  const [label, setLabel] = useState('');
  const [created, setCreated] = useState<{ token: string; kind: string } | null>(null);
  const [status, setStatus] = useState('');
  async function create(event: FormEvent) {
    event.preventDefault();
    try {
      const answer = await send<{ token: string; kind: string }>('POST', '/api/v1/keys', { kind, label });
      setCreated(answer);
      setLabel('');
      setStatus('');
      onChanged();
    } catch (e) {
      setStatus(`Not created: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  async function revoke(row: KeyRow) {
    if (!confirm(`Revoke ${row.prefix}… (${row.label || row.kind})? Clients using it stop working within 30 s.`)) return;
    try {
      await send('DELETE', `/api/v1/keys/${row.id}`);
      setStatus(`Revoked ${row.prefix}…`);
      onChanged();
    } catch (e) {
      setStatus(`Not revoked: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return (
    <section className="card">
      <h2>API keys</h2>
      {error && <p role="alert">{error.message}</p>}
      {canWrite && (
      <form className="toolbar" onSubmit={create} aria-label="Create a key">
        <label>
          Kind{' '}
          <select value={kind} onChange={(e) => setKind(e.target.value as 'pk' | 'sk')}>
            <option value="pk">publishable (pk, for browsers)</option>
            <option value="sk">secret (sk, for servers)</option>
          </select>
        </label>
        <label>
          Label <input value={label} maxLength={100} onChange={(e) => setLabel(e.target.value)} />
        </label>
        <button type="submit">Create key</button>
      </form>
      )}
      {created && (
        <div className="notice" role="status">
          <p>Copy this {created.kind} key now: it is shown only this once.</p>
          <code className="token" data-testid="new-token">
            {created.token}
          </code>{' '}
          <button type="button" onClick={() => setCreated(null)}>
            Done
          </button>
        </div>
      )}
      <p role="status">{status}</p>
      <table>
        <thead>
          <tr>
            <th scope="col">Key</th>
            <th scope="col">Kind</th>
            <th scope="col">Label</th>
            <th scope="col">Created</th>
            <th scope="col">Last used</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((k) => (
            <tr key={k.id}>
              <td>
                <code>{k.prefix}…</code>
              </td>
              <td>{k.kind}</td>
              <td>{k.label || '—'}</td>
              <td>{formatTime(k.createdAt)}</td>
              <td>{k.lastUsedAt ? formatTime(k.lastUsedAt) : 'never'}</td>
              <td>
                {k.revokedAt ? (
                  `revoked ${formatTime(k.revokedAt)}`
                ) : canWrite ? (
                  <button type="button" onClick={() => revoke(k)} aria-label={`Revoke key ${k.prefix}… ${k.label}`}>
                    Revoke
                  </button>
                ) : (
                  'active'
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
