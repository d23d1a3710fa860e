/**
 * The three.js stage: renderer, a neutral studio environment (no HDR file to fetch: the page
 * works offline), the camera and its orbit controls, and the render loop.
 */
import { Box3, Color, NeutralToneMapping, PerspectiveCamera, PMREMGenerator, Scene, Sphere, Vector3, WebGLRenderer, type Object3D } from 'three';
import { OrbitControls } from 'three/addons/controls/OrbitControls.js';
import { RoomEnvironment } from 'three/addons/environments/RoomEnvironment.js';

/** The parts of the stage the page and its tests use. */
export interface Stage {
  renderer: WebGLRenderer;
  scene: Scene;
  camera: PerspectiveCamera;
  controls: OrbitControls;
  /** Point the camera and the controls at `object`, seen from the front-right, slightly above. */
  frame(object: Object3D): void;
}

/** The page's background (matches the HTML's), light so the dark fabrics stand out. */
const BACKGROUND = 0xeeece8;
/** From where the camera looks at a framed object (front-right, above); normalised at use. */
const VIEW_DIRECTION = new Vector3(0.55, 0.4, 1);

/** Create the stage inside `container` and start rendering. */
export function createStage(container: HTMLElement): Stage {
  const renderer = new WebGLRenderer({ antialias: true });
  renderer.setPixelRatio(Math.min(window.devicePixelRatio, 2));
  renderer.toneMapping = NeutralToneMapping;
  container.appendChild(renderer.domElement);

  const scene = new Scene();
  scene.background = new Color(BACKGROUND);
  const pmrem = new PMREMGenerator(renderer);
  const room = new RoomEnvironment();
  scene.environment = pmrem.fromScene(room, 0.04).texture;
  room.dispose();
  pmrem.dispose();

  const camera = new PerspectiveCamera(40, 1, 0.05, 100);
  camera.position.set(1.2, 1.1, 3);
  const controls = new OrbitControls(camera, renderer.domElement);
  controls.enableDamping = true;
  controls.target.set(0, 0.4, 0);
  controls.maxPolarAngle = Math.PI * 0.49; // stay above the floor the sofa stands on
  controls.update();

  const resize = (): void => {
    const width = Math.max(1, container.clientWidth);
    const height = Math.max(1, container.clientHeight);
    renderer.setSize(width, height, false);
    camera.aspect = width / height;
    camera.updateProjectionMatrix();
  };
  resize();
  new ResizeObserver(resize).observe(container);

  renderer.setAnimationLoop(() => {
    controls.update(); // damping needs an update every frame
    renderer.render(scene, camera);
  });

  return {
    renderer,
    scene,
    camera,
    controls,
    frame(object) {
      const sphere = new Box3().setFromObject(object).getBoundingSphere(new Sphere());
      const halfFov = (camera.fov * Math.PI) / 360;
      const fit = Math.min(1, camera.aspect); // keep it in view on a portrait screen too
      const distance = (sphere.radius / Math.sin(halfFov) / fit) * 1.05;
      controls.target.copy(sphere.center);
      camera.position.copy(sphere.center).addScaledVector(VIEW_DIRECTION.clone().normalize(), distance);
      camera.near = distance / 100;
      camera.far = distance * 20;
      camera.updateProjectionMatrix();
      controls.minDistance = sphere.radius * 0.8;
      controls.maxDistance = distance * 3;
      controls.update();
    },
  };
}
