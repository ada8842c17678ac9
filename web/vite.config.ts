import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { compression } from 'vite-plugin-compression2';

const webRoot = fileURLToPath(new URL('.', import.meta.url));

/**
 * Each i18n/parts/*.ts file exports both languages (`zh` and `en`). English is loaded on demand
 * (i18n/index.ts), but a module shared by both bundles would carry both into the first screen. So
 * en.ts gets its own copy of each part (same file, `?lang=en`): each copy keeps only the language it
 * exports to, and the Chinese first screen holds no English (−11 KB gzipped).
 */
const englishPartsApart: Plugin = {
  name: 'english-parts-apart',
  enforce: 'pre',
  async resolveId(source, importer) {
    if (!importer?.replace(/\\/g, '/').endsWith('/i18n/en.ts') || !source.startsWith('./parts/')) return null;
    const resolved = await this.resolve(source, importer, { skipSelf: true });
    return resolved ? `${resolved.id}?lang=en` : null;
  },
};
/**
 * What a chunk has loaded by the time it runs: itself and everything it imports statically (file names).
 * Captured from the bundle before Vite writes each dynamic import's preload list (modulePreload below).
 */
const loadedWith = new Map<string, Set<string>>();
const staticClosures: Plugin = {
  name: 'static-closures',
  generateBundle: {
    order: 'pre',
    handler(_options, bundle) {
      loadedWith.clear();
      const closure = (file: string): Set<string> => {
        const known = loadedWith.get(file);
        if (known) return known;
        const seen = new Set<string>([file]);
        loadedWith.set(file, seen); // cycles end here
        const chunk = bundle[file];
        if (chunk?.type === 'chunk') for (const dep of chunk.imports) for (const f of closure(dep)) seen.add(f);
        return seen;
      };
      for (const file of Object.keys(bundle)) closure(file);
    },
  },
};
/**
 * The web font's stylesheets (@fontsource) name a WOFF beside each WOFF2 subset. Every browser that reads
 * `unicode-range` reads WOFF2, so the WOFF copies only lengthen the first screen's (render-blocking) CSS.
 */
const woff2Only: Plugin = {
  name: 'woff2-only',
  enforce: 'pre',
  transform(code, id) {
    if (!/[\\/]@fontsource[\\/].*\.css$/.test(id)) return null;
    return { code: code.replace(/,\s*url\([^)]*\.woff\)\s*format\(['"]woff['"]\)/g, ''), map: null };
  },
};
const outDir = fileURLToPath(new URL('../dist/web', import.meta.url));

export default defineConfig({
  root: webRoot,
  plugins: [
    englishPartsApart,
    staticClosures,
    woff2Only,
    react(),
    // Scripts and styles compressed once at build (brotli and gzip beside each file), served as they
    // are by the server (express-static-gzip): no compression per request, and the best ratio.
    compression({ algorithms: ['brotliCompress', 'gzip'], include: /\.(js|css|svg|json)$/, threshold: 1024 }),
  ],
  build: {
    outDir,
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    // Fonts are files, loaded by unicode-range when a page uses their characters: never inlined into the CSS
    // as base64 (small subsets were, ~37 KB of the first screen's stylesheet).
    assetsInlineLimit: (file) => (/\.(woff2?|ttf|otf)$/.test(file) ? false : undefined),
    // dist/web/.vite/manifest.json: test/unit/first-screen.test.ts weighs the catalogue's first screen from it.
    manifest: true,
    modulePreload: {
      // A lazy route's preload list need not name what its importer has already loaded (React, antd's core…):
      // the entry's lists of every route were 4 KB gzipped of such names on the first screen.
      resolveDependencies: (_file, deps, { hostId }) => {
        const loaded = loadedWith.get(hostId);
        return loaded ? deps.filter((dep) => !loaded.has(dep)) : deps;
      },
    },
    rolldownOptions: {
      treeshake: {
        // The @rc-component packages (antd's internals) declare no `sideEffects`, so every module they import
        // stayed in, used or not; they are plain component modules (−11 KB gzipped on the first screen).
        moduleSideEffects: (id: string) => !/node_modules[\\/]@rc-component[\\/]/.test(id) || id.endsWith('.css'),
      },
    },
  },
  server: {
    proxy: {
      '/api': { target: 'http://127.0.0.1:3000', changeOrigin: false },
    },
  },
});
