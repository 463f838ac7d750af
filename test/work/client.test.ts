// createWorkClient against the simulator playing qyapi: one gettoken however many cold callers,
// one more after a 42001 or 40014, tokens never shared between two secrets or corps, the JS-SDK
// tickets cached like tokens, and no secret in any error.
import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WxApiError, WxConfigError } from '../../src/core/errors.js';
import { signJsapi } from '../../src/official/jssdk.js';
import { memoryStorage } from '../../src/storage/memory.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { createWorkClient, workAgentConfig, workJsapiConfig } from '../../src/work/index.js';

const CORP = 'wwtestcorp00000001';
const APP = { corpid: CORP, agentid: 1000002, secret: 'work-app-secret-never-shown' };
const CONTACTS = { corpid: CORP, secret: 'work-contacts-secret-never-shown' };
const OTHER = { corpid: 'wwtestcorp00000002', agentid: 1000002, secret: 'other-corp-secret' };

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ work: { apps: [APP, CONTACTS, OTHER], suites: [], providers: [] } });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

const user = (client: ReturnType<typeof createWorkClient>, userid = 'zhangsan') =>
  client.request<{ userid: string }>({ path: '/cgi-bin/user/get', query: { userid } });

describe('createWorkClient tokens', () => {
  it('1,000 concurrent cold calls make 1 gettoken; an injected 42001 makes exactly 1 more', async () => {
    // Generous per-attempt timeouts: on a loaded CI machine 1,000 loopback requests can take longer
    // than the 10 s default, and a timed-out attempt would be retried with a token of its own.
    const client = createWorkClient({ corpid: CORP, agentid: APP.agentid, corpsecret: APP.secret, baseUrl: sim.url, timeoutMs: 90_000, deadlineMs: 90_000 });
    const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => user(client, `u${i}`)));
    expect(results.every((r) => typeof r.userid === 'string')).toBe(true);
    expect(sim.work.counters().tokenRequests).toEqual({ [`${CORP}:1000002`]: 1 });

    // WeCom answers 42001 to the next call (as when the token ran out): replaced once, however many saw it.
    sim.inject({ path: '/cgi-bin/user/get', errcode: 42001, times: 1 });
    await Promise.all(Array.from({ length: 1000 }, () => user(client)));
    expect(sim.work.counters().tokenRequests[`${CORP}:1000002`]).toBe(2);
  }, 120_000);

  it('an expired token (42001 from WeCom itself) and a revoked one (40014) are each replaced once', async () => {
    const client = createWorkClient({ corpid: CORP, agentid: APP.agentid, corpsecret: APP.secret, baseUrl: sim.url });
    await user(client);
    sim.work.expireToken(CORP, APP.agentid);
    await Promise.all(Array.from({ length: 200 }, () => user(client)));
    expect(sim.work.counters().tokenRequests[`${CORP}:1000002`]).toBe(2);
    sim.work.invalidateToken(CORP, APP.agentid);
    await Promise.all(Array.from({ length: 200 }, () => user(client)));
    expect(sim.work.counters().tokenRequests[`${CORP}:1000002`]).toBe(3);
  });

  it('keeps one token per (corp, secret): two apps on one store never share one', async () => {
    const storage = memoryStorage();
    const app = createWorkClient({ corpid: CORP, agentid: APP.agentid, corpsecret: APP.secret, baseUrl: sim.url, storage });
    const contacts = createWorkClient({ corpid: CORP, corpsecret: CONTACTS.secret, baseUrl: sim.url, storage });
    const other = createWorkClient({ corpid: OTHER.corpid, agentid: OTHER.agentid, corpsecret: OTHER.secret, baseUrl: sim.url, storage });
    const tokens = await Promise.all([app.getAccessToken(), contacts.getAccessToken(), other.getAccessToken()]);
    expect(new Set(tokens).size).toBe(3);
    expect(sim.work.counters().tokenRequests).toEqual({ [`${CORP}:1000002`]: 1, [`${CORP}:secret`]: 1, [`${OTHER.corpid}:1000002`]: 1 });
    // A second process on the same store reuses each.
    const again = createWorkClient({ corpid: CORP, corpsecret: CONTACTS.secret, baseUrl: sim.url, storage });
    expect(await again.getAccessToken()).toBe(tokens[1]);
    expect(sim.work.counters().tokenRequests[`${CORP}:secret`]).toBe(1);
  });

  it('a wrong secret is a typed error that never shows the secret', async () => {
    const client = createWorkClient({ corpid: CORP, corpsecret: 'wrong-secret-value-123', baseUrl: sim.url });
    const error = await client.getAccessToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WxApiError);
    expect((error as WxApiError).errcode).toBe(40001);
    expect(inspect(error, { depth: null }) + JSON.stringify(error)).not.toContain('wrong-secret-value-123');
  });

  it('refuses bad options with WxConfigError', () => {
    expect(() => createWorkClient({ corpid: 'bad corp', corpsecret: 'x' })).toThrow(WxConfigError);
    expect(() => createWorkClient({ corpid: CORP })).toThrow(WxConfigError);
    expect(() => createWorkClient({ corpid: CORP, corpsecret: 'x', agentid: 'abc' })).toThrow(WxConfigError);
  });

  it('raw requests go to qyapi.weixin.qq.com by default', async () => {
    const seen: string[] = [];
    const client = createWorkClient({
      corpid: CORP,
      corpsecret: 's',
      accessToken: { get: async () => 'T', invalidate: async () => undefined },
      fetch: async (input) => {
        seen.push(String(input instanceof Request ? input.url : input));
        return new Response('{"errcode":0,"errmsg":"ok"}', { headers: { 'content-type': 'application/json' } });
      },
    });
    await client.request({ path: '/cgi-bin/user/get', query: { userid: 'a' } });
    expect(new URL(seen[0]!).host).toBe('qyapi.weixin.qq.com');
  });
});

describe('WeCom JS-SDK', () => {
  it('signs wx.config with the corp ticket and wx.agentConfig with the agent ticket, each fetched once', async () => {
    const client = createWorkClient({ corpid: CORP, agentid: APP.agentid, corpsecret: APP.secret, baseUrl: sim.url });
    const url = 'https://example.com/work/page?x=1#frag';
    const configs = await Promise.all(
      Array.from({ length: 50 }, () => workJsapiConfig(client, { url, jsApiList: ['scanQRCode'], nonceStr: 'n0nce', timestamp: 1712345678 })),
    );
    const agents = await Promise.all(
      Array.from({ length: 50 }, () => workAgentConfig(client, { url, jsApiList: ['selectExternalContact'], nonceStr: 'n0nce', timestamp: 1712345678 })),
    );
    expect(sim.work.counters().ticketRequests).toEqual({ [`${CORP}:jsapi`]: 1, [`${CORP}:agent_config`]: 1 });
    const [config] = configs;
    const [agent] = agents;
    expect(config).toMatchObject({ beta: true, appId: CORP, timestamp: 1712345678, nonceStr: 'n0nce', jsApiList: ['scanQRCode'] });
    expect(agent).toMatchObject({ corpid: CORP, agentid: '1000002', timestamp: 1712345678, nonceStr: 'n0nce' });
    // Two different tickets, each signed over jsapi_ticket/noncestr/timestamp/url (fragment dropped).
    const jsapi = await client.getTicket('jsapi');
    expect(config!.signature).toBe(signJsapi({ ticket: jsapi, nonceStr: 'n0nce', timestamp: 1712345678, url: 'https://example.com/work/page?x=1' }));
    expect(agent!.signature).not.toBe(config!.signature);
  });

  it('agentConfig needs an agentid', async () => {
    const contacts = createWorkClient({ corpid: CORP, corpsecret: CONTACTS.secret, baseUrl: sim.url });
    await expect(workAgentConfig(contacts, { url: 'https://example.com/', jsApiList: [] })).rejects.toBeInstanceOf(WxConfigError);
    await expect(contacts.getTicket('wx_card')).rejects.toBeInstanceOf(WxConfigError);
  });
});
