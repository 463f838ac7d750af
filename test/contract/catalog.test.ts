// Every catalogued endpoint, called through its generated function against the simulator, which
// answers with the catalog's example; strict validation checks the example against the schema.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as MiniProgram from '../../generated/mini-program/index.js';
import * as OfficialAccount from '../../generated/official-account/index.js';
import { createClient, type Client } from '../../src/index.js';
import { endpoints, type RegistryField } from '../../src/registry/index.js';
import { DEMO_APPS, startSimulator, type Simulator } from '../../src/simulator/index.js';

let sim: Simulator;
const clients: Partial<Record<string, Client>> = {};

beforeAll(async () => {
  sim = await startSimulator();
  for (const app of DEMO_APPS) {
    clients[app.appType] = createClient({
      appType: app.appType,
      appid: app.appid,
      appsecret: app.secret,
      baseUrl: sim.url,
      validation: 'strict',
      retry: { retries: 0 },
    });
  }
});
afterAll(() => sim.close());

function sample(f: RegistryField, key: string): unknown {
  if (f.enum) return f.enum[0];
  switch (f.type) {
    case 'string':
      return `sample-${key}`;
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return true;
    case 'any':
      return {};
    case 'file':
      return { data: new Uint8Array([1, 2, 3]), filename: `${key}.png` };
    case 'array':
      return [sample(f.items!, key)];
    case 'map':
      return { k: sample(f.values!, key) };
    case 'object':
      return Object.fromEntries(
        Object.entries(f.properties!)
          .filter(([, p]) => !p.optional)
          .map(([k, p]) => [k, sample(p, k)]),
      );
  }
}

// What the generator wrote for this catalog: the number of endpoints, by app type.
const manifest = JSON.parse(readFileSync(new URL('../../generated/manifest.json', import.meta.url), 'utf8')) as {
  endpoints: number;
  byAppType: Record<string, number>;
};
const isComponentAuth = (e: (typeof endpoints)[number]): boolean => e.auth === 'component_access_token' || e.auth === 'component_appsecret';
// Third-party platform endpoints need a component token: test/component covers them.
const componentOnly = endpoints.filter(isComponentAuth);
const callable = endpoints.filter((e) => !isComponentAuth(e));
/** Ids whose call below completed and passed its checks. */
const called = new Set<string>();

describe('every catalog endpoint against its example', () => {
  it('covers the catalog: every generated endpoint is called here, except exactly the component ones', () => {
    expect(endpoints).toHaveLength(manifest.endpoints);
    expect(new Set(endpoints.map((e) => e.id)).size).toBe(endpoints.length);
    // The only endpoints left out are the component namespace's, all of them.
    expect(componentOnly.every((e) => e.appTypes.length === 1 && e.appTypes[0] === 'component')).toBe(true);
    expect(componentOnly).toHaveLength(manifest.byAppType['component'] ?? 0);
    expect(callable).toHaveLength(manifest.endpoints - (manifest.byAppType['component'] ?? 0));
    expect(callable.every((e) => e.appTypes.some((a) => clients[a]))).toBe(true);
  });

  it.each(callable.map((e) => [e.id, e] as const))('%s', async (_, entry) => {
    const appType = entry.appTypes.find((a) => clients[a])!;
    const client = clients[appType]!;
    const namespaces = { ...MiniProgram, ...OfficialAccount } as unknown as Record<string, Record<string, (...a: unknown[]) => Promise<unknown>>>;
    const fn = namespaces[entry.namespace]![entry.name]!;
    const all = { ...entry.params.query, ...entry.params.body, ...entry.params.form };
    const params: Record<string, unknown> = Object.fromEntries(
      Object.entries(all)
        .filter(([, f]) => !f.optional)
        .map(([k, f]) => [k, sample(f, k)]),
    );
    if (entry.id === 'Credential.getStableAccessToken') {
      const app = DEMO_APPS.find((a) => a.appType === appType)!;
      Object.assign(params, { appid: app.appid, secret: app.secret });
    }
    const result = Object.keys(all).length ? await fn(client, params) : await fn(client);
    if (entry.response === 'binary') {
      const bin = result as { data: Uint8Array; contentType: string };
      expect(bin.contentType).toBe('image/png');
      expect(Buffer.from(bin.data.subarray(0, 8)).toString('hex')).toBe('89504e470d0a1a0a');
    } else {
      expect(result).toBeTypeOf('object');
    }
    called.add(entry.id);
  });

  it('called every one of them, and the simulator saw a request on each path', () => {
    expect(callable.map((e) => e.id).filter((id) => !called.has(id))).toEqual([]);
    expect(called.size).toBe(callable.length);
    const seen = sim.counters().calls;
    expect(callable.filter((e) => !seen[e.path]).map((e) => `${e.id} ${e.path}`)).toEqual([]);
  });
});
