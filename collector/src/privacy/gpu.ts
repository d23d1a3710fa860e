/**
 * The GPU as a coarse class, never the renderer string (which, unmasked, narrows a visitor down
 * to a few machines). The class is enough to read performance figures by kind of hardware.
 */

/**
 * `software`: a CPU rasteriser (SwiftShader, llvmpipe…), `integrated`: a GPU sharing the CPU's
 * memory (Intel, Apple, Mali, Adreno, PowerVR, AMD APUs…), `discrete`: a graphics card (NVIDIA
 * GeForce/RTX/Quadro, AMD Radeon RX/Pro, Intel Arc…), `unknown`: anything else, or none.
 */
export type GpuClass = 'software' | 'integrated' | 'discrete' | 'unknown';

/** Longest renderer string read; WebGL renderer strings are well under this. */
const MAX_GPU_CHARS = 512;

/** First match wins; patterns run on the lower-cased renderer string. */
const RULES: readonly (readonly [RegExp, GpuClass])[] = [
  [/swiftshader|llvmpipe|softpipe|lavapipe|basic render driver|software (?:rasterizer|adapter|renderer)|microsoft warp/, 'software'],
  // NVIDIA's systems on a chip, before the NVIDIA cards.
  [/tegra/, 'integrated'],
  [/nvidia|geforce|quadro|\brtx\b|\bgtx\b|titan/, 'discrete'],
  // AMD cards; other Radeons (`Radeon(TM) Graphics`, `Radeon Vega 8 Graphics`, `Radeon 780M`) are APUs.
  [/radeon[^,]*\b(?:rx|pro|hd|r[579]|vii)\b|firepro|instinct/, 'discrete'],
  // Intel Arc.
  [/\barc\b/, 'discrete'],
  [/intel|apple|\bm\d\b|mali|adreno|qualcomm|powervr|\bimg\b|videocore|immortalis|xclipse|maleoon|vivante|radeon/, 'integrated'],
];

/** The class of a WebGL renderer string (`UNMASKED_RENDERER_WEBGL` or the masked one). Never throws. */
export function gpuClass(renderer: string | null | undefined): GpuClass {
  if (typeof renderer !== 'string') return 'unknown';
  const text = renderer.slice(0, MAX_GPU_CHARS).toLowerCase();
  // The SDK sends the class it computed itself.
  if (text === 'software' || text === 'integrated' || text === 'discrete') return text;
  for (const [pattern, kind] of RULES) if (pattern.test(text)) return kind;
  return 'unknown';
}
