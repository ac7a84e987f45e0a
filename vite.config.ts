import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { builtinModels } from './tools/viteModels.ts';

// Cross-origin isolation lets onnxruntime-web use threads (SharedArrayBuffer); the app loads nothing
// from other origins, so it costs nothing.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  // BASE lets the static build live under a sub-path (e.g. BASE=/webvla/ npm run build).
  base: process.env.BASE ?? './',
  plugins: [react(), builtinModels()],
  server: { headers: isolation },
  preview: { headers: isolation },
  build: { target: 'es2022', chunkSizeWarningLimit: 2000 },
  optimizeDeps: { exclude: ['@dimforge/rapier3d-compat'] },
});
