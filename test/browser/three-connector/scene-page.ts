/**
 * The connector's test page: a real three.js scene (a real glTF model, or a grid of boxes),
 * rendered every animation frame by WebGL (SwiftShader in CI), tracked by `@vantage/three` with a
 * real `@vantage/sdk-core` client. Tests drive it with real pointer input through playwright.
 */
import { createClient, type VantageClient } from '@vantage/sdk-core';
import { trackScene, type SceneTracker } from '@vantage/three';
import {
  AmbientLight,
  AnimationMixer,
  Box3,
  BoxGeometry,
  Clock,
  DirectionalLight,
  Group,
  Mesh,
  MeshStandardMaterial,
  PerspectiveCamera,
  Raycaster,
  Scene,
  Vector2,
  Vector3,
  WebGLRenderer,
  LoadingManager,
  type Object3D,
} from 'three';
import { GLTFLoader } from 'three/examples/jsm/loaders/GLTFLoader.js';
import { meshIdOf } from '@vantage/three';
import type { ReportedError, SceneSetup, ScreenTarget, VantageThreePage } from './page-api.js';

const WIDTH = 640;
const HEIGHT = 480;

let client: VantageClient | undefined;
let tracker: SceneTracker | undefined;
let renderer: WebGLRenderer | undefined;
let scene = new Scene();
let camera = new PerspectiveCamera(45, WIDTH / HEIGHT, 0.01, 5000);
let mixer: AnimationMixer | undefined;
let animating = false;
let frameCount = 0;
let broken = false;
const centre = new Vector3();
const errors: ReportedError[] = [];
const clock = new Clock();
/** Time spent inside scene.onAfterRender (the connector's hook) and in whole frames. */
let hookMs = 0;

function gridScene(n: number): Group {
  const group = new Group();
  group.name = 'grid';
  const geometry = new BoxGeometry(0.6, 0.6, 0.6);
  const material = new MeshStandardMaterial({ color: 0x8899aa });
  for (let x = 0; x < n; x++) {
    for (let y = 0; y < n; y++) {
      for (let z = 0; z < n; z++) {
        const mesh = new Mesh(geometry, material);
        mesh.name = `box-${x}-${y}-${z}`;
        mesh.position.set(x - (n - 1) / 2, y - (n - 1) / 2, z - (n - 1) / 2);
        group.add(mesh);
      }
    }
  }
  return group;
}

function frameCamera(object: Object3D): void {
  const box = new Box3().setFromObject(object);
  box.getCenter(centre);
  const size = box.getSize(new Vector3()).length();
  camera.near = size / 100;
  camera.far = size * 100;
  camera.position.set(centre.x + size * 0.55, centre.y + size * 0.3, centre.z + size * 0.85);
  camera.lookAt(centre);
  camera.updateProjectionMatrix();
}

function loop(): void {
  const dt = clock.getDelta();
  if (mixer && animating) mixer.update(dt);
  renderer?.render(scene, camera);
  frameCount++;
  requestAnimationFrame(loop);
}

const page: VantageThreePage = {
  async open(setup: SceneSetup) {
    renderer = new WebGLRenderer({ antialias: false });
    renderer.setPixelRatio(1);
    renderer.setSize(WIDTH, HEIGHT);
    document.body.style.margin = '0';
    document.body.appendChild(renderer.domElement);
    scene = new Scene();
    camera = new PerspectiveCamera(45, WIDTH / HEIGHT, 0.01, 5000);
    scene.add(new AmbientLight(0xffffff, 1.5));
    const sun = new DirectionalLight(0xffffff, 2);
    sun.position.set(3, 5, 2);
    scene.add(sun);
    const manager = new LoadingManager();
    if (setup.track !== false) {
      client = createClient({ ...setup.client, onError: (e) => errors.push({ code: e.code, message: e.message }) });
      tracker = trackScene({
        scene,
        camera,
        renderer,
        client,
        loadingManager: manager,
        include: () => {
          if (broken) throw new Error('the test broke the filter');
          return true;
        },
        onError: (e) => errors.push({ code: e.code, message: e.message }),
        ...setup.tuning,
      });
      // Time the hook three calls after each render (the app's own handler is empty).
      const hook = scene.onAfterRender;
      scene.onAfterRender = function (...args) {
        const t0 = performance.now();
        hook.apply(this, args);
        hookMs += performance.now() - t0;
      };
    }
    let root: Object3D;
    if (setup.model) {
      const gltf = await new GLTFLoader(manager).loadAsync(setup.model);
      root = gltf.scene;
      if (gltf.animations[0]) {
        mixer = new AnimationMixer(root);
        mixer.clipAction(gltf.animations[0]).play();
        animating = setup.animate === true;
        // Move the animation away from the bind pose so hit tests see a real pose.
        mixer.update(0.7);
      }
    } else {
      root = gridScene(setup.grid ?? 10);
    }
    scene.add(root);
    scene.updateMatrixWorld(true);
    frameCamera(root);
    requestAnimationFrame(loop);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const ids = new Set<string>();
    scene.traverse((o) => {
      if ((o as Mesh).isMesh) ids.add(meshIdOf(o, scene));
    });
    return { meshIds: [...ids].sort() };
  },
  targets() {
    // For each mesh id: project vertices of its meshes to the screen and keep the one nearest
    // the canvas centre where three's own raycaster (the reference) hits that id first.
    const raycaster = new Raycaster();
    const rect = renderer!.domElement.getBoundingClientRect();
    const found = new Map<string, ScreenTarget & { score: number }>();
    const v = new Vector3();
    scene.updateMatrixWorld(true);
    scene.traverse((o) => {
      const mesh = o as Mesh;
      if (!mesh.isMesh) return;
      const id = meshIdOf(mesh, scene);
      const count = mesh.geometry.attributes.position!.count;
      const step = Math.max(1, Math.floor(count / 400));
      for (let i = 0; i < count; i += step) {
        mesh.getVertexPosition(i, v);
        v.applyMatrix4(mesh.matrixWorld).project(camera);
        if (Math.abs(v.x) > 0.95 || Math.abs(v.y) > 0.95 || v.z > 1) continue;
        // Nudge towards the screen centre so the ray lands inside the surface, not on an edge.
        const nx = v.x * 0.98;
        const ny = v.y * 0.98;
        raycaster.setFromCamera(new Vector2(nx, ny), camera);
        const hit = raycaster.intersectObject(scene, true).find((h) => (h.object as Mesh).isMesh);
        if (!hit || meshIdOf(hit.object, scene) !== id) continue;
        const score = Math.abs(nx) + Math.abs(ny);
        const known = found.get(id);
        if (known && known.score <= score) continue;
        found.set(id, {
          id,
          score,
          x: rect.left + ((nx + 1) / 2) * rect.width,
          y: rect.top + ((1 - ny) / 2) * rect.height,
          point: hit.point.toArray() as [number, number, number],
        });
      }
    });
    return [...found.values()].map(({ score: _score, ...t }) => t);
  },
  setAnimating(on) {
    animating = on;
  },
  async orbit(degrees, ms) {
    const start = performance.now();
    const offset = camera.position.clone().sub(centre);
    await new Promise<void>((resolve) => {
      const step = () => {
        const k = Math.min(1, (performance.now() - start) / ms);
        const turned = offset.clone().applyAxisAngle(new Vector3(0, 1, 0), (degrees * Math.PI * k) / 180);
        camera.position.copy(centre).add(turned);
        camera.lookAt(centre);
        if (k < 1) requestAnimationFrame(step);
        else resolve();
      };
      step();
    });
  },
  boxes() {
    const out: Record<string, [number, number, number, number, number, number]> = {};
    scene.updateMatrixWorld(true);
    scene.traverse((o) => {
      if (!(o as Mesh).isMesh) return;
      const mesh = o as Mesh;
      if (!mesh.geometry.boundingBox) mesh.geometry.computeBoundingBox();
      const box = mesh.geometry.boundingBox!.clone().applyMatrix4(mesh.matrixWorld);
      const id = meshIdOf(o, scene);
      const known = out[id];
      if (known) box.union(new Box3(new Vector3(known[0], known[1], known[2]), new Vector3(known[3], known[4], known[5])));
      out[id] = [box.min.x, box.min.y, box.min.z, box.max.x, box.max.y, box.max.z];
    });
    return out;
  },
  frames: () => frameCount,
  stats: () => ({ ...client!.stats }),
  errors: () => errors,
  flush: () => client!.flush(),
  async stop() {
    tracker?.stop();
    await client?.stop();
  },
  breakFilter() {
    broken = true;
  },
  addMesh(name) {
    const mesh = new Mesh(new BoxGeometry(0.3, 0.3, 0.3), new MeshStandardMaterial());
    mesh.name = name;
    // Between the camera and the scene's centre, so nothing hides it.
    mesh.position.copy(centre).lerp(camera.position, 0.5);
    scene.add(mesh);
  },
  async measure(frames) {
    const start = frameCount;
    const hookStart = hookMs;
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      const wait = () => (frameCount - start >= frames ? resolve() : requestAnimationFrame(wait));
      wait();
    });
    const n = frameCount - start;
    return { msPerFrame: (performance.now() - t0) / n, connectorMsPerFrame: (hookMs - hookStart) / n };
  },
};

window.vantageThree = page;
