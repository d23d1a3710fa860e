import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BoxGeometry, Group, Mesh, MeshBasicMaterial, Object3D, Scene, Texture } from 'three';
import { GLTFLoader } from 'three/examples/jsm/loaders/GLTFLoader.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { invalidateMeshIds, isValidMeshId, meshIdOf, tagObject } from './index.js';

const geometry = new BoxGeometry();
const material = new MeshBasicMaterial();
const mesh = (name = ''): Mesh => {
  const m = new Mesh(geometry, material);
  m.name = name;
  return m;
};
const group = (name: string, ...children: Object3D[]): Group => {
  const g = new Group();
  g.name = name;
  if (children.length > 0) g.add(...children);
  return g;
};

/** A small showroom: a named sofa with unnamed parts, a tagged lamp, loose unnamed meshes. */
function buildShowroom() {
  const cushionLeft = mesh();
  const cushionRight = mesh();
  const seat = group('', cushionLeft, cushionRight);
  const frame = mesh('SofaFrame');
  const sofa = group('Sofa', frame, mesh('SofaLegs'), seat);
  const bulb = mesh('Bulb');
  const shade = mesh();
  const lamp = tagObject(group('Lamp', bulb, shade), 'floor-lamp');
  const looseA = mesh();
  const looseB = mesh();
  const scene = new Scene();
  scene.add(sofa, lamp, looseA, looseB);
  return { scene, sofa, frame, seat, cushionLeft, cushionRight, lamp, bulb, shade, looseA, looseB };
}

afterEach(() => {
  invalidateMeshIds();
  vi.restoreAllMocks();
});

describe('tagObject', () => {
  it('stores the id in userData and returns the object', () => {
    const m = mesh('Cushion');
    expect(tagObject(m, 'sofa-cushion')).toBe(m);
    expect(m.userData.vantageId).toBe('sofa-cushion');
  });

  it('accepts 1 and 128 characters, rejects 0, 129 and control characters with a Vantage: error', () => {
    expect(() => tagObject(mesh(), 'a')).not.toThrow();
    expect(() => tagObject(mesh(), 'x'.repeat(128))).not.toThrow();
    expect(() => tagObject(mesh(), '')).toThrow(/^Vantage: tagObject needs an id of 1–128 characters, got 0$/);
    expect(() => tagObject(mesh(), 'x'.repeat(129))).toThrow(/^Vantage: .*got 129$/);
    expect(() => tagObject(mesh(), 'bad\nid')).toThrow(/^Vantage: .*control characters/);
    expect(() => tagObject(mesh(), 'bad\u0085id')).toThrow(/^Vantage: .*control characters/);
    expect(() => tagObject(mesh(), 42 as unknown as string)).toThrow(/^Vantage: tagObject needs a string id, got number$/);
  });

  it('rejects something that is not a three.js object', () => {
    expect(() => tagObject({ userData: {} } as unknown as Object3D, 'x')).toThrow(/^Vantage: tagObject\(object, id\) needs a three\.js Object3D/);
    expect(() => tagObject(null as unknown as Object3D, 'x')).toThrow(/^Vantage:/);
  });

  it('re-tagging an object changes the ids already resolved below it', () => {
    const { scene, sofa, cushionLeft } = buildShowroom();
    expect(meshIdOf(cushionLeft, scene)).toBe('Sofa/2/0');
    tagObject(sofa, 'sofa');
    expect(meshIdOf(cushionLeft, scene)).toBe('sofa');
  });
});

describe('meshIdOf', () => {
  it("a mesh's own tag wins over its name and over an ancestor's tag", () => {
    const { scene, bulb } = buildShowroom();
    tagObject(bulb, 'lamp-bulb');
    expect(meshIdOf(bulb, scene)).toBe('lamp-bulb');
  });

  it("an ancestor's tag applies to descendants without a tag, named or not", () => {
    const { scene, bulb, shade, lamp } = buildShowroom();
    expect(meshIdOf(bulb, scene)).toBe('floor-lamp');
    expect(meshIdOf(shade, scene)).toBe('floor-lamp');
    expect(meshIdOf(lamp, scene)).toBe('floor-lamp');
  });

  it('tags above the given root are ignored', () => {
    const { scene, sofa, frame } = buildShowroom();
    tagObject(scene, 'whole-scene');
    expect(meshIdOf(frame)).toBe('whole-scene');
    expect(meshIdOf(frame, sofa)).toBe('SofaFrame');
  });

  it('an untagged mesh goes by its name', () => {
    const { scene, frame } = buildShowroom();
    expect(meshIdOf(frame, scene)).toBe('SofaFrame');
  });

  it('an unnamed mesh gets child indices from its nearest named ancestor, else from the root', () => {
    const { scene, seat, cushionLeft, cushionRight, looseA, looseB } = buildShowroom();
    expect(meshIdOf(cushionLeft, scene)).toBe('Sofa/2/0');
    expect(meshIdOf(cushionRight, scene)).toBe('Sofa/2/1');
    expect(meshIdOf(seat, scene)).toBe('Sofa/2');
    expect(meshIdOf(looseA, scene)).toBe('/2');
    expect(meshIdOf(looseB, scene)).toBe('/3');
    expect(meshIdOf(scene, scene)).toBe('/');
  });

  it('a name that cannot be an id is skipped like no name', () => {
    const { scene, looseA, sofa, cushionLeft } = buildShowroom();
    looseA.name = 'x'.repeat(200);
    expect(meshIdOf(looseA, scene)).toBe('/2');
    sofa.name = 'line\nbreak';
    invalidateMeshIds(sofa);
    expect(meshIdOf(cushionLeft, scene)).toBe('/0/2/0');
  });

  it('an invalid userData tag is ignored with a single warning, never a throw', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { scene, frame } = buildShowroom();
    frame.userData.vantageId = 7;
    expect(meshIdOf(frame, scene)).toBe('SofaFrame');
    invalidateMeshIds();
    expect(meshIdOf(frame, scene)).toBe('SofaFrame');
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toMatch(/^Vantage: ignoring invalid userData\.vantageId/);
  });

  it('very deep unnamed paths are kept within 128 characters and stay distinct', () => {
    const scene = new Scene();
    let parent: Object3D = scene;
    for (let depth = 0; depth < 80; depth++) {
      const g = new Group();
      for (let i = 0; i < 11; i++) g.add(new Group());
      parent.add(g);
      parent = g.children[10]!;
    }
    const a = mesh();
    const b = mesh();
    parent.add(a, b);
    const idA = meshIdOf(a, scene);
    const idB = meshIdOf(b, scene);
    expect(idA.length).toBeLessThanOrEqual(128);
    expect(isValidMeshId(idA)).toBe(true);
    expect(idA).toMatch(/^[0-9a-f]{8}~.*\/10\/0$/);
    expect(idB).toMatch(/^[0-9a-f]{8}~.*\/10\/1$/);
    expect(idA).not.toBe(idB);
  });

  it('the same graph built twice gives the same ids; distinct unnamed meshes get distinct ids', () => {
    const first = buildShowroom();
    const second = buildShowroom();
    const idsOf = (scene: Scene) => {
      const ids: string[] = [];
      scene.traverse((o) => {
        if ((o as Mesh).isMesh) ids.push(meshIdOf(o, scene));
      });
      return ids;
    };
    const ids = idsOf(first.scene);
    expect(idsOf(second.scene)).toEqual(ids);
    expect(ids).toEqual(['SofaFrame', 'SofaLegs', 'Sofa/2/0', 'Sofa/2/1', 'floor-lamp', 'floor-lamp', '/2', '/3']);
    const unnamed = [first.cushionLeft, first.cushionRight, first.looseA, first.looseB].map((m) => meshIdOf(m, first.scene));
    expect(new Set(unnamed).size).toBe(unnamed.length);
  });

  it('serves cached ids until invalidated, and notices when the object itself was re-parented', () => {
    const { scene, looseA, looseB, sofa } = buildShowroom();
    expect(meshIdOf(looseB, scene)).toBe('/3');
    scene.remove(looseA);
    expect(meshIdOf(looseB, scene)).toBe('/3');
    invalidateMeshIds(scene);
    expect(meshIdOf(looseB, scene)).toBe('/2');
    sofa.add(looseB);
    expect(meshIdOf(looseB, scene)).toBe('Sofa/3');
  });

  it('resolves ids against the root it is given, not the one cached first', () => {
    const { scene, sofa, cushionLeft } = buildShowroom();
    sofa.name = '';
    expect(meshIdOf(cushionLeft, scene)).toBe('/0/2/0');
    expect(meshIdOf(cushionLeft, sofa)).toBe('/2/0');
    expect(meshIdOf(cushionLeft)).toBe('/0/2/0');
  });
});

describe('meshIdOf on a real glTF asset (GlamVelvetSofa.glb)', () => {
  // The repository's copy under fixtures/, else the shared model folder next to the checkout.
  const candidates = [
    fileURLToPath(new URL('../../../fixtures/models/GlamVelvetSofa.glb', import.meta.url)),
    fileURLToPath(new URL('../../../../shared/models/GlamVelvetSofa.glb', import.meta.url)),
  ];
  const modelPath = candidates.find((p) => existsSync(p)) ?? candidates[0]!;

  /**
   * Loads the GLB with three's real GLTFLoader. Node has no image decoding (GLTFLoader reaches
   * for `self.URL` and `createImageBitmap`), so a test-only plugin hands back empty textures;
   * the node hierarchy, names and meshes are exactly what a browser gets.
   */
  async function loadSofa(): Promise<Group> {
    const bytes = readFileSync(modelPath);
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const loader = new GLTFLoader().register(() => ({
      name: 'vantage-test-headless-textures',
      loadTexture: () => Promise.resolve(new Texture()),
    }));
    const gltf = await loader.parseAsync(buffer, '');
    return gltf.scene;
  }

  const meshIds = (root: Object3D): string[] => {
    const ids: string[] = [];
    root.traverse((o) => {
      if ((o as Mesh).isMesh) ids.push(meshIdOf(o, root));
    });
    return ids;
  };

  it('finds the model file', () => {
    expect(existsSync(modelPath), `missing test model ${modelPath}`).toBe(true);
  });

  it('named meshes go by their glTF names, the same on every load', async () => {
    const first = await loadSofa();
    const second = await loadSofa();
    const ids = meshIds(first);
    expect(ids).toEqual(['GlamVelvetSofa_legs', 'GlamVelvetSofa_fabric', 'GlamVelvetSofa_feet']);
    expect(meshIds(second)).toEqual(ids);
  });

  it('with names stripped, every mesh gets a distinct path that is stable across loads', async () => {
    const strip = (root: Object3D) => root.traverse((o) => void (o.name = ''));
    const first = await loadSofa();
    const second = await loadSofa();
    strip(first);
    strip(second);
    const ids = meshIds(first);
    expect(ids).toEqual(['/0', '/1', '/2']);
    expect(new Set(ids).size).toBe(ids.length);
    expect(meshIds(second)).toEqual(ids);
  });

  it('tagging the loaded model names every part at once; a part tag still wins', async () => {
    const sofa = tagObject(await loadSofa(), 'glam-sofa');
    const fabric = sofa.getObjectByName('GlamVelvetSofa_fabric')!;
    tagObject(fabric, 'sofa-fabric');
    const scene = new Scene().add(sofa);
    expect(meshIds(scene)).toEqual(['glam-sofa', 'sofa-fabric', 'glam-sofa']);
  });
});
