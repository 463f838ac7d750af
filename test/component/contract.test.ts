// Every Component endpoint, called through its generated function with a component client against
// the simulator, which checks the component token, the ticket and the codes; strict validation
// checks each answer against the catalog's schema. (OpenAccount and OAuth endpoints use ordinary
// access tokens or none and are covered by test/contract/catalog.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Component, createComponent, type WxComponent } from '../../src/component/index.js';
import { memoryStorage } from '../../src/index.js';
import { endpoints } from '../../src/registry/index.js';
import { DEMO_COMPONENTS, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { serveComponent, type Served } from './helpers.js';

const C = DEMO_COMPONENTS[0]!;
const A = 'wx00000000000000a7';
const component_appid = C.componentAppid;

let sim: Simulator;
let served: Served;
let component: WxComponent;
const state: { ticket?: string; oauthCode?: string; userRefresh?: string } = {};

beforeAll(async () => {
  sim = await startSimulator();
  component = createComponent({ ...C, storage: memoryStorage(), baseUrl: sim.url, validation: 'strict', retry: { retries: 0 } });
  served = await serveComponent(component);
  state.ticket = (await sim.pushVerifyTicket(component_appid, served.eventUrl)).ticket;
  await sim.authorize(component_appid, A);
  state.oauthCode = sim.oauthAuthorize(component.oauthUrl(A, { redirectUri: 'https://example.com/back' })).code;
});
afterAll(async () => {
  await served.close();
  await sim.close();
});

type Case = [name: string, call: () => Promise<unknown>];
const c = () => component.client;
const cases: Case[] = [
  [
    'getComponentAccessToken',
    () => Component.getComponentAccessToken(c(), { component_appid, component_appsecret: C.componentAppsecret, component_verify_ticket: state.ticket! }),
  ],
  ['startPushTicket', () => Component.startPushTicket(c(), { component_appid, component_secret: C.componentAppsecret })],
  ['createPreAuthCode', () => Component.createPreAuthCode(c(), { component_appid })],
  [
    'queryAuth',
    async () => Component.queryAuth(c(), { component_appid, authorization_code: (await sim.authorize(component_appid, A, { push: false })).authCode }),
  ],
  [
    'getAuthorizerToken',
    async () =>
      Component.getAuthorizerToken(c(), {
        component_appid,
        authorizer_appid: A,
        authorizer_refresh_token: (await component.storage.get(`wxkit:${component_appid}:authorizer:${A}:refresh_token`))!,
      }),
  ],
  ['getAuthorizerInfo', () => Component.getAuthorizerInfo(c(), { component_appid, authorizer_appid: A })],
  [
    'setAuthorizerOption',
    () => Component.setAuthorizerOption(c(), { component_appid, authorizer_appid: A, option_name: 'voice_recognize', option_value: '1' }),
  ],
  ['getAuthorizerOption', () => Component.getAuthorizerOption(c(), { component_appid, authorizer_appid: A, option_name: 'voice_recognize' })],
  ['getAuthorizerList', () => Component.getAuthorizerList(c(), { component_appid, offset: 0, count: 100 })],
  ['clearQuota', () => Component.clearQuota(c(), { component_appid })],
  ['clearQuotaByAppSecret', () => Component.clearQuotaByAppSecret(c(), { component_appid, appsecret: C.componentAppsecret })],
  ['code2Session', () => Component.code2Session(c(), { appid: A, js_code: 'sample-js-code', component_appid })],
  [
    'getOAuthAccessToken',
    async () => {
      const token = await Component.getOAuthAccessToken(c(), { appid: A, code: state.oauthCode!, component_appid });
      state.userRefresh = token.refresh_token;
      return token;
    },
  ],
  ['refreshOAuthAccessToken', () => Component.refreshOAuthAccessToken(c(), { appid: A, component_appid, refresh_token: state.userRefresh! })],
];

describe('every Component endpoint through a component client', () => {
  it('covers the Component namespace', () => {
    const catalogued = endpoints
      .filter((e) => e.namespace === 'Component')
      .map((e) => e.name)
      .sort();
    expect(cases.map(([name]) => name).sort()).toEqual(catalogued);
    // The platform's other namespaces (code templates, fast registration, …) are called with the
    // same component client by test/contract/catalog.test.ts.
  });

  it.each(cases)('Component.%s', async (_, call) => {
    expect(await call()).toBeTypeOf('object');
  });

  it('refuses a component token that was replaced, and the client replays once', async () => {
    await component.getComponentAccessToken();
    // Fetching a new token by hand retires the stored one, as at WeChat.
    await Component.getComponentAccessToken(c(), { component_appid, component_appsecret: C.componentAppsecret, component_verify_ticket: state.ticket! });
    const r = await Component.getAuthorizerList(c(), { component_appid, offset: 0, count: 1 }).withResponse();
    expect(r.response.attempts).toBe(2);
    expect(r.data.list[0]?.authorizer_appid).toBe(A);
  });

  it('raw requests of the component client carry the component token', async () => {
    const data = await component.client.request<{ pre_auth_code: string }>({ path: '/cgi-bin/component/api_create_preauthcode', body: { component_appid } });
    expect(data.pre_auth_code).toMatch(/^preauthcode@@@/);
  });
});
