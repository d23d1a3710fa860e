/**
 * The view-direction sphere, framework-free: a unit sphere cut into the collector's bins
 * (`GET /api/v1/view-directions`: azimuth sectors equal in angle, elevation bands equal in
 * height), each bin's patch coloured by how many camera samples looked along its direction, on
 * the heatmap's log ramp (`colour-scale.ts`); bins nobody looked along stay slate. A point on
 * the sphere is a direction in the scene's axes (+y up): the sphere is seen from outside, so the
 * patch facing the viewer is where cameras looked when they looked towards the viewer's back.
 * Axis labels and bin borders help reading it; orbit controls (and the arrow keys) turn it. It renders on demand
 * (a change of view or data), not every frame. `dispose()` frees the GPU and the listeners.
 */
import {
  BufferGeometry,
  CanvasTexture,
  Color,
  DoubleSide,
  Float32BufferAttribute,
  Group,
  LineBasicMaterial,
  LineSegments,
  Mesh,
  MeshBasicMaterial,
  PerspectiveCamera,
  Scene,
  SRGBColorSpace,
  Spherical,
  Sprite,
  SpriteMaterial,
  Vector3,
  WebGLRenderer,
} from 'three';
import { OrbitControls } from 'three/addons/controls/OrbitControls.js';
import { rampColour, scalePosition } from './colour-scale.js';
import { disposeTree } from './dispose.js';

/** One bin of the answer. */
export interface ViewBin {
  azimuthBin: number;
  elevationBin: number;
  samples: number;
}

/** What the sphere draws: the bin grid and the sampled bins (unlisted bins have no samples). */
export interface ViewSphereContent {
  azimuthBins: number;
  elevationBins: number;
  bins: readonly ViewBin[];
}

/** The running sphere. */
export interface ViewSphere {
  readonly renderer: WebGLRenderer;
  show(content: ViewSphereContent): void;
  dispose(): void;
}

/** Colour of a bin with no samples (also the legend's swatch). */
export const UNSAMPLED_COLOUR = '#334155';
/** Patches per bin side: bins are curved, so each is drawn as a few quads. */
const STEPS = 3;
const BORDER = '#0f172a';
const STEP = Math.PI / 12;
/** Keys of the keyboard controls: [azimuth change, polar change (rad), distance factor]. */
const KEYS: Readonly<Record<string, readonly [number, number, number]>> = {
  ArrowLeft: [-STEP, 0, 1],
  ArrowRight: [STEP, 0, 1],
  ArrowUp: [0, -STEP, 1],
  ArrowDown: [0, STEP, 1],
  '+': [0, 0, 0.85],
  '=': [0, 0, 0.85],
  '-': [0, 0, 1.15],
};

/**
 * The unit vector of a point of the bin grid: `u` in azimuth bins (0..azimuthBins), `v` in
 * elevation bands (0..elevationBins). The same mapping as the collector's `binDirection`:
 * azimuth −π..π with x = r·sin(azimuth), z = −r·cos(azimuth); y from −1 to 1.
 */
export function gridPoint(u: number, v: number, azimuthBins: number, elevationBins: number, out: Vector3): Vector3 {
  const y = (v / elevationBins) * 2 - 1;
  const azimuth = (u / azimuthBins) * 2 * Math.PI - Math.PI;
  const r = Math.sqrt(Math.max(0, 1 - y * y));
  return out.set(r * Math.sin(azimuth), y, -r * Math.cos(azimuth));
}

function label(text: string): Sprite {
  const canvas = document.createElement('canvas');
  canvas.width = 256;
  canvas.height = 64;
  const ctx = canvas.getContext('2d');
  if (ctx) {
    ctx.font = '600 34px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillStyle = '#e2e8f0';
    ctx.fillText(text, 128, 32);
  }
  const texture = new CanvasTexture(canvas);
  texture.colorSpace = SRGBColorSpace;
  const sprite = new Sprite(new SpriteMaterial({ map: texture, transparent: true }));
  sprite.scale.set(0.8, 0.2, 1);
  return sprite;
}

/** Create the sphere in `container` (it fills the container). */
export function createViewSphere(container: HTMLElement): ViewSphere {
  const renderer = new WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
  renderer.setPixelRatio(Math.min(2, devicePixelRatio));
  renderer.setClearColor('#0f172a');
  container.append(renderer.domElement);
  renderer.domElement.setAttribute('aria-label', 'Sphere of view directions; drag or use the arrow keys to turn it, scroll to zoom');
  renderer.domElement.tabIndex = 0;
  const scene = new Scene();
  const camera = new PerspectiveCamera(40, 1, 0.1, 50);
  camera.position.set(0, 1.2, 3.4);
  const controls = new OrbitControls(camera, renderer.domElement);
  controls.enablePan = false;
  controls.minDistance = 1.8;
  controls.maxDistance = 8;
  const render = () => renderer.render(scene, camera);
  controls.addEventListener('change', render);
  // Arrow keys turn the sphere by one bin's width (15°), + and − zoom (OrbitControls' keys pan).
  const turn = new Spherical();
  function onKey(event: KeyboardEvent) {
    const d = KEYS[event.key];
    if (!d) return;
    event.preventDefault();
    turn.setFromVector3(camera.position.clone().sub(controls.target));
    turn.theta += d[0];
    turn.phi = Math.min(Math.PI - 0.05, Math.max(0.05, turn.phi + d[1]));
    turn.radius = Math.min(controls.maxDistance, Math.max(controls.minDistance, turn.radius * d[2]));
    camera.position.setFromSpherical(turn).add(controls.target);
    controls.update();
  }
  renderer.domElement.addEventListener('keydown', onKey);

  const axes = new Group();
  const axisLines: number[] = [];
  const ends: Array<[string, [number, number, number]]> = [
    ['+x', [1, 0, 0]],
    ['−x', [-1, 0, 0]],
    ['+y up', [0, 1, 0]],
    ['−y down', [0, -1, 0]],
    ['+z', [0, 0, 1]],
    ['−z', [0, 0, -1]],
  ];
  for (const [text, [x, y, z]] of ends) {
    axisLines.push(x * 1.02, y * 1.02, z * 1.02, x * 1.3, y * 1.3, z * 1.3);
    const sprite = label(text);
    sprite.position.set(x * 1.48, y * 1.42, z * 1.48);
    axes.add(sprite);
  }
  const axisGeometry = new BufferGeometry();
  axisGeometry.setAttribute('position', new Float32BufferAttribute(axisLines, 3));
  axes.add(new LineSegments(axisGeometry, new LineBasicMaterial({ color: '#94a3b8' })));
  scene.add(axes);

  let content = new Group();
  scene.add(content);

  function resize() {
    const w = Math.max(1, container.clientWidth);
    const h = Math.max(1, container.clientHeight);
    renderer.setSize(w, h);
    camera.aspect = w / h;
    camera.updateProjectionMatrix();
    render();
  }
  const observer = new ResizeObserver(resize);
  observer.observe(container);
  resize();

  function clear() {
    scene.remove(content);
    disposeTree(content);
    content = new Group();
    scene.add(content);
  }

  return {
    renderer,
    show(next) {
      clear();
      const { azimuthBins: na, elevationBins: ne } = next;
      const counts = new Float64Array(na * ne);
      let max = 0;
      let busiest: ViewBin | undefined;
      for (const b of next.bins) {
        if (b.azimuthBin < 0 || b.azimuthBin >= na || b.elevationBin < 0 || b.elevationBin >= ne) continue;
        counts[b.elevationBin * na + b.azimuthBin] = b.samples;
        if (b.samples > max) {
          max = b.samples;
          busiest = b;
        }
      }
      const positions: number[] = [];
      const colours: number[] = [];
      const unsampled = new Color(UNSAMPLED_COLOUR);
      const rgb: [number, number, number] = [0, 0, 0];
      const colour = new Color();
      const corners = [new Vector3(), new Vector3(), new Vector3(), new Vector3()];
      for (let e = 0; e < ne; e++) {
        for (let a = 0; a < na; a++) {
          const n = counts[e * na + a] ?? 0;
          // Vertex colours are linear: convert the ramp's sRGB so the sphere matches the legend.
          if (n > 0) colour.setRGB(...rampColour(scalePosition(n, max), rgb), SRGBColorSpace).toArray(rgb);
          else unsampled.toArray(rgb);
          for (let i = 0; i < STEPS; i++) {
            for (let j = 0; j < STEPS; j++) {
              const u0 = a + i / STEPS;
              const u1 = a + (i + 1) / STEPS;
              const v0 = e + j / STEPS;
              const v1 = e + (j + 1) / STEPS;
              gridPoint(u0, v0, na, ne, corners[0]!);
              gridPoint(u1, v0, na, ne, corners[1]!);
              gridPoint(u1, v1, na, ne, corners[2]!);
              gridPoint(u0, v1, na, ne, corners[3]!);
              for (const k of [0, 2, 1, 0, 3, 2]) {
                const p = corners[k]!;
                positions.push(p.x, p.y, p.z);
                colours.push(rgb[0], rgb[1], rgb[2]);
              }
            }
          }
        }
      }
      const geometry = new BufferGeometry();
      geometry.setAttribute('position', new Float32BufferAttribute(positions, 3));
      geometry.setAttribute('color', new Float32BufferAttribute(colours, 3));
      content.add(new Mesh(geometry, new MeshBasicMaterial({ vertexColors: true, side: DoubleSide })));

      // Bin borders, just outside the surface: meridians and the elevation bands' circles.
      const lines: number[] = [];
      const p = new Vector3();
      const q = new Vector3();
      const SEG = 8;
      for (let a = 0; a < na; a++) {
        for (let s = 0; s < ne * SEG; s++) {
          gridPoint(a, s / SEG, na, ne, p).multiplyScalar(1.003);
          gridPoint(a, (s + 1) / SEG, na, ne, q).multiplyScalar(1.003);
          lines.push(p.x, p.y, p.z, q.x, q.y, q.z);
        }
      }
      for (let e = 1; e < ne; e++) {
        for (let s = 0; s < na * SEG; s++) {
          gridPoint(s / SEG, e, na, ne, p).multiplyScalar(1.003);
          gridPoint((s + 1) / SEG, e, na, ne, q).multiplyScalar(1.003);
          lines.push(p.x, p.y, p.z, q.x, q.y, q.z);
        }
      }
      const borders = new BufferGeometry();
      borders.setAttribute('position', new Float32BufferAttribute(lines, 3));
      content.add(new LineSegments(borders, new LineBasicMaterial({ color: BORDER, transparent: true, opacity: 0.55 })));

      // Face the busiest bin, from a little above so the poles do not flip the orbit.
      if (busiest) {
        const centre = gridPoint(busiest.azimuthBin + 0.5, busiest.elevationBin + 0.5, na, ne, new Vector3());
        centre.y = Math.max(-0.8, Math.min(0.8, centre.y + 0.25));
        camera.position.copy(centre.normalize().multiplyScalar(3.6));
        controls.target.set(0, 0, 0);
        controls.update();
      }
      render();
    },
    dispose() {
      controls.removeEventListener('change', render);
      renderer.domElement.removeEventListener('keydown', onKey);
      observer.disconnect();
      controls.dispose();
      clear();
      axes.traverse((o) => {
        const m = o as Mesh;
        m.geometry?.dispose();
        const mat = m.material as MeshBasicMaterial | SpriteMaterial | undefined;
        if (mat && 'map' in mat) mat.map?.dispose();
        mat?.dispose();
      });
      renderer.dispose();
      renderer.domElement.remove();
    },
  };
}
