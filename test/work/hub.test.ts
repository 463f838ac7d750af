// WeCom clients reading their tokens and tickets from a hub (hubStorage), with the hub and qyapi
// stubbed by msw: a self-built app by corpid + agentid (hubWorkClientOptions), a suite's corp
// client by corpid + suite id, the suite's own token; a token WeCom refuses is reported to the
// hub's refresh route once, and nothing ever asks qyapi for a token.
import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WxConfigError } from '../../src/core/errors.js';
import { hubStorage } from '../../src/hub/hub-storage.js';
import { createSuite, createWorkClient, hubWorkClientOptions, workAgentConfig, workJsapiConfig } from '../../src/work/index.js';
import { server } from '../helpers.js';
import { getUser } from './helpers.js';

const HUB = 'http://hub.example:8720';
const QY = 'https://qyapi.weixin.qq.com';
const CORP = 'wwhubcorp000000001';
const SUITE = 'wwhubsuite00000001';

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

interface HubLog {
  reads: string[];
  refreshes: Array<Record<string, unknown>>;
}

/** A hub that serves WeCom tokens `<ids>#<generation>` and bumps the generation on refresh. */
function stubHub(): HubLog {
  const log: HubLog = { reads: [], refreshes: [] };
  const generation = new Map<string, number>();
  const idOf = (p: Record<string, string | undefined>) => [p.appid, p.agentid ?? '', p.suite_id ?? ''].join('|');
  server.use(
    http.get(`${HUB}/client/work/access_token`, ({ request }) => {
      expect(request.headers.get('authorization')).toBe('Bearer hub-secret');
      const q = Object.fromEntries(new URL(request.url).searchParams);
      log.reads.push(`access_token ${new URL(request.url).search}`);
      return HttpResponse.json({ access_token: `AT[${idOf(q)}]#${generation.get(idOf(q)) ?? 1}`, expires_in: 7200 });
    }),
    http.post(`${HUB}/refresh/work/access_token`, async ({ request }) => {
      const body = (await request.json()) as Record<string, string>;
      log.refreshes.push(body);
      const id = idOf(body);
      generation.set(id, (generation.get(id) ?? 1) + 1);
      return HttpResponse.json({ access_token: `AT[${id}]#${generation.get(id)}`, expires_in: 7200 });
    }),
    http.get(`${HUB}/client/work/ticket`, ({ request }) => {
      const q = Object.fromEntries(new URL(request.url).searchParams);
      log.reads.push(`ticket ${new URL(request.url).search}`);
      return HttpResponse.json({ ticket: `TICKET[${idOf(q)}|${q.type}]`, expires_in: 7200 });
    }),
    http.get(`${HUB}/client/work/suite_access_token`, ({ request }) => {
      log.reads.push(`suite_access_token ${new URL(request.url).search}`);
      return HttpResponse.json({ access_token: 'SUITE-TOKEN-FROM-HUB', expires_in: 7200 });
    }),
    http.get(`${QY}/cgi-bin/gettoken`, () => {
      throw new Error('a hub client must never call gettoken');
    }),
  );
  return log;
}

/** qyapi: user/get accepts only `valid()` tokens and echoes the one it got. */
function stubQy(valid: (token: string | null) => boolean) {
  const seen: Array<string | null> = [];
  server.use(
    http.get(`${QY}/cgi-bin/user/get`, ({ request }) => {
      const token = new URL(request.url).searchParams.get('access_token');
      seen.push(token);
      if (!valid(token)) return HttpResponse.json({ errcode: 40014, errmsg: 'invalid access_token' });
      return HttpResponse.json({ errcode: 0, errmsg: 'ok', userid: 'u', name: token });
    }),
  );
  return seen;
}

describe('self-built apps through the hub', () => {
  it('reads the token by corpid + agentid, and reports a refused one once however many calls saw it', async () => {
    const log = stubHub();
    let current = `AT[${CORP}|1000002|]#1`;
    const seen = stubQy((t) => t === current);
    const hub = hubStorage({ url: HUB, secret: 'hub-secret', retries: 0 });
    const client = createWorkClient({ corpid: CORP, agentid: 1000002, ...hubWorkClientOptions(hub, CORP, 1000002) });
    const first = await Promise.all(Array.from({ length: 20 }, () => getUser(client, { userid: 'u' })));
    expect(first.every((u) => u.name === current)).toBe(true);
    expect(log.reads).toEqual([`access_token ?appid=${CORP}&agentid=1000002`]);

    current = `AT[${CORP}|1000002|]#2`; // WeCom now refuses #1
    seen.length = 0;
    const second = await Promise.all(Array.from({ length: 20 }, () => getUser(client, { userid: 'u' })));
    expect(second.every((u) => u.name === current)).toBe(true);
    expect(log.refreshes).toEqual([{ appid: CORP, agentid: '1000002', access_token: `AT[${CORP}|1000002|]#1` }]);
  });

  it('signs wx.config and wx.agentConfig with the tickets the hub holds for that app', async () => {
    const log = stubHub();
    const hub = hubStorage({ url: HUB, secret: 'hub-secret', retries: 0 });
    const client = createWorkClient({ corpid: CORP, agentid: 1000002, ...hubWorkClientOptions(hub, CORP, 1000002) });
    const [config, agent] = await Promise.all([
      workJsapiConfig(client, { url: 'https://a.example/', jsApiList: [], nonceStr: 'n', timestamp: 1 }),
      workAgentConfig(client, { url: 'https://a.example/', jsApiList: [], nonceStr: 'n', timestamp: 1 }),
    ]);
    expect(config.signature).not.toBe(agent.signature);
    expect(log.reads.sort()).toEqual([`ticket ?appid=${CORP}&agentid=1000002&type=agent_config`, `ticket ?appid=${CORP}&agentid=1000002&type=jsapi`]);
  });

  it('two agents of one corp are two hub entries', async () => {
    const log = stubHub();
    stubQy(() => true);
    const hub = hubStorage({ url: HUB, secret: 'hub-secret', retries: 0 });
    const a = createWorkClient({ corpid: CORP, agentid: 1000002, ...hubWorkClientOptions(hub, CORP, 1000002) });
    const b = createWorkClient({ corpid: CORP, agentid: 1000003, ...hubWorkClientOptions(hub, CORP, 1000003) });
    const [ua, ub] = await Promise.all([getUser(a, { userid: 'u' }), getUser(b, { userid: 'u' })]);
    expect(ua.name).toBe(`AT[${CORP}|1000002|]#1`);
    expect(ub.name).toBe(`AT[${CORP}|1000003|]#1`);
    expect(log.reads).toHaveLength(2);
    expect(() => hub.workAccessToken(CORP, {} as never)).toThrow(WxConfigError);
    expect(() => hub.workTicket(CORP, 'wx_card' as never, { agentid: 1 })).toThrow(WxConfigError);
  });
});

describe('suites through the hub', () => {
  it("a refused suite token (40082) is reported to the hub's suite refresh route once; raw suite requests carry it", async () => {
    stubHub();
    const refreshed: unknown[] = [];
    server.use(
      http.post(`${HUB}/refresh/work/suite_access_token`, async ({ request }) => {
        refreshed.push(await request.json());
        return HttpResponse.json({ access_token: 'SUITE-TOKEN-2', expires_in: 7200 });
      }),
      // WeCom refuses the hub's first token: only the refreshed one works.
      http.get(`${QY}/cgi-bin/service/get_admin_list`, ({ request }) => {
        if (new URL(request.url).searchParams.get('suite_access_token') !== 'SUITE-TOKEN-2') {
          return HttpResponse.json({ errcode: 40082, errmsg: 'invalid suite_access_token' });
        }
        return HttpResponse.json({ errcode: 0, errmsg: 'ok', admin: [{ userid: 'boss', auth_type: 1 }] });
      }),
    );
    const hub = hubStorage({ url: HUB, secret: 'hub-secret', retries: 0 });
    const suite = createSuite({ suiteId: SUITE, hub });
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        suite.client.request<{ admin: unknown[] }>({ path: '/cgi-bin/service/get_admin_list', query: { auth_corpid: CORP, agentid: 1 } }),
      ),
    );
    expect(answers.every((a) => a.admin.length === 1)).toBe(true);
    expect(refreshed).toEqual([{ appid: SUITE, access_token: 'SUITE-TOKEN-FROM-HUB' }]);
  });

  it("the suite's token and its corps' tokens and tickets come from the hub by suite id; no storage needed", async () => {
    const log = stubHub();
    let current = `AT[${CORP}||${SUITE}]#1`;
    stubQy((t) => t === current);
    const seenPre: Array<string | null> = [];
    server.use(
      http.get(`${QY}/cgi-bin/service/get_pre_auth_code`, ({ request }) => {
        seenPre.push(new URL(request.url).searchParams.get('suite_access_token'));
        return HttpResponse.json({ errcode: 0, errmsg: 'ok', pre_auth_code: 'PRE', expires_in: 1200 });
      }),
    );
    const hub = hubStorage({ url: HUB, secret: 'hub-secret', retries: 0 });
    const suite = createSuite({ suiteId: SUITE, hub });
    expect(await suite.getSuiteAccessToken()).toBe('SUITE-TOKEN-FROM-HUB');
    expect((await suite.createPreAuthCode()).preAuthCode).toBe('PRE');
    expect(seenPre).toEqual(['SUITE-TOKEN-FROM-HUB']);
    const corp = suite.corp(CORP);
    expect((await getUser(corp, { userid: 'u' })).name).toBe(current);
    current = `AT[${CORP}||${SUITE}]#2`;
    expect((await getUser(corp, { userid: 'u' })).name).toBe(current);
    expect(log.refreshes).toEqual([{ appid: CORP, suite_id: SUITE, access_token: `AT[${CORP}||${SUITE}]#1` }]);
    const config = await workAgentConfig(corp, { url: 'https://a.example/', jsApiList: [], agentid: 1000009, nonceStr: 'n', timestamp: 1 });
    expect(config.agentid).toBe('1000009');
    expect(log.reads).toContain(`ticket ?appid=${CORP}&suite_id=${SUITE}&type=agent_config`);
    // Without a storage the suite cannot keep tickets or corps itself.
    await expect(suite.saveSuiteTicket('t')).rejects.toThrow(/without a storage/);
    await expect(workAgentConfig(corp, { url: 'https://a.example/', jsApiList: [] })).rejects.toThrow(/agentid/);
  });
});
