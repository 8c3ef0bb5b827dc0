import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Statistical tests simulate millions of requests; they check correctness, never time.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
