const base = require('./jest.config');

/**
 * Browser tests (test/browser/*.browser.ts): Debian's Chromium at /usr/bin/chromium driven by
 * playwright-core. One file at a time: each runs its own Chromium next to its own app.
 * @type {import('jest').Config}
 */
module.exports = {
  ...base,
  roots: ['<rootDir>/test/browser'],
  testMatch: ['**/*.browser.ts'],
  testTimeout: 60000,
  maxWorkers: 1,
};
