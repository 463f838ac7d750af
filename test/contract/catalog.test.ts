// Every catalogued endpoint, called through its generated function against the simulator, which
// answers with the catalog's example; strict validation checks the example against the schema.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as MiniProgram from '../../generated/mini-program/index.js';
import * as OfficialAccount from '../../generated/official-account/index.js';
import { createClient, type Client } from '../../src/index.js';
import { endpoints, type RegistryField } from '../../src/registry.js';
import { DEMO_APPS, startSimulator, type Simulator } from '../../src/simulator/index.js';

let sim: Simulator;
const clients: Partial<Record<string, Client>> = {};

beforeAll(async () => {
  sim = await startSimulator();
  for (const app of DEMO_APPS) {
    clients[app.appType] = createClient({ appType: app.appType, appid: app.appid, appsecret: app.secret, baseUrl: sim.url, validation: 'strict', retry: { retries: 0 } });
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
      return Object.fromEntries(Object.entries(f.properties!).filter(([, p]) => !p.optional).map(([k, p]) => [k, sample(p, k)]));
  }
}

const callable = endpoints.filter((e) => e.auth !== 'component_access_token' && e.auth !== 'component_appsecret');

describe('every catalog endpoint against its example', () => {
  it('covers the catalog', () => {
    expect(callable.length).toBeGreaterThanOrEqual(80);
  });

  it.each(callable.map((e) => [e.id, e] as const))('%s', async (_, entry) => {
    const appType = entry.appTypes.find((a) => clients[a])!;
    const client = clients[appType]!;
    const namespaces = { ...MiniProgram, ...OfficialAccount } as unknown as Record<string, Record<string, (...a: unknown[]) => Promise<unknown>>>;
    const fn = namespaces[entry.namespace]![entry.name]!;
    const all = { ...entry.params.query, ...entry.params.body, ...entry.params.form };
    const params: Record<string, unknown> = Object.fromEntries(Object.entries(all).filter(([, f]) => !f.optional).map(([k, f]) => [k, sample(f, k)]));
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
  });
});
