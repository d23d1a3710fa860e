/**
 * The 3D heatmap, framework-free: a three.js stage with orbit controls showing the scene's
 * proxy boxes (or its glTF model) with each mesh tinted by its attention, and one cube per voxel
 * coloured by its count. Positions arrive in mm and are drawn in metres. `createHeatmapView`
 * returns a handle; `dispose()` frees the GPU resources and stops the loop.
 */
import {
  AmbientLight,
  Box3,
  BoxGeometry,
  Color,
  DirectionalLight,
  EdgesGeometry,
  Group,
  InstancedMesh,
  LineBasicMaterial,
  LineSegments,
  Matrix4,
  Mesh,
  MeshBasicMaterial,
  MeshLambertMaterial,
  PerspectiveCamera,
  Scene,
  Vector3,
  WebGLRenderer,
} from 'three';
import { OrbitControls } from 'three/addons/controls/OrbitControls.js';
import { GLTFLoader } from 'three/addons/loaders/GLTFLoader.js';
import { rampColour, scalePosition } from './colour-scale.js';
import type { Proxy, Voxel } from './types.js';
import { disposeTree } from './dispose.js';

/** What the view draws. */
export interface HeatmapContent {
  proxy: Proxy | null;
  modelUrl: string | null;
  voxels: readonly Voxel[];
  voxelMm: number;
  /** Attention per mesh id (any unit); meshes are tinted by their share of the largest. */
  attention: ReadonlyMap<string, number>;
}

/** Where the scene's glTF model stands: none registered, loading, drawn, or failed (the proxy boxes stay). */
export type ModelState =
  | { status: 'none' }
  | { status: 'loading'; url: string }
  | { status: 'loaded'; url: string }
  | { status: 'failed'; url: string; message: string };

/** The running view. */
export interface HeatmapView {
  readonly renderer: WebGLRenderer;
  /**
   * Draw `content`. The camera is framed on the first content, and again when the proxy or the
   * model changes or the voxels reach outside the framed box; a new tint, or voxels within it,
   * keep the operator's orbit. The model is loaded once per URL and kept while the URL stays.
   */
  show(content: HeatmapContent): void;
  dispose(): void;
}

/** Options of {@link createHeatmapView}. */
export interface HeatmapViewOptions {
  /** Told each change of the model's state. */
  onModelState?: (state: ModelState) => void;
}

const MM = 0.001;
const NEUTRAL = new Color('#64748b');
const HOT = new Color('#f97316');

/** Create the view in `container` (it fills the container). */
export function createHeatmapView(container: HTMLElement, options: HeatmapViewOptions = {}): HeatmapView {
  const renderer = new WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
  renderer.setPixelRatio(Math.min(2, devicePixelRatio));
  renderer.setClearColor('#0f172a');
  container.append(renderer.domElement);
  renderer.domElement.setAttribute('aria-label', 'Heatmap of the scene; drag to orbit, scroll to zoom');
  renderer.domElement.tabIndex = 0;
  const scene = new Scene();
  scene.add(new AmbientLight('#ffffff', 1.4));
  const sun = new DirectionalLight('#ffffff', 1.6);
  sun.position.set(2, 4, 3);
  scene.add(sun);
  const camera = new PerspectiveCamera(45, 1, 0.01, 500);
  const controls = new OrbitControls(camera, renderer.domElement);
  controls.listenToKeyEvents(renderer.domElement);
  let content = new Group();
  scene.add(content);
  // The model lives outside `content`: redrawing voxels or tints neither disposes nor reloads it.
  let model = new Group();
  scene.add(model);
  let modelUrl: string | null = null;
  /** What the camera was last framed on: the proxy, the model URL and the box it had to show. */
  let framedOn: { proxy: Proxy | null; modelUrl: string | null; box: Box3 } | null = null;
  let disposed = false;

  function setModelState(state: ModelState) {
    if (disposed) return;
    container.dataset.model = state.status;
    options.onModelState?.(state);
  }

  function loadModel(url: string | null) {
    if (url === modelUrl) return;
    modelUrl = url;
    scene.remove(model);
    disposeTree(model);
    model = new Group();
    scene.add(model);
    if (url === null) return setModelState({ status: 'none' });
    const group = model;
    setModelState({ status: 'loading', url });
    new GLTFLoader().load(
      url,
      (gltf) => {
        if (disposed || group !== model) return disposeTree(gltf.scene);
        group.add(gltf.scene);
        // Without a proxy, the first framing saw only voxels: take the model in.
        if (framedOn?.proxy === null) {
          framedOn.box = new Box3().setFromObject(group).union(new Box3().setFromObject(content));
          frame(framedOn.box.clone());
        }
        setModelState({ status: 'loaded', url });
      },
      undefined,
      (error) => {
        if (group === model) setModelState({ status: 'failed', url, message: error instanceof Error ? error.message : String(error) });
      },
    );
  }

  function resize() {
    const w = Math.max(1, container.clientWidth);
    const h = Math.max(1, container.clientHeight);
    renderer.setSize(w, h);
    camera.aspect = w / h;
    camera.updateProjectionMatrix();
  }
  const observer = new ResizeObserver(resize);
  observer.observe(container);
  resize();
  renderer.setAnimationLoop(() => {
    controls.update();
    renderer.render(scene, camera);
  });

  function clear() {
    scene.remove(content);
    disposeTree(content);
    content = new Group();
    scene.add(content);
  }

  // How many times the view drew new content and was framed, for tests: a tint change must not move the camera.
  let shows = 0;
  let framings = 0;
  function frame(box: Box3) {
    container.dataset.framings = String(++framings);
    if (box.isEmpty()) box.set(new Vector3(-1, -1, -1), new Vector3(1, 1, 1));
    const centre = box.getCenter(new Vector3());
    const size = Math.max(0.2, box.getSize(new Vector3()).length());
    camera.position.copy(centre).add(new Vector3(0.9, 0.7, 1.2).multiplyScalar(size * 0.9));
    camera.near = size / 100;
    camera.far = size * 20;
    camera.updateProjectionMatrix();
    controls.target.copy(centre);
    controls.update();
  }

  return {
    renderer,
    show(next) {
      container.dataset.shows = String(++shows);
      clear();
      const bounds = new Box3();
      const maxAttention = Math.max(0, ...next.attention.values());
      for (const m of next.proxy?.meshes ?? []) {
        const [x0, y0, z0, x1, y1, z1] = m.box;
        const geometry = new BoxGeometry(Math.max(1, x1 - x0) * MM, Math.max(1, y1 - y0) * MM, Math.max(1, z1 - z0) * MM);
        const share = maxAttention > 0 ? (next.attention.get(m.id) ?? 0) / maxAttention : 0;
        const colour = NEUTRAL.clone().lerp(HOT, share);
        const mesh = new Mesh(geometry, new MeshLambertMaterial({ color: colour, transparent: true, opacity: next.modelUrl ? 0.15 : 0.35, depthWrite: false }));
        mesh.position.set(((x0 + x1) / 2) * MM, ((y0 + y1) / 2) * MM, ((z0 + z1) / 2) * MM);
        mesh.name = m.id;
        const edges = new LineSegments(new EdgesGeometry(geometry), new LineBasicMaterial({ color: colour }));
        mesh.add(edges);
        content.add(mesh);
        bounds.expandByObject(mesh);
      }
      if (next.voxels.length > 0) {
        const edge = next.voxelMm * MM * 0.92;
        const cubes = new InstancedMesh(new BoxGeometry(edge, edge, edge), new MeshBasicMaterial({ transparent: true, opacity: 0.85 }), next.voxels.length);
        const max = next.voxels.reduce((m, v) => Math.max(m, v.count), 1);
        const matrix = new Matrix4();
        const rgb: [number, number, number] = [0, 0, 0];
        const colour = new Color();
        next.voxels.forEach((v, i) => {
          matrix.makeTranslation(v.x * MM, v.y * MM, v.z * MM);
          cubes.setMatrixAt(i, matrix);
          rampColour(scalePosition(v.count, max), rgb);
          cubes.setColorAt(i, colour.setRGB(rgb[0], rgb[1], rgb[2]));
        });
        cubes.computeBoundingBox();
        content.add(cubes);
        if (cubes.boundingBox) bounds.union(cubes.boundingBox);
      }
      loadModel(next.modelUrl);
      if (bounds.isEmpty() && model.children.length > 0) bounds.setFromObject(model);
      // A new scene, or voxels outside what the camera was framed on (camera positions lie
      // around the object): frame again. A new tint, or voxels within the view, keep the orbit.
      if (framedOn === null || framedOn.proxy !== next.proxy || framedOn.modelUrl !== next.modelUrl || !framedOn.box.containsBox(bounds)) {
        framedOn = { proxy: next.proxy, modelUrl: next.modelUrl, box: bounds.clone() };
        frame(bounds);
      }
    },
    dispose() {
      disposed = true;
      renderer.setAnimationLoop(null);
      observer.disconnect();
      controls.dispose();
      clear();
      scene.remove(model);
      disposeTree(model);
      renderer.dispose();
      renderer.domElement.remove();
    },
  };
}
