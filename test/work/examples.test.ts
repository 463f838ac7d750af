// The WeCom examples run as a user would run them (`npx tsx examples/<file> --self-test`), each
// against its own simulator: a non-zero exit fails the test with the example's output.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');

describe.each(['work-app.ts', 'work-hub.ts'])('examples/%s --self-test', (file) => {
  it('exits 0 and says so', () => {
    const run = spawnSync(tsx, [join('examples', file), '--self-test'], { cwd: root, encoding: 'utf8', timeout: 60_000, env: { ...process.env, CI: 'true' } });
    expect(`${run.stdout}\n${run.stderr}`).toContain('self-test ok');
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
  }, 70_000);
});
