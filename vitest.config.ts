// Vitest configuration: every test under test/, with one real Postgres server booted for the whole run by the global setup.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/helpers/global-setup.ts"],
    testTimeout: 30_000,
    // Hooks may boot extra servers or run migrations on a loaded 2-core CI box.
    hookTimeout: 120_000,
    // Child processes rather than threads: the harness spawns postmasters and registers exit handlers.
    pool: "forks",
    watch: false,
  },
});
