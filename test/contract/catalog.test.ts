// Every catalogued endpoint, called through its generated function against the simulator, which
// answers with the catalog's example; strict validation checks the example against the schema.
// Each endpoint gets the client its auth scheme needs: an official account, mini program or
// Channels shop, the third-party platform, a WeCom app, suite or provider, or a group robot.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toNodeHandler } from '../../src/callbacks/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Channels from '../../generated/channels/index.js';
import * as ComponentFolder from '../../generated/component/index.js';
import * as MiniProgram from '../../generated/mini-program/index.js';
import * as OfficialAccount from '../../generated/official-account/index.js';
import * as Work from '../../generated/work/index.js';
import { createComponent } from '../../src/component/index.js';
import { deliverTicket } from '../component/helpers.js';
import { createClient, memoryStorage, type Client } from '../../src/index.js';
import { valueAt } from '../../src/core/paginate.js';
import { endpoints, findExample, type RegistryEntry } from '../../src/registry/index.js';
import { sample } from './sample.js';
import { DEMO_APPS, DEMO_COMPONENTS, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { DEMO_WORK } from '../../src/simulator/work/work-types.js';
import { createProvider, createSuite, createWebhook, createWorkClient } from '../../src/work/index.js';

let sim: Simulator;
const clients: Partial<Record<string, Client>> = {};
const common = () => ({ baseUrl: sim.url, validation: 'strict' as const, retry: { retries: 0 } });

beforeAll(async () => {
  sim = await startSimulator();
  for (const app of DEMO_APPS) {
    clients[app.appType] = createClient({ appType: app.appType, appid: app.appid, appsecret: app.secret, ...common() });
  }
  const c = DEMO_COMPONENTS[0]!;
  const component = createComponent({ ...c, storage: memoryStorage(), ...common() });
  await deliverTicket(sim, component);
  clients.component = component.client;
  const [app] = sim.work.apps;
  clients.work = createWorkClient({ corpid: app!.corpid, corpsecret: app!.secret, agentid: app!.agentid, ...common() });
  const s = sim.work.suites[0]!;
  const suite = createSuite({
    suiteId: s.suiteId,
    suiteSecret: s.suiteSecret,
    token: s.token,
    encodingAESKey: s.encodingAESKey,
    storage: memoryStorage(),
    ...common(),
  });
  // The suite_ticket arrives as WeCom sends it: a push to the suite's instruction URL.
  const events = createServer(toNodeHandler(suite.eventHandler()));
  await new Promise<void>((r) => events.listen(0, '127.0.0.1', r));
  await sim.work.pushSuiteTicket(s.suiteId, `http://127.0.0.1:${(events.address() as AddressInfo).port}/suite`);
  events.closeAllConnections();
  events.close();
  clients.suite = suite.client;
  const pr = DEMO_WORK.providers[0]!;
  clients.provider = createProvider({ corpid: pr.corpid, providerSecret: pr.providerSecret, ...common() }).client;
  clients.webhook = createWebhook({ key: 'demo-robot-key-0001', ...common() });
});
afterAll(() => sim.close());

/** The demo credentials a credential endpoint is called with (sample values would be refused). */
function credentialsFor(id: string, key: string): Record<string, unknown> {
  const app = DEMO_APPS.find((a) => a.appType === key);
  const w = DEMO_WORK;
  switch (id) {
    case 'Credential.getStableAccessToken':
      return { appid: app!.appid, secret: app!.secret };
    case 'Work.getToken':
      return { corpid: w.apps[0]!.corpid, corpsecret: w.apps[0]!.secret };
    case 'WorkProvider.getProviderToken':
      return { corpid: w.providers[0]!.corpid, provider_secret: w.providers[0]!.providerSecret };
    case 'Component.startPushTicket':
      return { component_appid: DEMO_COMPONENTS[0]!.componentAppid, component_secret: DEMO_COMPONENTS[0]!.componentAppsecret };
  }
  return id.startsWith('Component.') ? { component_appid: DEMO_COMPONENTS[0]!.componentAppid } : {};
}

/** Which client calls an endpoint: by its auth scheme, else by its first app type the simulator has. */
function clientKey(e: RegistryEntry): string | undefined {
  switch (e.auth) {
    case 'component_access_token':
    case 'component_access_token_as_access_token':
    case 'component_appsecret':
      return 'component';
    case 'suite_access_token':
      return 'suite';
    case 'provider_access_token':
    case 'provider_access_token_as_access_token':
      return 'provider';
    case 'key':
      return 'webhook';
  }
  return e.appTypes.find((a) => clients[a] && a !== 'component');
}

// What the generator wrote for this catalog: the number of endpoints, by app type.
const manifest = JSON.parse(readFileSync(new URL('../../generated/manifest.json', import.meta.url), 'utf8')) as {
  endpoints: number;
  byAppType: Record<string, number>;
};
// Left out, each for a reason tested elsewhere: the platform's token endpoint is the credential
// itself (test/component), WeChat Pay needs a merchant (test/pay drives its protocols end to end).
// Steps of an authorization flow take what an earlier step handed out (a verify or suite ticket, an
// auth code, a refresh or permanent code): sample values are refused, as WeChat refuses them.
// test/component and test/work walk those flows against the simulator.
const FLOW_STEPS = new Set([
  'Component.getComponentAccessToken',
  'Component.queryAuth',
  'Component.getAuthorizerToken',
  'Component.getAuthorizerInfo',
  'Component.getAuthorizerOption',
  'Component.setAuthorizerOption',
  'Component.getOAuthAccessToken',
  'Component.refreshOAuthAccessToken',
  'WorkSuite.getSuiteToken',
  'WorkSuite.setSessionInfo',
  'WorkSuite.getPermanentCode',
  'WorkSuite.getAuthInfo',
  'WorkSuite.getCorpToken',
]);
const leftOut = (e: RegistryEntry): string | undefined =>
  FLOW_STEPS.has(e.id) ? 'a step of an authorization flow (test/component, test/work)' : e.appTypes.includes('pay') ? 'WeChat Pay (test/pay)' : undefined;
const callable = endpoints.filter((e) => !leftOut(e));
/** Ids whose call below completed and passed its checks. */
const called = new Set<string>();
const namespaces = { ...Work, ...ComponentFolder, ...Channels, ...MiniProgram, ...OfficialAccount } as unknown as Record<
  string,
  Record<string, (...a: unknown[]) => Promise<unknown>>
>;

describe('every catalog endpoint against its example', () => {
  it('covers the catalog: every generated endpoint is called here, except the ones left out for a reason', () => {
    expect(endpoints).toHaveLength(manifest.endpoints);
    expect(new Set(endpoints.map((e) => e.id)).size).toBe(endpoints.length);
    const out = endpoints.filter((e) => leftOut(e));
    expect(out.filter((e) => !e.appTypes.includes('pay')).map((e) => e.id)).toEqual(endpoints.filter((e) => FLOW_STEPS.has(e.id)).map((e) => e.id));
    expect(out.length).toBe(FLOW_STEPS.size + (manifest.byAppType['pay'] ?? 0));
    expect(callable.filter((e) => !clientKey(e)).map((e) => e.id)).toEqual([]);
  });

  it.each(callable.map((e) => [e.id, e] as const))('%s', async (_, entry) => {
    const key = clientKey(entry)!;
    const client = clients[key]!;
    const fn = namespaces[entry.namespace]?.[entry.name];
    expect(fn, `${entry.id} is exported by its folder's entry point`).toBeTypeOf('function');
    const all = { ...entry.params.pathParams, ...entry.params.query, ...entry.params.body, ...entry.params.form, ...entry.params.headers };
    const params: Record<string, unknown> = Object.fromEntries(
      Object.entries(all)
        .filter(([, f]) => !f.optional && f.const === undefined)
        .map(([k, f]) => [k, sample(f, k)]),
    );
    // Credential endpoints need the real credentials of the simulator's demo apps.
    Object.assign(params, credentialsFor(entry.id, key));
    const takesParams = Object.entries(all).some(([, f]) => f.const === undefined);
    const result = takesParams ? await fn!(client, params) : await fn!(client);
    if (entry.response === 'binary') {
      const bin = result as { data: Uint8Array; contentType: string };
      expect(bin.contentType).toBe('image/png');
      expect(Buffer.from(bin.data.subarray(0, 8)).toString('hex')).toBe('89504e470d0a1a0a');
    } else {
      expect(result).toBeTypeOf('object');
    }
    if (entry.pagination) {
      // The simulator pages the example (its items are the whole list): iteration must end, and
      // yield exactly those items, however the list pages.
      const iterate = (fn as unknown as { iterate: (c: Client, p: unknown, o: unknown) => AsyncIterable<unknown> }).iterate;
      // A required cursor stays: it is where the list starts.
      const { [entry.pagination.offset ?? '']: _o, [entry.pagination.count ?? '']: _n, ...rest } = params;
      const items: unknown[] = [];
      const pages: unknown[] = [];
      for await (const item of iterate(client, rest, { pageSize: 1, maxPages: 50 })) items.push(item);
      for await (const page of (fn as unknown as { pages: typeof iterate }).pages(client, rest, { pageSize: 1, maxPages: 50 })) pages.push(page);
      expect(pages.length).toBeLessThan(50);
      // The platform's authorizer list is the simulator's real state, not the example.
      if (entry.id !== 'Component.getAuthorizerList') {
        const example = (await findExample(entry.id)) as Record<string, unknown>;
        expect(items).toEqual(valueAt(example, entry.pagination.items) ?? []);
      }
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
