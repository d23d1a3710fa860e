/**
 * The form that defines a funnel: a name and 1–10 ordered steps, each a kind (a click on a
 * mesh, a custom event, a session in a scene) and its value, with buttons to add, remove and
 * move steps (every control labelled, focus kept on a moved step). Suggestions come from the
 * scope's data (meshes clicked, custom event names, scenes). The collector checks the
 * definition; its refusal is shown as it words it, and the step it names is marked invalid.
 */
import { useRef, useState, type FormEvent, type ReactElement } from 'react';
import type { Scope } from '../App.js';
import { query, send } from '../api.js';
import { useApi } from '../hooks.js';
import { windowRange } from '../time-window.js';
import type { CustomEventRow, Funnel, FunnelStep, MeshAttention } from '../types.js';

/** Most steps in a funnel (the collector's `MAX_FUNNEL_STEPS`). */
const MAX_STEPS = 10;

type Kind = FunnelStep['kind'];

/** A step being edited: `id` keeps React's and the labels' identity while steps move. */
interface Draft {
  id: number;
  kind: Kind;
  value: string;
}

const KINDS: ReadonlyArray<{ kind: Kind; label: string; field: string; list: string }> = [
  { kind: 'mesh_click', label: 'Click on a mesh', field: 'mesh id', list: 'funnel-meshes' },
  { kind: 'custom', label: 'Custom event', field: 'event name', list: 'funnel-events' },
  { kind: 'scene', label: 'Session in a scene', field: 'scene id', list: 'funnel-scenes' },
];

function kindOf(kind: Kind): (typeof KINDS)[number] {
  return KINDS.find((k) => k.kind === kind) ?? KINDS[0]!;
}

function toStep(d: Draft): FunnelStep {
  if (d.kind === 'mesh_click') return { kind: 'mesh_click', mesh: d.value };
  if (d.kind === 'custom') return { kind: 'custom', name: d.value };
  return { kind: 'scene', scene: d.value };
}

/** The form; `onSaved` gets the saved funnel. */
export function FunnelForm({ scope, onSaved }: { scope: Scope; onSaved(funnel: Funnel): void }): ReactElement {
  const next = useRef(2);
  const [name, setName] = useState('');
  const [steps, setSteps] = useState<Draft[]>([
    { id: 0, kind: 'mesh_click', value: '' },
    { id: 1, kind: 'custom', value: '' },
  ]);
  const [problem, setProblem] = useState<string>('');
  const [saving, setSaving] = useState(false);
  const { from, to } = windowRange(scope.window);
  const q = { scene: scope.scene || undefined, from, to, limit: 200 };
  const meshes = useApi<{ meshes: MeshAttention[] }>(`/api/v1/mesh-attention${query(q)}`);
  const events = useApi<{ events: CustomEventRow[] }>(`/api/v1/custom-events${query(q)}`);

  // Which field the collector's refusal is about: `name`, or `steps[i]…` (i from 0).
  const badStep = /steps\[(\d+)\]/.exec(problem)?.[1];
  const badName = /^name /.test(problem);

  function update(id: number, change: Partial<Draft>) {
    setSteps((list) => list.map((s) => (s.id === id ? { ...s, ...change } : s)));
  }

  function move(index: number, by: -1 | 1) {
    const target = index + by;
    setSteps((list) => {
      if (target < 0 || target >= list.length) return list;
      const copy = [...list];
      [copy[index], copy[target]] = [copy[target]!, copy[index]!];
      return copy;
    });
    // Keep the keyboard on the step that moved: its button of the same direction, at its new place.
    const moved = steps[index];
    if (moved) requestAnimationFrame(() => document.getElementById(`step-${moved.id}-${by < 0 ? 'up' : 'down'}`)?.focus());
  }

  function remove(id: number) {
    setSteps((list) => list.filter((s) => s.id !== id));
    requestAnimationFrame(() => document.getElementById('add-step')?.focus());
  }

  function add() {
    const id = next.current++;
    setSteps((list) => [...list, { id, kind: 'custom', value: '' }]);
    requestAnimationFrame(() => document.getElementById(`step-${id}-value`)?.focus());
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    setSaving(true);
    setProblem('');
    try {
      const funnel = (await send<Funnel>('POST', '/api/v1/funnels', { name, steps: steps.map(toStep) })) as Funnel;
      setName('');
      setSteps([{ id: next.current++, kind: 'mesh_click', value: '' }, { id: next.current++, kind: 'custom', value: '' }]);
      onSaved(funnel);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      setProblem(message);
      // Take the keyboard to the field the refusal names.
      const index = /steps\[(\d+)\]/.exec(message)?.[1];
      const field = index !== undefined ? steps[Number(index)] : undefined;
      const id = field ? `step-${field.id}-value` : /^name /.test(message) ? 'funnel-name' : '';
      if (id) requestAnimationFrame(() => document.getElementById(id)?.focus());
    } finally {
      setSaving(false);
    }
  }

  return (
    <form className="card funnel-form" onSubmit={save} aria-labelledby="new-funnel" noValidate>
      <h2 id="new-funnel">Define a funnel</h2>
      <p className="hint">
        A session converts at step k when it did steps 1 to k in this order; other events may come between. Up to {MAX_STEPS} steps.
      </p>
      <div className="fields">
        <label htmlFor="funnel-name">Funnel name</label>
        <input id="funnel-name" value={name} maxLength={100} aria-invalid={badName || undefined} onChange={(e) => setName(e.target.value)} />
      </div>
      <ol className="steps">
        {steps.map((s, i) => {
          const kind = kindOf(s.kind);
          const n = i + 1;
          return (
            <li key={s.id} className="step">
              <label htmlFor={`step-${s.id}-kind`}>Step {n} kind</label>
              <select id={`step-${s.id}-kind`} value={s.kind} onChange={(e) => update(s.id, { kind: e.target.value as Kind })}>
                {KINDS.map((k) => (
                  <option key={k.kind} value={k.kind}>
                    {k.label}
                  </option>
                ))}
              </select>
              <label htmlFor={`step-${s.id}-value`}>
                Step {n} {kind.field}
              </label>
              <input
                id={`step-${s.id}-value`}
                value={s.value}
                list={kind.list}
                maxLength={256}
                aria-invalid={badStep === String(i) || undefined}
                onChange={(e) => update(s.id, { value: e.target.value })}
              />
              <span className="step-buttons">
                <button type="button" id={`step-${s.id}-up`} onClick={() => move(i, -1)} disabled={i === 0} aria-label={`Move step ${n} up`}>
                  ↑
                </button>
                <button type="button" id={`step-${s.id}-down`} onClick={() => move(i, 1)} disabled={i === steps.length - 1} aria-label={`Move step ${n} down`}>
                  ↓
                </button>
                <button type="button" onClick={() => remove(s.id)} aria-label={`Remove step ${n}`}>
                  Remove
                </button>
              </span>
            </li>
          );
        })}
      </ol>
      <datalist id="funnel-meshes">
        {[...new Set((meshes.data?.meshes ?? []).map((m) => m.mesh))].map((m) => (
          <option key={m} value={m} />
        ))}
      </datalist>
      <datalist id="funnel-events">
        {(events.data?.events ?? []).map((e) => (
          <option key={e.name} value={e.name} />
        ))}
      </datalist>
      <datalist id="funnel-scenes">
        {scope.scenes.map((s) => (
          <option key={s.scene} value={s.scene} />
        ))}
      </datalist>
      {problem && (
        <p className="error" role="alert">
          Not saved{badStep !== undefined ? ` (step ${Number(badStep) + 1})` : badName ? ' (the name)' : ''}: {problem}
        </p>
      )}
      <div className="toolbar">
        <button type="button" id="add-step" onClick={add} disabled={steps.length >= MAX_STEPS}>
          Add a step
        </button>
        <button type="submit" disabled={saving}>
          Save funnel
        </button>
      </div>
    </form>
  );
}
