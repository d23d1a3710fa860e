/**
 * Build files (the dashboard's and the demo's scripts and styles) compressed once at the highest
 * settings — brotli quality 11, gzip level 9 — and kept in memory: brotli 11 makes the dashboard's
 * three.js chunk ~20 % smaller than the quality 4 that per-request compression can afford
 * (`compression.ts`), and a kept copy costs no CPU per request. The first request of a file
 * starts making its copies in the background (zlib's thread pool, not the event loop) and is
 * compressed per request meanwhile; later ones get the copy, with its length. A copy is tied to
 * the file's size and modification time: a rebuilt file is compressed again.
 */
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

/** A file's compressed copies. */
export interface CompressedCopies {
  readonly br: Buffer;
  readonly gzip: Buffer;
}

/** Which version of a file: what `stat` says of it. */
export interface FileVersion {
  readonly size: number;
  readonly mtimeMs: number;
}

interface Entry extends FileVersion {
  ready: CompressedCopies | null;
  readonly making: Promise<CompressedCopies | null>;
}

/** Files larger than this are not kept (compressed per request instead). */
export const MAX_KEPT_FILE_BYTES = 4 * 2 ** 20;
/** Files kept at most; the oldest copies go first. */
const MAX_KEPT_FILES = 64;

async function compressBoth(path: string, size: number): Promise<CompressedCopies> {
  const bytes = await readFile(path);
  const [br, gz] = await Promise.all([
    brotli(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: size } }),
    gzipped(bytes, { level: constants.Z_BEST_COMPRESSION }),
  ]);
  return { br, gzip: gz };
}

/** Compressed copies of files, made on first demand. */
export class PrecompressedFiles {
  readonly #entries = new Map<string, Entry>();

  /**
   * The copies of the file at `path` in the version `version`, when they are made; otherwise
   * null, having started to make them (once per version). Never throws: a file that cannot be
   * read or compressed has no copies, and is compressed per request.
   */
  get(path: string, version: FileVersion): CompressedCopies | null {
    const entry = this.#entries.get(path);
    if (entry && entry.size === version.size && entry.mtimeMs === version.mtimeMs) return entry.ready;
    if (version.size > MAX_KEPT_FILE_BYTES) return null;
    this.#entries.delete(path);
    if (this.#entries.size >= MAX_KEPT_FILES) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    const making = compressBoth(path, version.size).catch(() => null);
    const fresh: Entry = { size: version.size, mtimeMs: version.mtimeMs, ready: null, making };
    void making.then((copies) => {
      fresh.ready = copies;
    });
    this.#entries.set(path, fresh);
    return null;
  }

  /** The copies being made of `path` (null when none are, or they failed): for tests. */
  async settled(path: string): Promise<CompressedCopies | null> {
    return (await this.#entries.get(path)?.making) ?? null;
  }
}

/** The collector's copies: one set per process. */
export const precompressedFiles = new PrecompressedFiles();
