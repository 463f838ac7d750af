// WeCom JS-SDK signatures on the wire (msw): wx.config signed with the corp's jsapi_ticket
// (get_jsapi_ticket) and wx.agentConfig with the app's (ticket/get?type=agent_config), both
// sha1 over `jsapi_ticket=…&noncestr=…&timestamp=…&url=…` (computed here independently), tickets
// fetched once, stored per corp + app, replaced after a refused token, and a suite's corp client
// signing agentConfig for the agent it was installed with.
import { createHash } from 'node:crypto';
import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WxConfigError } from '../../src/core/errors.js';
import { memoryStorage } from '../../src/storage/memory.js';
import { createSuite, createWorkClient, suiteKeys, workAgentConfig, workJsapiConfig, workTokenKey } from '../../src/work/index.js';
import { server } from '../helpers.js';
import { recordingStorage } from './helpers.js';

const QY = 'https://qyapi.weixin.qq.com';
const CORP = 'wwjssdkcorp0000001';
const SECRET = 'jssdk-app-secret';

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

interface Stub {
  tokens: number;
  jsapi: Array<string | null>;
  agent: Array<{ token: string | null; type: string | null }>;
}

/** gettoken + both ticket endpoints; tickets depend on the token so a test sees which one signed. */
function stubWeCom(options: { refuseFirstTicketCall?: boolean } = {}): Stub {
  const stub: Stub = { tokens: 0, jsapi: [], agent: [] };
  let refused = false;
  server.use(
    http.get(`${QY}/cgi-bin/gettoken`, ({ request }) => {
      const q = new URL(request.url).searchParams;
      expect([q.get('corpid'), q.get('corpsecret')]).toEqual([CORP, SECRET]);
      stub.tokens++;
      return HttpResponse.json({ errcode: 0, errmsg: 'ok', access_token: `AT${stub.tokens}`, expires_in: 7200 });
    }),
    http.get(`${QY}/cgi-bin/get_jsapi_ticket`, ({ request }) => {
      const token = new URL(request.url).searchParams.get('access_token');
      stub.jsapi.push(token);
      if (options.refuseFirstTicketCall && !refused) {
        refused = true;
        return HttpResponse.json({ errcode: 42001, errmsg: 'access_token expired' });
      }
      return HttpResponse.json({ errcode: 0, errmsg: 'ok', ticket: `CORP-TICKET-${token}`, expires_in: 7200 });
    }),
    http.get(`${QY}/cgi-bin/ticket/get`, ({ request }) => {
      const q = new URL(request.url).searchParams;
      stub.agent.push({ token: q.get('access_token'), type: q.get('type') });
      return HttpResponse.json({ errcode: 0, errmsg: 'ok', ticket: `AGENT-TICKET-${q.get('access_token')}`, expires_in: 7200 });
    }),
  );
  return stub;
}

describe('wx.config and wx.agentConfig', () => {
  it('signs each with its own ticket over the documented string, fetching each ticket once', async () => {
    const stub = stubWeCom();
    const { storage, writes } = recordingStorage();
    const client = createWorkClient({ corpid: CORP, corpsecret: SECRET, agentid: 1000002, storage });
    const url = 'https://app.example.com/page?from=menu&x=%E4%BD%A0#/route';
    const [configs, agents] = await Promise.all([
      Promise.all(
        Array.from({ length: 30 }, () => workJsapiConfig(client, { url, jsApiList: ['scanQRCode'], nonceStr: 'Wm3WZYTPz0wzccnW', timestamp: 1414587457 })),
      ),
      Promise.all(
        Array.from({ length: 30 }, () => workAgentConfig(client, { url, jsApiList: ['selectExternalContact'], nonceStr: 'abc', timestamp: 1414587458 })),
      ),
    ]);
    expect(stub.tokens).toBe(1);
    expect(stub.jsapi).toEqual(['AT1']);
    expect(stub.agent).toEqual([{ token: 'AT1', type: 'agent_config' }]);

    const page = 'https://app.example.com/page?from=menu&x=%E4%BD%A0';
    expect(configs[0]).toEqual({
      beta: true,
      debug: false,
      appId: CORP,
      timestamp: 1414587457,
      nonceStr: 'Wm3WZYTPz0wzccnW',
      signature: sha1(`jsapi_ticket=CORP-TICKET-AT1&noncestr=Wm3WZYTPz0wzccnW&timestamp=1414587457&url=${page}`),
      jsApiList: ['scanQRCode'],
    });
    expect(agents[0]).toEqual({
      corpid: CORP,
      agentid: '1000002',
      timestamp: 1414587458,
      nonceStr: 'abc',
      signature: sha1(`jsapi_ticket=AGENT-TICKET-AT1&noncestr=abc&timestamp=1414587458&url=${page}`),
      jsApiList: ['selectExternalContact'],
    });
    // Both tickets are stored under this app's identity, apart from each other and from the token.
    const base = workTokenKey(CORP, SECRET, 1000002).replace(/:access_token$/, '');
    expect(writes.map((w) => w.key).sort()).toEqual([`${base}:access_token`, `${base}:ticket:agent_config`, `${base}:ticket:jsapi`]);
    // A second client on the same store signs without any request.
    const again = createWorkClient({ corpid: CORP, corpsecret: SECRET, agentid: 1000002, storage });
    const c2 = await workJsapiConfig(again, { url, jsApiList: [], nonceStr: 'Wm3WZYTPz0wzccnW', timestamp: 1414587457 });
    expect(c2.signature).toBe(configs[0]!.signature);
    expect([stub.tokens, stub.jsapi.length, stub.agent.length]).toEqual([1, 1, 1]);
  });

  it('the known official sample signs to its documented value', async () => {
    // The JS-SDK document's worked example (the same algorithm WeCom uses).
    server.use(
      http.get(`${QY}/cgi-bin/get_jsapi_ticket`, () =>
        HttpResponse.json({
          errcode: 0,
          errmsg: 'ok',
          ticket: 'sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg',
          expires_in: 7200,
        }),
      ),
    );
    const client = createWorkClient({ corpid: CORP, corpsecret: SECRET, accessToken: { get: async () => 'T', invalidate: async () => undefined } });
    const config = await workJsapiConfig(client, {
      url: 'http://mp.weixin.qq.com?params=value',
      jsApiList: [],
      nonceStr: 'Wm3WZYTPz0wzccnW',
      timestamp: 1414587457,
    });
    expect(config.signature).toBe('0f9de62fce790f9a083d5c99e95740ceb90c27ed');
  });

  it('a ticket fetch refused with 42001 replaces the token once and retries', async () => {
    const stub = stubWeCom({ refuseFirstTicketCall: true });
    const client = createWorkClient({ corpid: CORP, corpsecret: SECRET });
    const config = await workJsapiConfig(client, { url: 'https://a.example/', jsApiList: [], nonceStr: 'n', timestamp: 1 });
    expect(stub.jsapi).toEqual(['AT1', 'AT2']);
    expect(config.signature).toBe(sha1('jsapi_ticket=CORP-TICKET-AT2&noncestr=n&timestamp=1&url=https://a.example/'));
  });

  it('two apps of one corp never share a ticket', async () => {
    const seen: string[] = [];
    server.use(
      http.get(`${QY}/cgi-bin/gettoken`, ({ request }) => {
        const secret = new URL(request.url).searchParams.get('corpsecret');
        return HttpResponse.json({ errcode: 0, errmsg: 'ok', access_token: `AT-${secret}`, expires_in: 7200 });
      }),
      http.get(`${QY}/cgi-bin/ticket/get`, ({ request }) => {
        const token = new URL(request.url).searchParams.get('access_token')!;
        seen.push(token);
        return HttpResponse.json({ errcode: 0, errmsg: 'ok', ticket: `T-${token}`, expires_in: 7200 });
      }),
    );
    const storage = memoryStorage();
    const a = createWorkClient({ corpid: CORP, corpsecret: 'sa', agentid: 1000002, storage });
    const b = createWorkClient({ corpid: CORP, corpsecret: 'sb', agentid: 1000003, storage });
    const [ca, cb] = await Promise.all([
      workAgentConfig(a, { url: 'https://a.example/', jsApiList: [], nonceStr: 'n', timestamp: 1 }),
      workAgentConfig(b, { url: 'https://a.example/', jsApiList: [], nonceStr: 'n', timestamp: 1 }),
    ]);
    expect(seen.sort()).toEqual(['AT-sa', 'AT-sb']);
    expect([ca.agentid, cb.agentid]).toEqual(['1000002', '1000003']);
    expect(ca.signature).toBe(sha1('jsapi_ticket=T-AT-sa&noncestr=n&timestamp=1&url=https://a.example/'));
    expect(cb.signature).toBe(sha1('jsapi_ticket=T-AT-sb&noncestr=n&timestamp=1&url=https://a.example/'));
  });

  it("a suite's corp client signs agentConfig for the agent it was installed with", async () => {
    const storage = memoryStorage();
    const suite = createSuite({ suiteId: 'wwjssdksuite000001', suiteSecret: 'ss', storage });
    const keys = suiteKeys(suite.suiteId);
    await storage.set(keys.permanentCode(CORP), 'PERM');
    await storage.set(
      keys.info(CORP),
      JSON.stringify({ suiteId: suite.suiteId, corpid: CORP, agentid: 1000077, customized: false, authorizedAt: 1, updatedAt: 1 }),
    );
    await storage.set(`${keys.corp(CORP)}:access_token`, JSON.stringify({ v: 'CORP-TOKEN', e: Date.now() + 3_600_000 }));
    const seen: Array<string | null> = [];
    server.use(
      http.get(`${QY}/cgi-bin/ticket/get`, ({ request }) => {
        seen.push(new URL(request.url).searchParams.get('access_token'));
        return HttpResponse.json({ errcode: 0, errmsg: 'ok', ticket: 'SUITE-AGENT-TICKET', expires_in: 7200 });
      }),
    );
    const corp = suite.corp(CORP);
    const config = await workAgentConfig(corp, { url: 'https://isv.example/p', jsApiList: ['openUserProfile'], nonceStr: 'n', timestamp: 2 });
    expect(seen).toEqual(['CORP-TOKEN']);
    expect(config).toMatchObject({ corpid: CORP, agentid: '1000077' });
    expect(config.signature).toBe(sha1('jsapi_ticket=SUITE-AGENT-TICKET&noncestr=n&timestamp=2&url=https://isv.example/p'));
    expect(await storage.get(`${keys.corp(CORP)}:ticket:agent_config`)).toContain('SUITE-AGENT-TICKET');
  });

  it('refuses what cannot be signed', async () => {
    const client = createWorkClient({ corpid: CORP, corpsecret: SECRET });
    await expect(workJsapiConfig(client, { url: '/relative', jsApiList: [] })).rejects.toBeInstanceOf(WxConfigError);
    await expect(workJsapiConfig(client, { url: 'https://a.example/', jsApiList: 'scan' as never })).rejects.toBeInstanceOf(WxConfigError);
    await expect(workAgentConfig(client, { url: 'https://a.example/', jsApiList: [] })).rejects.toThrow(/agentid/);
    await expect(workAgentConfig(client, { url: 'https://a.example/', jsApiList: [], agentid: 'x1' })).rejects.toBeInstanceOf(WxConfigError);
    await expect(client.getTicket('wx_card')).rejects.toBeInstanceOf(WxConfigError);
    const { createClient } = await import('../../src/index.js');
    const oa = createClient({ appType: 'official_account', appid: 'wx0000000000000001', appsecret: 's' });
    await expect(workJsapiConfig(oa as never, { url: 'https://a.example/', jsApiList: [] })).rejects.toThrow(/WeCom app client/);
  });
});
