/**
 * A coarse GPU class for `session_start`: `software`, `integrated`, `discrete`, `mobile` or
 * `unknown`. The unmasked renderer string is read in the page, mapped here and forgotten: it
 * never leaves the page (it is a fingerprinting signal; PRODUCT.md promises a coarse class only).
 */

/** The classes this module gives. */
export type GpuClass = 'software' | 'integrated' | 'discrete' | 'mobile' | 'unknown';

/** Map a WebGL renderer string to a class. */
export function gpuClassOf(renderer: string | null | undefined): GpuClass {
  if (typeof renderer !== 'string' || renderer === '') return 'unknown';
  const r = renderer.toLowerCase();
  if (/swiftshader|llvmpipe|softpipe|software|basic render|microsoft basic/.test(r)) return 'software';
  if (/adreno|mali|powervr|apple a\d|xclipse|immortalis|videocore|tegra/.test(r)) return 'mobile';
  if (/nvidia|geforce|quadro|rtx|gtx|radeon (rx|pro)|radeon\(tm\) (rx|pro)|\brx \d|firepro|arc a\d|intel\(r\) arc|intel arc/.test(r)) return 'discrete';
  if (/intel|iris|uhd graphics|hd graphics|apple|radeon.*graphics|vega \d+ graphics|radeon\(tm\) graphics/.test(r)) return 'integrated';
  if (/radeon|amd/.test(r)) return 'discrete';
  return 'unknown';
}

/** Minimal WebGL surface this module reads. */
interface GlLike {
  getExtension(name: string): unknown;
  getParameter(parameter: number): unknown;
}

/** The class of the GPU behind a WebGL context; `unknown` when the browser hides it. */
export function gpuClassOfContext(gl: GlLike | null | undefined): GpuClass {
  if (!gl) return 'unknown';
  try {
    const info = gl.getExtension('WEBGL_debug_renderer_info') as { UNMASKED_RENDERER_WEBGL: number } | null;
    const renderer = info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : undefined;
    return gpuClassOf(typeof renderer === 'string' ? renderer : undefined);
  } catch {
    return 'unknown';
  }
}
