import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

// The dashboard is built into dist/web and served by `engops serve`; it shares the API types and
// the chart definitions with the server (src/). It is written against React's API and rendered by
// Preact through preact/compat: the same components in a main bundle a fifth of the size, so the
// overview is evaluated and drawn sooner (React DOM alone was 190 of its 246 KB).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  resolve: {
    alias: [
      { find: /^react$/, replacement: 'preact/compat' },
      { find: /^react-dom\/client$/, replacement: 'preact/compat/client' },
      { find: /^react-dom$/, replacement: 'preact/compat' },
      { find: /^react\/jsx-runtime$/, replacement: 'preact/jsx-runtime' },
    ],
  },
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  logLevel: 'warn',
})
