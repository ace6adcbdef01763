import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

// Where the server's API listens during `npm run dev` / `npm run preview`.
const apiTarget = process.env.CSMS_API_URL ?? 'http://127.0.0.1:8080';
const proxy = { '/api': { target: apiTarget, changeOrigin: false } };

// The API reference: the server answers /api/docs with api-docs/index.html and /ui/... from
// the output folder. The page has no inline script because the server's Content-Security-Policy
// allows only scripts from its own origin; Redoc starts itself on the <redoc> element.
const apiDocsPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>CSMS API reference</title>
<link rel="icon" href="data:,">
</head>
<body>
<redoc spec-url="/api/v1/openapi.json"></redoc>
<script src="/ui/api-docs/redoc.standalone.js"></script>
</body>
</html>
`;

function apiDocs(): Plugin {
  return {
    name: 'csms-api-docs',
    apply: 'build',
    generateBundle() {
      const require = createRequire(import.meta.url);
      const redoc = require.resolve('redoc/bundles/redoc.standalone.js');
      this.emitFile({ type: 'asset', fileName: 'api-docs/redoc.standalone.js', source: readFileSync(redoc) });
      this.emitFile({ type: 'asset', fileName: 'api-docs/index.html', source: apiDocsPage });
    },
  };
}

export default defineConfig({
  base: '/ui/',
  plugins: [apiDocs()],
  build: {
    outDir: process.env.CSMS_UI_OUT_DIR || 'dist',
    // The output folder may lie outside web/ (CMake's build tree): Vite only empties such a
    // folder when told to.
    emptyOutDir: true,
    // The server serves only names of letters, digits, '.', '-' and '_' (static_files.cpp).
    assetsDir: 'assets',
    sourcemap: false,
    target: 'es2022',
  },
  server: { proxy },
  preview: { proxy },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
