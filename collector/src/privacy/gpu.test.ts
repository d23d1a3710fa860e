import { describe, expect, it } from 'vitest';
import { gpuClass } from './gpu.js';

describe('gpuClass', () => {
  it.each([
    ['Google SwiftShader', 'software'],
    ['ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)', 'software'],
    ['llvmpipe (LLVM 15.0.7, 256 bits)', 'software'],
    ['ANGLE (Microsoft, Microsoft Basic Render Driver Direct3D11 vs_5_0 ps_5_0, D3D11)', 'software'],
    ['ANGLE (Intel, Intel(R) UHD Graphics 620 Direct3D11 vs_5_0 ps_5_0, D3D11)', 'integrated'],
    ['Mesa Intel(R) Xe Graphics (TGL GT2)', 'integrated'],
    ['Intel Iris OpenGL Engine', 'integrated'],
    ['ANGLE (Apple, ANGLE Metal Renderer: Apple M2 Pro, Unspecified Version)', 'integrated'],
    ['Apple GPU', 'integrated'],
    ['Mali-G78 MC20', 'integrated'],
    ['Adreno (TM) 650', 'integrated'],
    ['ANGLE (Qualcomm, Adreno (TM) 690, OpenGL ES 3.2)', 'integrated'],
    ['PowerVR Rogue GE8320', 'integrated'],
    ['Samsung Xclipse 920', 'integrated'],
    ['NVIDIA Tegra X1 (nvgpu)/integrated', 'integrated'],
    ['ANGLE (NVIDIA, NVIDIA Tegra X1, OpenGL 4.6)', 'integrated'],
    ['ANGLE (AMD, AMD Radeon(TM) Graphics Direct3D11 vs_5_0 ps_5_0, D3D11)', 'integrated'],
    ['AMD Radeon Vega 8 Graphics', 'integrated'],
    ['AMD Radeon 780M Graphics', 'integrated'],
    ['ANGLE (NVIDIA, NVIDIA GeForce RTX 3080 Direct3D11 vs_5_0 ps_5_0, D3D11)', 'discrete'],
    ['NVIDIA GeForce GTX 1060 6GB/PCIe/SSE2', 'discrete'],
    ['ANGLE (NVIDIA, NVIDIA Quadro P4000 Direct3D11 vs_5_0 ps_5_0, D3D11)', 'discrete'],
    ['ANGLE (AMD, AMD Radeon RX 6800 XT Direct3D11 vs_5_0 ps_5_0, D3D11)', 'discrete'],
    ['AMD Radeon Pro 5500M OpenGL Engine', 'discrete'],
    ['ANGLE (Apple, ANGLE Metal Renderer: AMD Radeon Pro 5500M, Unspecified Version)', 'discrete'],
    ['Radeon RX Vega 56', 'discrete'],
    ['ANGLE (Intel, Intel(R) Arc(TM) A770 Graphics Direct3D11 vs_5_0 ps_5_0, D3D11)', 'discrete'],
    ['WebKit WebGL', 'unknown'],
    ['', 'unknown'],
    // The class the SDK computed itself is kept as it is.
    ['integrated', 'integrated'],
    ['discrete', 'discrete'],
    ['software', 'software'],
    ['unknown', 'unknown'],
  ] as const)('%s → %s', (renderer, expected) => {
    expect(gpuClass(renderer)).toBe(expected);
  });

  it('answers unknown for nothing, and only ever one of four classes', () => {
    expect(gpuClass(null)).toBe('unknown');
    expect(gpuClass(undefined)).toBe('unknown');
    expect(['software', 'integrated', 'discrete', 'unknown']).toContain(gpuClass('x'.repeat(100_000)));
  });
});
