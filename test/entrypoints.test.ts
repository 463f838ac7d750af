// Each entry point must load on its own, first, in a fresh process: import cycles between src/ and
// generated/ (client.ts uses the catalog's Credential endpoints) only break in some load orders.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const ENTRIES = [
  'generated/official-account/credential.ts',
  'generated/official-account/index.ts',
  'generated/mini-program/index.ts',
  'generated/channels/index.ts',
  'generated/work/index.ts',
  'generated/pay/index.ts',
  'generated/component/index.ts',
  'src/index.ts',
  'src/component/index.ts',
  'src/hub/index.ts',
  'src/callbacks/index.ts',
  'src/pay/index.ts',
  'src/work/index.ts',
  'src/simulator/index.ts',
  'src/registry/index.ts',
];

describe('entry points load first in a fresh process', () => {
  it.each(ENTRIES)('%s', (entry) => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', `import('./${entry}').then((m) => console.log(Object.keys(m).length))`], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(Number(out.trim())).toBeGreaterThan(0);
  });
});
