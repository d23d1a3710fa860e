/**
 * The dashboard shell: sign-in when there is no session; otherwise the header (project, scene
 * and time-window pickers, sign-out), the navigation and the page named by the URL's hash
 * (`#/overview`, `#/heatmap`, … — see `PAGES`).
 */
import { lazy, Suspense, useEffect, useMemo, useState, type ComponentType, type ReactElement } from 'react';
import { currentSession, setProject, signOut, type SessionInfo } from './api.js';
import { useApi } from './hooks.js';
import { needsReload, pageAllowedOrigins } from './model-origins.js';
import { CustomEventsPage } from './pages/CustomEventsPage.js';
import { ErrorsPage } from './pages/ErrorsPage.js';
import { FunnelsPage } from './pages/FunnelsPage.js';
import { MeshAttentionPage } from './pages/MeshAttentionPage.js';
import { OverviewPage } from './pages/OverviewPage.js';
import { PerformancePage } from './pages/PerformancePage.js';
import { ScenesPage } from './pages/ScenesPage.js';
import { SessionsPage } from './pages/SessionsPage.js';
import { SettingsPage } from './pages/SettingsPage.js';
import { SignInPage } from './pages/SignInPage.js';
import type { SceneInfo } from './types.js';
import { WINDOWS, type WindowId } from './time-window.js';

/** What every page is about: the project, the scene ('' = all) and the time window. */
export interface Scope {
  projectId: string;
  role: 'admin' | 'viewer';
  scene: string;
  window: WindowId;
  scenes: SceneInfo[];
  reloadScenes(): void;
}

/** The 3D heatmap brings three.js (most of the app's weight): loaded when first opened. */
const HeatmapPage = lazy(() => import('./pages/HeatmapPage.js').then((m) => ({ default: m.HeatmapPage })));

/** The pages, in the navigation's order; the first is the default. */
const PAGES = [
  { id: 'overview', label: 'Overview', Page: OverviewPage },
  { id: 'heatmap', label: '3D heatmap', Page: HeatmapPage },
  { id: 'meshes', label: 'Mesh attention', Page: MeshAttentionPage },
  { id: 'performance', label: 'Performance', Page: PerformancePage },
  { id: 'errors', label: 'Errors', Page: ErrorsPage },
  { id: 'events', label: 'Custom events', Page: CustomEventsPage },
  { id: 'funnels', label: 'Funnels', Page: FunnelsPage },
  { id: 'sessions', label: 'Sessions', Page: SessionsPage },
  { id: 'scenes', label: 'Scenes', Page: ScenesPage },
  { id: 'settings', label: 'Settings', Page: SettingsPage },
] as const satisfies ReadonlyArray<{ id: string; label: string; Page: ComponentType<{ scope: Scope }> }>;
type PageId = (typeof PAGES)[number]['id'];

function pageFromHash(): PageId {
  const id = location.hash.replace(/^#\/?/, '').split('?')[0];
  return PAGES.find((p) => p.id === id)?.id ?? 'overview';
}

/** The whole app. */
export function App(): ReactElement {
  const [session, setSession] = useState<SessionInfo | null | undefined>(undefined);
  const [problem, setProblem] = useState('');
  useEffect(() => {
    currentSession().then(setSession, (e: unknown) => setProblem(e instanceof Error ? e.message : String(e)));
  }, []);
  if (problem) return <main className="centred"><p role="alert">The collector could not be reached: {problem}</p></main>;
  if (session === undefined) return <main className="centred"><p>Loading…</p></main>;
  if (session === null) return <SignInPage onSignedIn={(info) => (needsReload(info.modelOrigins, pageAllowedOrigins()) ? location.reload() : setSession(info))} />;
  return <SignedIn session={session} onSignedOut={() => setSession(null)} />;
}

function SignedIn({ session, onSignedOut }: { session: SessionInfo; onSignedOut(): void }): ReactElement {
  const projects = session.operator.projects;
  const [projectId, setProjectId] = useState(() => localStorage.getItem('vantage.project') ?? '');
  const project = projects.find((p) => p.id === projectId) ?? projects[0];
  const [scene, setScene] = useState('');
  const [window, setWindow] = useState<WindowId>('7d');
  const [page, setPage] = useState<PageId>(pageFromHash);
  useEffect(() => {
    const onHash = () => setPage(pageFromHash());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  if (project) setProject(project.id);
  const CurrentPage = (PAGES.find((p) => p.id === page) ?? PAGES[0]).Page;
  const scenes = useApi<{ scenes: SceneInfo[] }>(project ? '/api/v1/scenes' : null, project?.id);

  const scope: Scope | null = useMemo(
    () => (project ? { projectId: project.id, role: project.role, scene, window, scenes: scenes.data?.scenes ?? [], reloadScenes: scenes.reload } : null),
    [project, scene, window, scenes.data, scenes.reload],
  );

  async function leave() {
    await signOut().catch(() => undefined);
    onSignedOut();
  }

  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">Vantage</span>
        <label htmlFor="pick-project">Project</label>
        <select
            id="pick-project"
            value={project?.id ?? ''}
            onChange={(e) => {
              setProjectId(e.target.value);
              localStorage.setItem('vantage.project', e.target.value);
              setScene('');
            }}
          >
            {projects.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        <label htmlFor="pick-scene">Scene</label>
        <select id="pick-scene" value={scene} onChange={(e) => setScene(e.target.value)}>
            <option value="">All scenes</option>
            {(scenes.data?.scenes ?? []).map((s) => (
              <option key={s.scene} value={s.scene}>
                {s.scene}
              </option>
            ))}
          </select>
        <label htmlFor="pick-window">Time window</label>
        <select id="pick-window" value={window} onChange={(e) => setWindow(e.target.value as WindowId)}>
            {WINDOWS.map((w) => (
              <option key={w.id} value={w.id}>
                {w.label}
              </option>
            ))}
          </select>
        <span className="spacer" />
        <span className="who">{session.operator.email}</span>
        <button type="button" onClick={leave}>
          Sign out
        </button>
      </header>
      <nav className="sidebar" aria-label="Pages">
        <ul>
          {PAGES.map((p) => (
            <li key={p.id}>
              <a href={`#/${p.id}`} aria-current={p.id === page ? 'page' : undefined}>
                {p.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main className="content" key={project?.id}>
        {!scope ? (
          <p>You belong to no project yet. Ask an admin to add you (<code>vantage users create --project …</code>).</p>
        ) : scenes.error ? (
          <p role="alert">Could not read the scenes: {scenes.error.message}</p>
        ) : (
          <Suspense fallback={<p>Loading…</p>}>
            <CurrentPage scope={scope} />
          </Suspense>
        )}
      </main>
    </div>
  );
}
