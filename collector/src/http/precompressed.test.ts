/**
 * Kept compressed copies of build files, on real files: made once per version in the background,
 * decoding to the file; a rewritten file is compressed again; files too large or unreadable have
 * none, and asking never throws.
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_KEPT_FILE_BYTES, PrecompressedFiles } from './precompressed.js';

describe('PrecompressedFiles', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vantage-precompressed-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const script = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => `export const value${i} = ${i} * 2;\n`).join(''));

  it('answers null the first time, then the copies, which decode to the file', async () => {
    const path = join(dir, 'a.js');
    const bytes = script(2000);
    await writeFile(path, bytes);
    const files = new PrecompressedFiles();
    const version = await stat(path);
    expect(files.get(path, version)).toBeNull();
    const made = await files.settled(path);
    expect(made).not.toBeNull();
    const copies = files.get(path, version);
    expect(copies).toBe(made);
    expect(brotliDecompressSync(copies!.br).equals(bytes)).toBe(true);
    expect(gunzipSync(copies!.gzip).equals(bytes)).toBe(true);
    expect(copies!.br.byteLength).toBeLessThan(bytes.byteLength / 4);
  });

  it('compresses a rewritten file again instead of answering the old copy', async () => {
    const path = join(dir, 'b.js');
    await writeFile(path, script(100));
    const files = new PrecompressedFiles();
    files.get(path, await stat(path));
    await files.settled(path);
    const longer = script(300);
    await writeFile(path, longer);
    const version = await stat(path);
    expect(files.get(path, version)).toBeNull();
    await files.settled(path);
    expect(brotliDecompressSync(files.get(path, version)!.br).equals(longer)).toBe(true);
  });

  it('keeps nothing of a file over the size limit, nor of one that cannot be read', async () => {
    const files = new PrecompressedFiles();
    const big = join(dir, 'big.js');
    expect(files.get(big, { size: MAX_KEPT_FILE_BYTES + 1, mtimeMs: 1 })).toBeNull();
    expect(await files.settled(big)).toBeNull();
    const missing = join(dir, 'missing.js');
    expect(files.get(missing, { size: 10, mtimeMs: 1 })).toBeNull();
    expect(await files.settled(missing)).toBeNull();
    expect(files.get(missing, { size: 10, mtimeMs: 1 })).toBeNull();
  });
});
