import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    pool: "forks",
    // Node 20 validates relaxed SIMD only behind this flag (NODE_OPTIONS refuses it); the relaxed-SIMD build must
    // run in the tests, not be skipped.
    execArgv: ["--experimental-wasm-relaxed-simd"],
    reporters: ["default", "./tests/summary-reporter.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
