/**
 * The demo page: a three.js product configurator wired to Vantage the way an app would be —
 * `createClient` with the page's publishable key, `trackScene` over the scene, the model loaded
 * through the `LoadingManager` the tracker watches, and two custom events of the app's own
 * (`variant_selected`, `add_to_cart`). The sofa's meshes already have good ids (their names:
 * `GlamVelvetSofa_fabric`, `_legs`, `_feet`), so nothing needs `tagObject`.
 */
import { LoadingManager, Raycaster, Vector2 } from 'three';
import { GLTFLoader } from 'three/addons/loaders/GLTFLoader.js';
import { createClient, type VantageClient } from '@vantage/sdk-core';
import { trackScene, type SceneTracker } from '@vantage/three';
import { DEMO_VERSION } from '../page-config.js';
import type { VantageDemo } from './handle.js';
import { readPageConfig } from './read-config.js';
import { createStage } from './stage.js';
import { createStatusPanel } from './status-panel.js';
import { createVariantSwitcher } from '@vantage/three/variants';

/** How long "Added" shows on the cart button (ms). */
const ADDED_FEEDBACK_MS = 1500;

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`Vantage demo: the page has no #${id} element`);
  return found as T;
}

/** Show a problem in the status panel (text only). */
function showProblem(message: string): void {
  const p = document.createElement('p');
  p.className = 'warning';
  p.textContent = message;
  element('status').append(p);
}

async function main(): Promise<void> {
  const config = readPageConfig(document);
  const stage = createStage(element('stage'));
  const loadingManager = new LoadingManager();

  let client: VantageClient | undefined;
  let tracker: SceneTracker | undefined;
  if (config.publishableKey !== null) {
    client = createClient({
      endpoint: config.endpoint,
      key: config.publishableKey,
      sceneId: config.sceneId,
      sdk: `demo/${DEMO_VERSION}`,
      onError: (error) => console.warn(`Vantage: ${error.code}: ${error.message}`),
    });
    // Before the model loads, so its asset_load is seen.
    tracker = trackScene({ scene: stage.scene, camera: stage.camera, renderer: stage.renderer, client, loadingManager });
    // trackScene names itself (`three/<version>`) in session_start; what sends here is the demo.
    client.setSessionInfo({ sdk: `demo/${DEMO_VERSION}` });
    createStatusPanel(client, element('status-body'), document.getElementById('opt-out'));
  }

  const gltf = await new GLTFLoader(loadingManager).loadAsync(config.modelUrl);
  stage.scene.add(gltf.scene);
  stage.frame(gltf.scene);
  const variants = createVariantSwitcher(gltf);

  const buttons = new Map<string, HTMLButtonElement>();
  const showPressed = (): void => {
    for (const [name, button] of buttons) button.setAttribute('aria-pressed', String(name === variants.current));
  };
  async function setVariant(name: string): Promise<void> {
    if (!variants.names.includes(name)) throw new Error(`Vantage demo: unknown variant "${name}"`);
    client?.custom('variant_selected', { variant: name });
    await variants.select(name);
    showPressed();
  }

  const group = element('variants');
  for (const name of variants.names) {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = name;
    button.dataset.variant = name;
    button.addEventListener('click', () => {
      setVariant(name).catch((error: unknown) => showProblem(`Could not switch to ${name}: ${String(error)}`));
    });
    buttons.set(name, button);
    group.append(button);
  }
  showPressed();

  const cart = element<HTMLButtonElement>('add-to-cart');
  cart.disabled = false;
  cart.addEventListener('click', () => {
    client?.custom('add_to_cart', { variant: variants.current ?? null });
    cart.textContent = 'Added ✓';
    setTimeout(() => {
      cart.textContent = 'Add to cart';
    }, ADDED_FEEDBACK_MS);
  });

  const handle: VantageDemo = {
    client,
    tracker,
    scene: stage.scene,
    camera: stage.camera,
    controls: stage.controls,
    renderer: stage.renderer,
    variants: variants.names,
    get variant() {
      return variants.current;
    },
    setVariant,
    meshAt(clientX, clientY) {
      const rect = stage.renderer.domElement.getBoundingClientRect();
      const ndc = new Vector2(((clientX - rect.left) / rect.width) * 2 - 1, -((clientY - rect.top) / rect.height) * 2 + 1);
      const raycaster = new Raycaster();
      raycaster.setFromCamera(ndc, stage.camera);
      const hit = raycaster.intersectObject(stage.scene, true)[0];
      return hit ? { name: hit.object.name, point: hit.point.toArray() as [number, number, number] } : null;
    },
  };
  window.vantageDemo = handle;
}

main().catch((error: unknown) => {
  console.error(error);
  showProblem(`The demo could not start: ${error instanceof Error ? error.message : String(error)}`);
});
