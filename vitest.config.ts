import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Tests stub HTTP with msw, which sees fetch and node:http but not undici's own sockets: the
    // runtime's default transport is the portable one here. test/transport/ covers the Node default.
    alias: { '#default-transport': fileURLToPath(new URL('./src/transport/default-portable.ts', import.meta.url)) },
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Every test file runs with the network guard: nothing but loopback may be reached.
    setupFiles: ['test/setup/no-network.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Type tests are compiled, not run: a wrong expectTypeOf or an unused @ts-expect-error fails the
    // run. vitest runs `tsc` (TypeScript 7's compiler) over test/types/tsconfig.json, which covers
    // test/types/**/*.test-d.ts and test/component/types.test.ts plus everything they import; type
    // errors in those imports (src/, generated/) fail the run too.
    typecheck: {
      enabled: true,
      checker: 'tsc',
      include: ['test/types/**/*.test-d.ts', 'test/component/types.test.ts'],
      tsconfig: 'test/types/tsconfig.json',
    },
  },
});
