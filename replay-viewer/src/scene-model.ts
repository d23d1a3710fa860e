/**
 * The scene a replay is drawn in: the glTF registered for the scene, or the proxy of bounding
 * boxes the connector registered, with its meshes found by the same stable ids the connector
 * sent (`@vantage/three/mesh-id`), and highlighted by an outline (an inverted hull drawn behind
 * the mesh), so the materials stay exactly as the visitor saw them.
 */
import {
  BackSide,
  Box3,
  BoxGeometry,
  EdgesGeometry,
  Group,
  LineBasicMaterial,
  LineSegments,
  Mesh,
  MeshBasicMaterial,
  MeshStandardMaterial,
  Sphere,
  Vector3,
  type Material,
  type Object3D,
  type Scene,
} from 'three';
import { GLTFLoader } from 'three/addons/loaders/GLTFLoader.js';
import { fromMm } from '@vantage/sdk-core/schema';
import { isValidMeshId, meshIdOf } from '@vantage/three/mesh-id';
import { createVariantSwitcher, type VariantSwitcher } from '@vantage/three/variants';
import type { ReplayScene, SceneProxy } from './stream.js';

/** How a mesh is highlighted: not, as hovered, as picked (picked wins over hovered). */
export type Highlight = 0 | 1 | 2;
/** Not highlighted. */
export const HIGHLIGHT_NONE = 0;
/** Under the visitor's pointer. */
export const HIGHLIGHT_HOVERED = 1;
/** Picked by the visitor recently. */
export const HIGHLIGHT_PICKED = 2;

/** Outline colours of the highlights. */
const HIGHLIGHT_COLOURS: Record<Highlight, number> = {
  [HIGHLIGHT_NONE]: 0x000000,
  [HIGHLIGHT_HOVERED]: 0x2563eb,
  [HIGHLIGHT_PICKED]: 0xf59e0b,
};

/** Outline width as a share of the model's bounding radius. */
const OUTLINE_WIDTH = 0.008;

/** A loaded scene model. */
export interface SceneModel {
  /** The model's root, child 0 of the scene (as in an app that adds its model first). */
  readonly root: Object3D;
  /** Bounding sphere of the model (metres); a unit sphere at the origin when empty. */
  readonly bounds: Sphere;
  /** Whether this is the glTF, the proxy boxes, or nothing. */
  readonly kind: 'gltf' | 'proxy' | 'empty';
  /** The meshes with this id (several when a tagged group names them all), or undefined. */
  meshes(id: string): readonly Mesh[] | undefined;
  /** Every id the model answers to. */
  readonly ids: readonly string[];
  /** Highlight the meshes of `id` (no-op for an unknown id). */
  highlight(id: string, kind: Highlight): void;
  /** The glTF's material variant names (`KHR_materials_variants`); empty without any. */
  readonly variants: readonly string[];
  /**
   * Show material variant `name` at once (its materials are loaded with the model); null or a
   * name the model does not have shows the file's default materials.
   */
  showVariant(name: string | null): void;
  /** Free GPU resources and remove the root from the scene. */
  dispose(): void;
}

/**
 * Load `source` into `scene`: the glTF at `modelUrl`, else boxes from `proxy`, else nothing.
 * A glTF that fails to load falls back to the proxy (the error goes to `onError`).
 */
export async function loadSceneModel(source: ReplayScene, scene: Scene, onError: (error: Error) => void): Promise<SceneModel> {
  if (source.modelUrl) {
    try {
      const gltf = await new GLTFLoader().loadAsync(source.modelUrl);
      const switcher = createVariantSwitcher(gltf);
      // Every variant's materials now, so a seek shows the visitor's choice in the same frame.
      if (switcher.names.length > 0) await switcher.preload();
      return register(gltf.scene, scene, 'gltf', switcher.names.length > 0 ? switcher : null);
    } catch (error) {
      onError(new Error(`Vantage: the replay could not load the model ${source.modelUrl}: ${error instanceof Error ? error.message : String(error)}`));
    }
  }
  if (source.proxy && source.proxy.meshes.length > 0) return register(proxyBoxes(source.proxy), scene, 'proxy');
  return register(new Group(), scene, 'empty');
}

/** One lit box per proxy mesh, named by its id, with its edges drawn. */
function proxyBoxes(proxy: SceneProxy): Group {
  const group = new Group();
  group.name = 'vantage-proxy';
  const edgeMaterial = new LineBasicMaterial({ color: 0x475569 });
  for (const { id, box } of proxy.meshes) {
    const [x0, y0, z0, x1, y1, z1] = box.map(fromMm) as [number, number, number, number, number, number];
    const geometry = new BoxGeometry(Math.max(x1 - x0, 1e-3), Math.max(y1 - y0, 1e-3), Math.max(z1 - z0, 1e-3));
    const mesh = new Mesh(geometry, new MeshStandardMaterial({ color: 0xa8b4c4, roughness: 0.85, metalness: 0 }));
    mesh.position.set((x0 + x1) / 2, (y0 + y1) / 2, (z0 + z1) / 2);
    mesh.name = id;
    mesh.userData.vantageProxyId = id;
    mesh.add(new LineSegments(new EdgesGeometry(geometry), edgeMaterial));
    group.add(mesh);
  }
  return group;
}

function register(root: Object3D, scene: Scene, kind: SceneModel['kind'], switcher: VariantSwitcher | null = null): SceneModel {
  scene.add(root);
  // The model first, as apps usually add it: root-anchored path ids (`/0/2`) then match.
  scene.children.splice(scene.children.indexOf(root), 1);
  scene.children.unshift(root);
  scene.updateMatrixWorld(true);

  const byId = new Map<string, Mesh[]>();
  const add = (id: string, mesh: Mesh) => {
    const list = byId.get(id);
    if (list === undefined) byId.set(id, [mesh]);
    else if (!list.includes(mesh)) list.push(mesh);
  };
  root.traverse((object) => {
    const mesh = object as Mesh;
    if (mesh.isMesh !== true) return;
    const proxyId: unknown = mesh.userData.vantageProxyId;
    if (typeof proxyId === 'string') {
      add(proxyId, mesh);
      return;
    }
    add(meshIdOf(mesh, scene), mesh); // as the connector names it, scene = its root
    add(meshIdOf(mesh, root), mesh); // and relative to the model, for apps with other things first
    if (isValidMeshId(mesh.parent?.name) && mesh.name === '') add(mesh.parent.name, mesh);
  });

  const box = new Box3().setFromObject(root);
  const bounds = box.isEmpty() ? new Sphere(undefined, 1) : box.getBoundingSphere(new Sphere());
  const outlines = new Map<Mesh, Mesh<Mesh['geometry'], MeshBasicMaterial>>();
  const outlineOf = (mesh: Mesh) => {
    let outline = outlines.get(mesh);
    if (outline === undefined) {
      const scale = mesh.getWorldScale(new Vector3());
      const width = (bounds.radius * OUTLINE_WIDTH) / Math.max(1e-6, Math.max(scale.x, scale.y, scale.z));
      const material = new MeshBasicMaterial({ side: BackSide, toneMapped: false });
      // Push the hull out along the vertex normals: only its rim shows around the mesh.
      material.onBeforeCompile = (shader) => {
        shader.uniforms.outlineWidth = { value: width };
        shader.vertexShader = `uniform float outlineWidth;\n${shader.vertexShader}`.replace(
          '#include <begin_vertex>',
          '#include <begin_vertex>\ntransformed += normalize(normal) * outlineWidth;',
        );
      };
      outline = new Mesh(mesh.geometry, material);
      outline.name = '';
      outline.userData.vantageOutline = true;
      outline.raycast = () => {};
      mesh.add(outline);
      outlines.set(mesh, outline);
    }
    return outline;
  };

  let shownVariant: string | null = null;
  return {
    root,
    bounds,
    kind,
    variants: switcher?.names ?? [],
    showVariant(name) {
      if (switcher === null) return;
      const wanted = name !== null && switcher.names.includes(name) ? name : null;
      if (wanted === shownVariant) return;
      shownVariant = wanted;
      if (wanted === null) switcher.reset();
      // Preloaded: switches within the call; it cannot reject for a name the model has.
      else void switcher.select(wanted);
    },
    ids: [...byId.keys()],
    meshes: (id) => byId.get(id),
    highlight(id, highlight) {
      const list = byId.get(id);
      if (list === undefined) return;
      for (const mesh of list) {
        if (highlight === HIGHLIGHT_NONE) {
          const outline = outlines.get(mesh);
          if (outline !== undefined) outline.visible = false;
          continue;
        }
        const outline = outlineOf(mesh);
        outline.visible = true;
        outline.material.color.setHex(HIGHLIGHT_COLOURS[highlight]);
      }
    },
    dispose() {
      root.removeFromParent();
      for (const m of switcher?.materials() ?? []) disposeMaterial(m);
      root.traverse((object) => {
        const mesh = object as Mesh;
        if (mesh.isMesh !== true && (object as LineSegments).isLineSegments !== true) return;
        mesh.geometry.dispose();
        for (const m of materials(mesh)) disposeMaterial(m);
      });
    },
  };
}

/** Free a material and its textures. */
function disposeMaterial(m: Material): void {
  for (const value of Object.values(m)) if ((value as { isTexture?: boolean } | null)?.isTexture) (value as { dispose(): void }).dispose();
  m.dispose();
}

function materials(mesh: Mesh): readonly Material[] {
  return Array.isArray(mesh.material) ? mesh.material : [mesh.material];
}
