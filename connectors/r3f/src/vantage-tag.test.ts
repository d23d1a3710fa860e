import { applyProps } from '@react-three/fiber';
import { Group, Mesh, Scene } from 'three';
import { afterEach, describe, expect, it } from 'vitest';
import { invalidateMeshIds, meshIdOf } from '@vantage/three';
import { vantageTag } from './index.js';

afterEach(() => invalidateMeshIds());

describe('vantageTag', () => {
  it('returns userData props carrying the id', () => {
    expect(vantageTag('sofa-cushion')).toEqual({ userData: { vantageId: 'sofa-cushion' } });
  });

  it('spread onto a mesh through R3F’s own prop application, gives the id meshIdOf resolves', () => {
    const scene = new Scene();
    const mesh = new Mesh();
    mesh.name = 'Cushion_003';
    scene.add(mesh);
    // What R3F's reconciler does with <mesh {...vantageTag('sofa-cushion')} />.
    applyProps(mesh, { ...vantageTag('sofa-cushion') });
    expect(meshIdOf(mesh, scene)).toBe('sofa-cushion');
  });

  it('on a group, tags the meshes below it that have no tag of their own', () => {
    const scene = new Scene();
    const part = new Group();
    const leg = new Mesh();
    const cushion = new Mesh();
    part.add(leg, cushion);
    scene.add(part);
    applyProps(part, { ...vantageTag('sofa') });
    applyProps(cushion, { ...vantageTag('sofa-cushion') });
    expect(meshIdOf(leg, scene)).toBe('sofa');
    expect(meshIdOf(cushion, scene)).toBe('sofa-cushion');
  });

  it('keeps the app’s own userData passed alongside, the tag winning', () => {
    const props = vantageTag('lamp', { price: 129, vantageId: 'other' });
    expect(props.userData).toEqual({ price: 129, vantageId: 'lamp' });
    const mesh = new Mesh();
    applyProps(mesh, { ...props });
    expect(mesh.userData.price).toBe(129);
    expect(meshIdOf(mesh)).toBe('lamp');
  });

  it('rejects an invalid id with the shared validation and a Vantage: message naming vantageTag', () => {
    expect(() => vantageTag('')).toThrow(/^Vantage: vantageTag needs an id of 1–128 characters, got 0$/);
    expect(() => vantageTag('x'.repeat(129))).toThrow(/^Vantage: vantageTag needs an id of 1–128 characters, got 129$/);
    expect(() => vantageTag('tab\there')).toThrow(/^Vantage: vantageTag id .* contains control characters$/);
    expect(() => vantageTag(undefined as unknown as string)).toThrow(/^Vantage: vantageTag needs a string id, got undefined$/);
  });
});
