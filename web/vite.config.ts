import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { preloadPages } from './build/preloadPages.ts';

const apiTarget = process.env.TRELLIS_API ?? 'http://127.0.0.1:4317';

export default defineConfig({
  // Pages a link opens directly and that should render fast: the run page (a shared link to a run).
  plugins: [react(), preloadPages({ run: 'src/runs/RunPage.tsx' })],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 4096 },
  server: { proxy: { '/api': { target: apiTarget, changeOrigin: false } } },
});
