// hub.yaml / hub.json validation: defaults, secrets from the environment, errors that name the
// field and never echo a secret, and the CLI's exit code on a bad file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { WxConfigError } from '../../src/core/errors.js';
import { loadHubConfig, parseHubConfig } from '../../src/hub/config.js';

const dir = mkdtempSync(join(tmpdir(), 'wxkit-hub-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const errorOf = (fn: () => unknown): Error => {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
};

describe('hub config', () => {
  it('reads YAML with defaults and secrets from the environment', async () => {
    const path = join(dir, 'hub.yaml');
    writeFileSync(
      path,
      `# the fleet's hub
secretEnv: HUB_SECRET
storage: { type: file, dir: ./tokens }
apps:
  - appid: wx0000000000000001
    appsecretEnv: OA_SECRET
    tickets: [jsapi]
  - appid: wx0000000000000002
    appType: mini_program
    appsecret: inline-secret
`,
    );
    const config = await loadHubConfig(path, { HUB_SECRET: 'a-long-enough-hub-secret', OA_SECRET: 'from-env' });
    expect(config).toEqual({
      listen: { host: '127.0.0.1', port: 8720 },
      secret: 'a-long-enough-hub-secret',
      storage: { type: 'file', dir: join(dir, 'tokens') },
      apps: [
        { appid: 'wx0000000000000001', appType: 'official_account', appsecret: 'from-env', tickets: ['jsapi'] },
        { appid: 'wx0000000000000002', appType: 'mini_program', appsecret: 'inline-secret' },
      ],
      components: [],
      refresh: { enabled: true, marginSeconds: 600, retrySeconds: 30, forcedIntervalSeconds: 5 },
      baseUrl: 'https://api.weixin.qq.com',
    });
  });

  it('reads JSON too, with a Redis URL from the environment', async () => {
    const path = join(dir, 'hub.json');
    writeFileSync(
      path,
      JSON.stringify({
        listen: { port: 9000 },
        secret: 'json-config-secret-123',
        storage: { type: 'redis', urlEnv: 'REDIS_URL', keyPrefix: 'prod:' },
        apps: [{ appid: 'wx0000000000000001', appsecret: 's' }],
        refresh: { marginSeconds: 300, retrySeconds: 10 },
      }),
    );
    const config = await loadHubConfig(path, { REDIS_URL: 'redis://:pw@10.0.0.5:6379/1' });
    expect(config.storage).toEqual({ type: 'redis', url: 'redis://:pw@10.0.0.5:6379/1', keyPrefix: 'prod:' });
    expect(config.listen).toEqual({ host: '127.0.0.1', port: 9000 });
    expect(config.refresh).toEqual({ enabled: true, marginSeconds: 300, retrySeconds: 10, forcedIntervalSeconds: 5 });
  });

  it('names each bad field and never echoes a secret', () => {
    const e = errorOf(() =>
      parseHubConfig({
        secret: 'short-secret',
        apps: [
          { appid: 'bad id!', appsecret: 'super-secret-value', appsecretEnv: 'X' },
          { appid: 'wx0000000000000002', appType: 'robot' },
        ],
        storage: { type: 'redis' },
        listen: { port: 'eighty' },
        unknown: true,
      }),
    );
    expect(e).toBeInstanceOf(WxConfigError);
    expect(e.message).toMatch(/secret: must be at least 16 characters/);
    expect(e.message).toMatch(/apps\[0\]\.appid: must be 4 to 64 letters/);
    expect(e.message).toMatch(/apps\[1\]\.appType/);
    expect(e.message).toMatch(/storage\.url: give exactly one of url or urlEnv/);
    expect(e.message).toMatch(/listen\.port/);
    expect(e.message).toMatch(/unknown/);
    expect(e.message).not.toContain('super-secret-value');
    expect(e.message).not.toContain('short-secret');
  });

  it('reports missing environment variables by field', () => {
    const e = errorOf(() => parseHubConfig({ secretEnv: 'NOPE_SECRET', apps: [{ appid: 'wx0000000000000001', appsecretEnv: 'NOPE_APP' }] }, { env: {} }));
    expect(e.message).toMatch(/secretEnv: environment variable NOPE_SECRET is not set/);
    expect(e.message).toMatch(/apps\[0\]\.appsecretEnv: environment variable NOPE_APP is not set/);
  });

  it('requires a secret and at least one app', () => {
    const e = errorOf(() => parseHubConfig({}));
    expect(e.message).toMatch(/secret: give exactly one of secret or secretEnv/);
    expect(e.message).toMatch(/apps: configure at least one app/);
  });

  it('`wxkit hub` exits 1 with the field named when the config is bad', async () => {
    const path = join(dir, 'bad.yaml');
    writeFileSync(path, 'secret: top-secret-but-fine-length\napps: []\n');
    const err: string[] = [];
    const code = await main(['hub', '--config', path], { out: () => undefined, err: (l) => err.push(l) });
    expect(code).toBe(1);
    expect(err.join('\n')).toMatch(/apps: configure at least one app/);
    expect(err.join('\n')).not.toContain('top-secret');
    expect(await main(['hub'], { out: () => undefined, err: () => undefined })).toBe(1);
    expect(await main(['frobnicate'], { out: () => undefined, err: () => undefined })).toBe(1);
  });
});
