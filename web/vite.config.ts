import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin, runnerImport } from 'vite';

const apiTarget = process.env.TRELLIS_API ?? 'http://127.0.0.1:4317';

function isPlainJson(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isPlainJson);
  if (typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.values(value).every(isPlainJson);
}

/**
 * Builds `src/kindTable.ts` as the values it evaluates to (the node kinds' order and colours, read from the
 * registry) and so without the registry's schemas: showing kinds adds no schema code to a page that only shows
 * them (the run page; docs/benchmarks.md), while the registry stays the one list of kinds. Dev and tests import
 * the module as written.
 */
function inlineKindTable(): Plugin {
  const file = fileURLToPath(new URL('./src/kindTable.ts', import.meta.url));
  return {
    name: 'trellis:inline-kind-table',
    apply: 'build',
    async load(id) {
      if (id !== file) return null;
      const { module } = await runnerImport<Record<string, unknown>>(file);
      return Object.entries(module)
        .map(([name, value]) => {
          if (!isPlainJson(value)) throw new Error(`kindTable.ts: ${name} is not a plain JSON value`);
          return `export const ${name} = ${JSON.stringify(value)};\n`;
        })
        .join('');
    },
  };
}

export default defineConfig({
  plugins: [react(), inlineKindTable()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 4096 },
  server: { proxy: { '/api': { target: apiTarget, changeOrigin: false } } },
});
