/**
 * The dashboard's browser build: `src/app/` (index.html, React) → `dist/app/` (index.html and
 * hashed assets under `assets/`), which the collector serves at `/`. Workspace packages resolve
 * through their default export condition (their built `dist/`), as a published build would.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('./src/app/', import.meta.url)),
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist/app/', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: true,
    chunkSizeWarningLimit: 2000,
  },
});
