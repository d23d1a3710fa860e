/**
 * Driving a demo page (the three.js demo or the R3F demo) in the end-to-end tests: decode what it
 * sent with the collector's validators, orbit its camera with the mouse, and find screen points
 * on its meshes. `handleExpr` evaluates, in the page, to its test handle.
 */
import type { Page } from 'playwright-core';
import { Unpackr } from 'msgpackr';
import { createWireValidators, type VantageEvent, type WireBatch } from '@vantage/sdk-core/schema';

const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: 'number' });
const validators = createWireValidators();

/** Every event of these collect bodies, decoded by the collector's validators (mesh ids resolved); throws on one it would drop. */
export function decodeBodies(bodies: ReadonlyArray<{ type: string; body: Buffer }>): VantageEvent[] {
  const events: VantageEvent[] = [];
  for (const { type, body } of bodies) {
    const batch = (type === 'application/msgpack' ? unpackr.unpack(body) : JSON.parse(body.toString('utf8'))) as WireBatch;
    for (const raw of batch.events) {
      const decoded = validators.decodeEvent(raw, batch);
      if (!decoded.ok) throw new Error(`the page sent an event the collector drops: ${decoded.reason} ${decoded.detail}`);
      events.push(decoded.event);
    }
  }
  return events;
}

/** An orbit drag of `dx` px across the page's first canvas, then {@link settle}. */
export async function orbit(page: Page, dx: number, handleExpr: string): Promise<void> {
  const box = await page.locator('canvas').first().boundingBox();
  if (!box) throw new Error('no canvas');
  const y = box.y + box.height * 0.3;
  await page.mouse.move(box.x + box.width / 2 - dx / 2, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + dx / 2, y + 20, { steps: 20 });
  await page.mouse.up();
  await settle(page, handleExpr);
}

/**
 * Wait until the orbit's damping has come to rest (it converges per frame, and SwiftShader draws
 * few frames a second): the camera unchanged over three looks 250 ms apart.
 */
export async function settle(page: Page, handleExpr: string): Promise<void> {
  let last = '';
  let same = 0;
  for (let i = 0; i < 120 && same < 3; i++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const now = await page.evaluate(`${handleExpr}.camera.matrixWorld.elements.map((v) => v.toFixed(5)).join(',')`);
    same = now === last ? same + 1 : 0;
    last = String(now);
  }
}

/**
 * Screen points (CSS px) where three's own raycaster hits each mesh of the page's scene first,
 * nearest the canvas's centre. `handleExpr` evaluates, in the page, to its test handle: the
 * camera, the scene, the renderer (`renderer`, or R3F's `gl`) and `meshAt(x, y)`.
 */
export async function sofaTargets(page: Page, handleExpr: string): Promise<Array<{ id: string; x: number; y: number }>> {
  return page.evaluate((handleExpr) => {
    const demo = (0, eval)(handleExpr) as { camera: import('three').PerspectiveCamera; scene: import('three').Scene; gl?: import('three').WebGLRenderer; renderer?: import('three').WebGLRenderer; meshAt(x: number, y: number): { name: string } | null };
    const camera = demo.camera;
    const canvas = (demo.gl ?? demo.renderer)!.domElement;
    const rect = canvas.getBoundingClientRect();
    const out: Array<{ id: string; x: number; y: number }> = [];
    const v = camera.position.clone();
    demo.scene.updateMatrixWorld(true);
    demo.scene.traverse((o) => {
      const mesh = o as typeof o & { isMesh?: boolean; geometry?: { attributes: { position: { count: number } } }; getVertexPosition?(i: number, t: typeof v): typeof v };
      if (!mesh.isMesh || !mesh.geometry || !mesh.getVertexPosition) return;
      const count = mesh.geometry.attributes.position.count;
      let best: { x: number; y: number; score: number } | undefined;
      for (let i = 0; i < count; i += Math.max(1, Math.floor(count / 400))) {
        mesh.getVertexPosition(i, v);
        v.applyMatrix4(mesh.matrixWorld).project(camera);
        if (Math.abs(v.x) > 0.95 || Math.abs(v.y) > 0.95 || v.z > 1) continue;
        const px = rect.left + ((v.x + 1) / 2) * rect.width;
        const py = rect.top + ((1 - v.y) / 2) * rect.height;
        for (const [dx, dy] of [[0, 0], [2, 0], [-2, 0], [0, 2], [0, -2], [3, 3], [-3, -3], [3, -3], [-3, 3]] as const) {
          const x = px + dx;
          const y = py + dy;
          if (demo.meshAt(x, y)?.name !== o.name) continue;
          const score = Math.abs(x - rect.left - rect.width / 2) + Math.abs(y - rect.top - rect.height / 2);
          if (!best || score < best.score) best = { x, y, score };
          break;
        }
      }
      if (best) out.push({ id: o.name, x: best.x, y: best.y });
    });
    return out;
  }, handleExpr);
}
