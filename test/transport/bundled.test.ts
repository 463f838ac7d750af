// The Node default inside a single-file bundle. undici is loaded at run time (see
// src/transport/undici.ts), so a bundle keeps it out; shipped without node_modules, calls go
// through node:http with one warning, and a configured proxy (which needs undici) fails clearly.
// Each case bundles a small program with esbuild into a temporary folder that has no
// node_modules and runs it with Node against the simulator.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_APPS, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { startConnectProxy } from './connect-proxy.js';

const run = promisify(execFile);
const REPO = join(import.meta.dirname, '../..');
const OA = DEMO_APPS[0]!;

const PROGRAM = `
import { createClient } from './src/index.js';
import { Material } from './generated/official-account/index.js';
const [baseUrl, appid, appsecret, proxy] = process.argv.slice(2);
const client = createClient({ appType: 'official_account', appid, appsecret, baseUrl, retry: { retries: 0 }, ...(proxy ? { proxy } : {}) });
try {
  const first = await Material.getMaterialCount(client);
  const second = await Material.batchGetMaterial(client, { type: 'image', offset: 0, count: 1 });
  console.log(JSON.stringify({ ok: true, images: first.image_count, listed: typeof second.total_count }));
} catch (e) {
  console.log(JSON.stringify({ ok: false, name: e.name, message: e.message }));
}
`;

let sim: Simulator;
let dir: string;
let bundle: string;

beforeAll(async () => {
  sim = await startSimulator();
  dir = mkdtempSync(join(tmpdir(), 'wxkit-bundled-'));
  bundle = join(dir, 'app.mjs');
  await build({
    stdin: { contents: PROGRAM, resolveDir: REPO, sourcefile: 'app.ts', loader: 'ts' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['node:*', ...builtinModules],
    alias: { '#default-transport': join(REPO, 'src/transport/default-node.ts') },
    outfile: bundle,
    logLevel: 'silent',
  });
  // Not in the repository: Node finds no node_modules (and so no undici) from here.
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
}, 60_000);

afterAll(async () => {
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function runBundle(env: Record<string, string> = {}): Promise<{ out: Record<string, unknown>; stderr: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(https?_proxy|no_proxy|NODE_OPTIONS)$/i.test(k)));
  const { stdout, stderr } = await run(process.execPath, [bundle, sim.url, OA.appid, OA.secret], { cwd: dir, env: { ...clean, ...env }, timeout: 30_000 });
  return { out: JSON.parse(stdout.trim().split('\n').pop()!), stderr };
}

describe('the Node default in a single-file bundle', () => {
  it('keeps undici out of the bundle', async () => {
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(bundle, 'utf8');
    expect(text).not.toContain('llhttp');
    expect(text).not.toMatch(/node_modules[\\/]undici/);
  });

  it('without node_modules, calls go through node:http and one warning says so', async () => {
    const { out, stderr } = await runBundle();
    expect(out).toEqual({ ok: true, images: expect.any(Number), listed: 'number' });
    const warnings = stderr.split('\n').filter((l) => l.includes('undici'));
    expect(warnings).toEqual(['[wxkit] the undici package is not installed beside this code: calls go through node:http (nodeTransport)']);
  });

  it('with a proxy configured, fails with a WxConfigError naming undici (a proxy needs it), not silently direct', async () => {
    const { out } = await runBundle({ HTTPS_PROXY: 'http://user:proxy-password@127.0.0.1:9', HTTP_PROXY: 'http://user:proxy-password@127.0.0.1:9' });
    expect(out.ok).toBe(false);
    expect(out.name).toBe('WxConfigError');
    expect(String(out.message)).toContain('npm install undici');
    expect(String(out.message)).not.toContain('proxy-password');
  });

  it('beside node_modules, the same bundle loads undici, warns of nothing, and honours createClient({ proxy })', async () => {
    const nested = join(REPO, 'node_modules', '.wxkit-bundled-test');
    const { mkdirSync, copyFileSync } = await import('node:fs');
    mkdirSync(nested, { recursive: true });
    const proxy = await startConnectProxy();
    try {
      copyFileSync(bundle, join(nested, 'app.mjs'));
      writeFileSync(join(nested, 'package.json'), '{ "type": "module" }\n');
      const direct = await run(process.execPath, [join(nested, 'app.mjs'), sim.url, OA.appid, OA.secret], { timeout: 30_000 });
      expect(JSON.parse(direct.stdout.trim())).toMatchObject({ ok: true });
      expect(direct.stderr).not.toContain('undici');
      expect(proxy.tunnels).toEqual([]);
      // The proxy option as an app passes it: every request (token fetch and calls) is tunnelled.
      const proxied = await run(process.execPath, [join(nested, 'app.mjs'), sim.url, OA.appid, OA.secret, proxy.url], { timeout: 30_000 });
      expect(JSON.parse(proxied.stdout.trim())).toMatchObject({ ok: true });
      expect(proxy.tunnels.length).toBeGreaterThanOrEqual(1);
      expect(new Set(proxy.tunnels)).toEqual(new Set([new URL(sim.url).host]));
    } finally {
      proxy.close();
      rmSync(nested, { recursive: true, force: true });
    }
  });
});
