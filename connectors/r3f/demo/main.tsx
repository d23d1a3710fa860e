/**
 * The sofa configurator of `demo/`, built with React Three Fiber: the same model
 * (GlamVelvetSofa.glb, fabric variants through KHR_materials_variants), the same framing and
 * orbit limits, the same custom events (`variant_selected`, `add_to_cart`) — captured by
 * `<VantageAnalytics>` instead of `createClient` + `trackScene`. The model loads through
 * `useLoader`, so its `asset_load` comes from three's DefaultLoadingManager; orbit controls are
 * drei's `<OrbitControls makeDefault>`, which puts them in the store where the connector reads
 * the camera mode. Nothing is tagged: the sofa's meshes keep their names as ids, as in the
 * three.js demo.
 *
 * The page reads `{ endpoint, publishableKey, sceneId, modelUrl }` from `#vantage-r3f-demo-config`
 * and exposes `window.vantageR3fDemo` for tests.
 */
import { Canvas, useLoader, useThree } from '@react-three/fiber';
import { OrbitControls } from '@react-three/drei';
import { StrictMode, Suspense, useEffect, useLayoutEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { Box3, Color, NeutralToneMapping, PMREMGenerator, Raycaster, Sphere, Vector2, Vector3, type PerspectiveCamera } from 'three';
import { GLTFLoader, type GLTF } from 'three/addons/loaders/GLTFLoader.js';
import { RoomEnvironment } from 'three/addons/environments/RoomEnvironment.js';
import type { OrbitControls as OrbitControlsImpl } from 'three/addons/controls/OrbitControls.js';
import { VantageAnalytics, useVantage, type VantageHandle } from '@vantage/r3f';
import { createVariantSwitcher, type VariantSwitcher } from '@vantage/three/variants';
import type { R3fDemoConfig, VantageR3fDemo } from './page-api.js';

const BACKGROUND = 0xeeece8;
const VIEW_DIRECTION = new Vector3(0.55, 0.4, 1).normalize();

function readConfig(): R3fDemoConfig {
  const text = document.getElementById('vantage-r3f-demo-config')?.textContent;
  if (!text) throw new Error('Vantage R3F demo: the page has no #vantage-r3f-demo-config element');
  return JSON.parse(text) as R3fDemoConfig;
}

/** The studio look of the three.js demo: a neutral room environment, no HDR file to fetch. */
function Studio() {
  const gl = useThree((s) => s.gl);
  const scene = useThree((s) => s.scene);
  useLayoutEffect(() => {
    const pmrem = new PMREMGenerator(gl);
    const room = new RoomEnvironment();
    const env = pmrem.fromScene(room, 0.04).texture;
    scene.environment = env;
    scene.background = new Color(BACKGROUND);
    room.dispose();
    pmrem.dispose();
    return () => env.dispose();
  }, [gl, scene]);
  return null;
}

/** The sofa, framed as the three.js demo frames it; hands its variant switcher up. */
function Sofa({ url, onLoaded }: { url: string; onLoaded: (gltf: GLTF, variants: VariantSwitcher) => void }) {
  const gltf = useLoader(GLTFLoader, url);
  const camera = useThree((s) => s.camera) as PerspectiveCamera;
  const controls = useThree((s) => s.controls) as OrbitControlsImpl | null;
  useLayoutEffect(() => {
    if (!controls) return;
    const sphere = new Box3().setFromObject(gltf.scene).getBoundingSphere(new Sphere());
    const halfFov = (camera.fov * Math.PI) / 360;
    const distance = (sphere.radius / Math.sin(halfFov) / Math.min(1, camera.aspect)) * 1.05;
    controls.target.copy(sphere.center);
    camera.position.copy(sphere.center).addScaledVector(VIEW_DIRECTION, distance);
    camera.near = distance / 100;
    camera.far = distance * 20;
    camera.updateProjectionMatrix();
    controls.minDistance = sphere.radius * 0.8;
    controls.maxDistance = distance * 3;
    controls.update();
    onLoaded(gltf, createVariantSwitcher(gltf));
  }, [gltf, camera, controls, onLoaded]);
  return <primitive object={gltf.scene} />;
}

/** Hands `useVantage()` to the DOM part of the page (the buttons live outside the Canvas). */
function Bridge({ onReady }: { onReady: (v: VantageHandle) => void }) {
  const v = useVantage();
  useEffect(() => onReady(v), [v, onReady]);
  return null;
}

/** Hands the store's scene, camera, renderer and controls to the page's test handle. */
function Expose({ onChange }: { onChange: (parts: Pick<VantageR3fDemo, 'scene' | 'camera' | 'gl' | 'controls'>) => void }) {
  const scene = useThree((s) => s.scene);
  const camera = useThree((s) => s.camera) as PerspectiveCamera;
  const gl = useThree((s) => s.gl);
  const controls = useThree((s) => s.controls) as OrbitControlsImpl | null;
  useEffect(() => onChange({ scene, camera, gl, controls }), [scene, camera, gl, controls, onChange]);
  return null;
}

function App({ config }: { config: R3fDemoConfig }) {
  const [vantage, setVantage] = useState<VantageHandle | null>(null);
  const [sofa, setSofa] = useState<{ gltf: GLTF; variants: VariantSwitcher } | null>(null);
  const [variant, setVariantName] = useState<string | undefined>(undefined);
  const [added, setAdded] = useState(false);
  const [three, setThree] = useState<Pick<VantageR3fDemo, 'scene' | 'camera' | 'gl' | 'controls'> | null>(null);

  async function setVariant(name: string): Promise<void> {
    if (!sofa || !sofa.variants.names.includes(name)) throw new Error(`Vantage R3F demo: unknown variant "${name}"`);
    vantage?.track('variant_selected', { variant: name });
    await sofa.variants.select(name);
    setVariantName(sofa.variants.current);
  }

  useEffect(() => {
    if (!sofa || !three || !vantage?.client) return;
    const handle: VantageR3fDemo = {
      ...three,
      client: vantage.client,
      variants: sofa.variants.names,
      get variant() {
        return sofa.variants.current;
      },
      setVariant,
      meshAt(clientX, clientY) {
        const rect = three.gl.domElement.getBoundingClientRect();
        const ndc = new Vector2(((clientX - rect.left) / rect.width) * 2 - 1, -((clientY - rect.top) / rect.height) * 2 + 1);
        const raycaster = new Raycaster();
        raycaster.setFromCamera(ndc, three.camera);
        const hit = raycaster.intersectObject(three.scene, true)[0];
        return hit ? { name: hit.object.name, point: hit.point.toArray() as [number, number, number] } : null;
      },
    };
    window.vantageR3fDemo = handle;
  });

  return (
    <>
      <div id="stage">
        <Canvas
          camera={{ fov: 40, near: 0.05, far: 100, position: [1.2, 1.1, 3] }}
          dpr={[1, 2]}
          gl={{ antialias: true, toneMapping: NeutralToneMapping }}
        >
          <VantageAnalytics
            endpoint={config.endpoint}
            publishableKey={config.publishableKey}
            sceneId={config.sceneId}
            sdk="demo-r3f/0.1.0"
            onError={(error) => console.warn(`Vantage: ${error.code}: ${error.message}`)}
          >
            <Bridge onReady={setVantage} />
            <Studio />
            <OrbitControls makeDefault enableDamping maxPolarAngle={Math.PI * 0.49} />
            <Expose onChange={setThree} />
            {/* Loading content under its own Suspense (as R3F recommends): capture starts while the model loads. */}
            <Suspense fallback={null}>
              <Sofa url={config.modelUrl} onLoaded={(gltf, variants) => setSofa((s) => (s?.gltf === gltf ? s : { gltf, variants }))} />
            </Suspense>
          </VantageAnalytics>
        </Canvas>
      </div>
      <div id="panel">
        <h1>Sofa configurator (React Three Fiber)</h1>
        <div id="variants">
          {(sofa?.variants.names ?? []).map((name) => (
            <button key={name} type="button" data-variant={name} aria-pressed={name === variant} onClick={() => void setVariant(name)}>
              {name}
            </button>
          ))}
        </div>
        <button
          id="add-to-cart"
          type="button"
          disabled={!sofa}
          onClick={() => {
            vantage?.track('add_to_cart', { variant: sofa?.variants.current ?? null });
            setAdded(true);
            setTimeout(() => setAdded(false), 1500);
          }}
        >
          {added ? 'Added ✓' : 'Add to cart'}
        </button>
      </div>
    </>
  );
}

const container = document.getElementById('root');
if (!container) throw new Error('Vantage R3F demo: the page has no #root element');
createRoot(container).render(
  <StrictMode>
    <App config={readConfig()} />
  </StrictMode>,
);
