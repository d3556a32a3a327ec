/**
 * End-to-end tests against the real server (which serves the built web app
 * from dist/web: `npm run test:e2e` builds it first) in Debian's Chromium.
 * Every run starts on a fresh data directory, so the demo municipality is
 * seeded anew and the mail outbox holds only this run's messages.
 */
import path from 'node:path';
import { defineConfig } from '@playwright/test';

const PORT = 3123;
// The config is evaluated by the runner and again by each worker: the first
// evaluation fixes the directory and the workers inherit it from the environment.
process.env.E2E_DATA_DIR ??= path.resolve(`.tmp/e2e-data-${Date.now()}`);
const dataDir = process.env.E2E_DATA_DIR;
// The CA of the loopback TSA the server timestamps with (e2e/support/serve.ts), for `openssl ts -verify`.
process.env.E2E_TSA_CA ??= `${dataDir}-tsa-ca.pem`;

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  workers: 1,
  fullyParallel: false,
  forbidOnly: true,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  // CI (.ci/run) also writes JSON results to count every runner's tests.
  reporter: process.env.CI ? [['list'], ['json', { outputFile: '.tmp/ci/playwright.json' }]] : [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    locale: 'ca-ES',
    timezoneId: 'Europe/Madrid',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        browserName: 'chromium',
        viewport: { width: 1280, height: 800 },
        launchOptions: {
          executablePath: '/usr/bin/chromium',
          args: [
            '--headless=new',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        },
      },
    },
  ],
  webServer: {
    command: 'tsx e2e/support/serve.ts',
    url: `http://127.0.0.1:${PORT}/readyz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      PORT: String(PORT),
      DATA_DIR: dataDir,
      NODE_ENV: 'test',
      CAPTCHA_MAX_NUMBER: '1000',
      // Every journey books from 127.0.0.1: a whole run makes more bookings than one citizen's hourly limit (20).
      BOOKING_RATE_LIMIT_PER_HOUR: '500',
      // Likewise every page, asset and API call of every browser counts against one address's limit per
      // minute (300): the run, now about 8 minutes, went over it and two page loads got 429.
      RATE_LIMIT_PER_MINUTE: '5000',
      LOG_LEVEL: 'warn',
      E2E_TSA_CA: process.env.E2E_TSA_CA,
    },
  },
});
