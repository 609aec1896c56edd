import { defineConfig } from 'vitest/config';

// `npm run dev` serves the console on :5173 and sends the API and previews to a gateway on :8080
// (or BERTH_GATEWAY). `npm run build` writes the jar's resources, which the gateway serves at /.
const gateway = process.env.BERTH_GATEWAY ?? 'http://127.0.0.1:8080';

export default defineConfig({
  build: {
    outDir: 'target/classes/META-INF/resources',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1000,
  },
  server: {
    proxy: {
      '/api': { target: gateway, ws: true },
      '/preview': { target: gateway, ws: true },
      '/console-config.json': gateway,
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
