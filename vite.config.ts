import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** The API server the dev server forwards to (`npm run dev` of the server side). */
const apiTarget = process.env.HEARTH_API_URL ?? 'http://127.0.0.1:3000';

/**
 * Builds the dashboard SPA from `web/` into `dist/web`, which the Hono server serves
 * (see src/server/static-assets.ts). In development `vite` serves it with HMR and
 * forwards API calls to the running server.
 */
export default defineConfig({
  root: fileURLToPath(new URL('./web', import.meta.url)),
  // Absolute asset URLs, so deep links like /groups/12 still load /assets/*.
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist/web', import.meta.url)),
    emptyOutDir: true,
    // The tree-shaken ECharts chunk (line + bar + 4 components) is ~530 kB minified, ~180 kB gzipped.
    chunkSizeWarningLimit: 600,
    // Vendor code changes rarely; separate chunks keep it cached across app releases.
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'echarts', test: /node_modules[\\/](echarts|zrender)[\\/]/ },
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
      '/healthz': { target: apiTarget, changeOrigin: false },
    },
  },
});
