// Test runner configuration: unit tests beside the code, e2e suites in test/.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['apiserver/**/*.test.ts', 'bench/**/*.test.ts', 'controllers/**/*.test.ts', 'kubelet-sim/**/*.test.ts', 'cluster/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    globalSetup: ['test/support/global-setup.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
