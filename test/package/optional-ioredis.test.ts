// ioredis is an optional peer dependency: importing any wxkit entry point must not load it, and
// redisStorage must say what to install when it is missing. A child process runs the sources (tsx)
// with module hooks that make `ioredis` unresolvable and record every attempt to import it.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
  exports: Record<string, string | { default: string }>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  devDependencies?: Record<string, string>;
};

/** Every export's source file: ./dist/src/x.js → src/x.ts (wildcards and package.json left out). */
const entries = Object.entries(pkg.exports)
  .filter(([key]) => !key.includes('*') && key !== './package.json')
  .map(([, target]) => (typeof target === 'string' ? target : target.default).replace(/^\.\/dist\//, '').replace(/\.js$/, '.ts'));

describe('ioredis is optional', () => {
  it('is a peer dependency marked optional (and a devDependency for the tests), not a dependency', () => {
    expect(pkg.dependencies?.ioredis).toBeUndefined();
    expect(pkg.peerDependencies?.ioredis).toMatch(/^\^/);
    expect(pkg.peerDependenciesMeta?.ioredis?.optional).toBe(true);
    expect(pkg.devDependencies?.ioredis).toBeDefined();
  });

  it('no entry point imports it, and redisStorage names the package to install', async () => {
    expect(entries).toContain('src/index.ts');
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'test/package/no-ioredis-child.mjs', JSON.stringify(entries)], {
      cwd: root,
      timeout: 60_000,
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
      imported: string[];
      failed: string[];
      ioredisAtImport: number;
      redis: { configError: boolean; name: string; message: string } | string;
    };
    expect(result.failed).toEqual([]);
    expect(result.imported).toEqual(entries);
    expect(result.ioredisAtImport).toBe(0);
    expect(result.redis).toEqual({
      configError: true,
      name: 'WxConfigError',
      message: 'redisStorage needs the ioredis package: npm install ioredis',
    });
  }, 90_000);
});
