import { defineConfig } from 'tsup';

export default defineConfig({
  // register: the preload entry (`node --import tracewise/register`), see src/register.ts.
  entry: ['src/index.ts', 'src/register.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  splitting: false,
  treeshake: true,
  // import.meta.url in the CJS build (the ESM loader hook is registered relative to it).
  shims: true,
});
