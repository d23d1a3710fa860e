import type { Page } from 'playwright-core';

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
