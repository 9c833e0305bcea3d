import { defineConfig } from 'vite';

// Preact's automatic JSX runtime through Vite's own transformer (no plugin needed). The dev server
// proxies the API and its WebSocket to a `raqib serve` on 8080, so `npm run dev -w @raqib/web` works
// next to it; production is the built `dist/` that `raqib serve` serves at `/`.
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: false, chunkSizeWarningLimit: 300 },
  server: { proxy: { '/api': { target: 'http://127.0.0.1:8080', ws: true } } },
});
