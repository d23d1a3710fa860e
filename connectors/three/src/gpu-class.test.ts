import { describe, expect, it } from 'vitest';
import { gpuClassOf, gpuClassOfContext } from './gpu-class.js';

describe('gpuClassOf', () => {
  it.each([
    ['ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)', 'software'],
    ['llvmpipe (LLVM 15.0.6, 256 bits)', 'software'],
    ['ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0, D3D11)', 'discrete'],
    ['ANGLE (AMD, AMD Radeon RX 6800 XT Direct3D11 vs_5_0 ps_5_0, D3D11)', 'discrete'],
    ['ANGLE (Intel, Intel(R) UHD Graphics 620 Direct3D11 vs_5_0 ps_5_0, D3D11)', 'integrated'],
    ['ANGLE (AMD, AMD Radeon(TM) Graphics Direct3D11 vs_5_0 ps_5_0, D3D11)', 'integrated'],
    ['Apple M2', 'integrated'],
    ['Adreno (TM) 740', 'mobile'],
    ['Mali-G78 MP14', 'mobile'],
    ['', 'unknown'],
    ['Some Future GPU', 'unknown'],
  ])('%s → %s', (renderer, expected) => {
    expect(gpuClassOf(renderer)).toBe(expected);
  });

  it('reads the class from a context, and says unknown when the browser hides the renderer', () => {
    const gl = (renderer: string | null) => ({
      getExtension: (name: string) => (name === 'WEBGL_debug_renderer_info' && renderer !== null ? { UNMASKED_RENDERER_WEBGL: 0x9246 } : null),
      getParameter: (p: number) => (p === 0x9246 ? renderer : null),
    });
    expect(gpuClassOfContext(gl('Mali-G78'))).toBe('mobile');
    expect(gpuClassOfContext(gl(null))).toBe('unknown');
    expect(gpuClassOfContext(null)).toBe('unknown');
  });
});
