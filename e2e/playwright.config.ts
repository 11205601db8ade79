import { defineConfig } from '@playwright/test';

// Debian's Chromium, never a downloaded browser. The app is served from the production build.
// E2E_PORT lets several checkouts run their browser tests side by side.
const port = Number(process.env.E2E_PORT ?? 4317);
export default defineConfig({
  testDir: '.',
  // Benchmarks print figures and assert nothing about time: `npm run bench:frames`, never in `npm test`.
  testMatch: process.env.STRATA_BENCH ? '**/*.bench.ts' : '**/*.spec.ts',
  timeout: 120_000,
  retries: 0,
  workers: 1,
  outputDir: '../test-results',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    viewport: { width: 1400, height: 900 },
  },
  webServer: {
    command: `npx vite preview --host 127.0.0.1 --port ${port} --strictPort`,
    cwd: '..',
    url: `http://127.0.0.1:${port}`,
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
