// The simulator playing qyapi.weixin.qq.com, driven over plain HTTP as any client (or another
// process) would: gettoken per secret and its refusals, token enforcement (41001 / 40014 / 42001),
// the suite endpoints' own checks (suite secret and ticket, one-use auth codes, permanent codes),
// fault injection, the /__simulator/work control routes, and its signed pushes to an app's
// receive URL decrypted by createWorkMessageHandler (receiveid = corpid).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { toNodeHandler } from '../../src/callbacks/node-adapters.js';
import type { WxMessage } from '../../src/callbacks/message-types.js';
import { replyText } from '../../src/callbacks/reply.js';
import { DEMO_WORK, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { createSuite, createWebhook, createWorkClient, createWorkMessageHandler } from '../../src/work/index.js';
import { memoryStorage } from '../../src/storage/memory.js';
import { serve, serveSuite } from './helpers.js';

const APP = {
  corpid: 'wwsimcorp000000001',
  agentid: 1000002,
  secret: 'sim-app-secret',
  token: 'simAppToken',
  encodingAESKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
};
const CONTACTS = { corpid: APP.corpid, secret: 'sim-contacts-secret' };
const SUITE = {
  suiteId: 'wwsimsuite00000001',
  suiteSecret: 'sim-suite-secret',
  token: 'simSuiteToken',
  encodingAESKey: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij0123456',
};
const DK = { ...SUITE, suiteId: 'dksimsuite00000001' };
const PROVIDER = { corpid: 'wwsimprovider00001', providerSecret: 'sim-provider-secret' };

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ work: { apps: [APP, CONTACTS], suites: [SUITE, DK], providers: [PROVIDER] } });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

async function get(path: string, query: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const res = await fetch(`${sim.url}${path}?${new URLSearchParams(query)}`);
  return (await res.json()) as Record<string, unknown>;
}
async function post(path: string, body: unknown, query: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const res = await fetch(`${sim.url}${path}?${new URLSearchParams(query)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await res.json()) as Record<string, unknown>;
}
const control = (action: string, input: Record<string, unknown> = {}) => post(`/__simulator/work/${action}`, input);

describe('gettoken and token enforcement', () => {
  it('issues one token per secret and refuses what WeCom refuses', async () => {
    const app = await get('/cgi-bin/gettoken', { corpid: APP.corpid, corpsecret: APP.secret });
    const contacts = await get('/cgi-bin/gettoken', { corpid: APP.corpid, corpsecret: CONTACTS.secret });
    expect(app).toMatchObject({ errcode: 0, expires_in: 7200 });
    expect(app.access_token).not.toBe(contacts.access_token);
    // WeCom hands out the same token again while it is valid.
    expect((await get('/cgi-bin/gettoken', { corpid: APP.corpid, corpsecret: APP.secret })).access_token).toBe(app.access_token);
    expect((await get('/cgi-bin/gettoken', { corpid: APP.corpid, corpsecret: 'nope' })).errcode).toBe(40001);
    expect((await get('/cgi-bin/gettoken', { corpid: 'wwunknowncorp00001', corpsecret: APP.secret })).errcode).toBe(40013);
    expect((await get('/cgi-bin/gettoken', { corpsecret: APP.secret })).errcode).toBe(41002);
    expect((await get('/cgi-bin/gettoken', { corpid: APP.corpid })).errcode).toBe(41004);
    expect(sim.work.counters().tokenRequests).toEqual({ [`${APP.corpid}:1000002`]: 2, [`${APP.corpid}:secret`]: 1 });
  });

  it('41001 without a token, 40014 for an unknown or revoked one, 42001 for an expired one', async () => {
    const { access_token: token } = (await get('/cgi-bin/gettoken', { corpid: APP.corpid, corpsecret: APP.secret })) as { access_token: string };
    expect((await get('/cgi-bin/user/get', { userid: 'a', access_token: token })).errcode ?? 0).toBe(0);
    expect((await get('/cgi-bin/user/get', { userid: 'a', access_token: 'SIMWORK_forged' })).errcode).toBe(40014);
    // A token of the official-account side is not a WeCom token (and the reverse).
    const suiteAnswer = await get('/cgi-bin/service/get_pre_auth_code', { suite_access_token: token });
    expect(suiteAnswer.errcode).toBe(40082);
    sim.work.expireToken(APP.corpid, APP.agentid);
    expect((await get('/cgi-bin/user/get', { userid: 'a', access_token: token })).errcode).toBe(42001);
    const fresh = (await get('/cgi-bin/gettoken', { corpid: APP.corpid, corpsecret: APP.secret })).access_token as string;
    expect(fresh).not.toBe(token);
    sim.work.invalidateToken(APP.corpid, APP.agentid);
    expect((await get('/cgi-bin/user/get', { userid: 'a', access_token: fresh })).errcode).toBe(40014);
    expect((await get('/cgi-bin/get_jsapi_ticket')).errcode).toBe(41001);
  });

  it('expiring one app leaves the corp’s other secrets alone; expiring the corp reaches them all', async () => {
    const a = (await get('/cgi-bin/gettoken', { corpid: APP.corpid, corpsecret: APP.secret })).access_token as string;
    const c = (await get('/cgi-bin/gettoken', { corpid: APP.corpid, corpsecret: CONTACTS.secret })).access_token as string;
    sim.work.expireToken(APP.corpid, APP.agentid);
    expect((await get('/cgi-bin/department/list', { access_token: a })).errcode).toBe(42001);
    expect((await get('/cgi-bin/department/list', { access_token: c })).errcode ?? 0).toBe(0);
    sim.work.invalidateToken(APP.corpid);
    expect((await get('/cgi-bin/department/list', { access_token: c })).errcode).toBe(40014);
  });

  it('jsapi and agent_config tickets differ and are stable while valid', async () => {
    const { access_token } = (await get('/cgi-bin/gettoken', { corpid: APP.corpid, corpsecret: APP.secret })) as { access_token: string };
    const jsapi = await get('/cgi-bin/get_jsapi_ticket', { access_token });
    const agent = await get('/cgi-bin/ticket/get', { access_token, type: 'agent_config' });
    expect(jsapi).toMatchObject({ errcode: 0, expires_in: 7200 });
    expect(agent.ticket).not.toBe(jsapi.ticket);
    expect((await get('/cgi-bin/get_jsapi_ticket', { access_token })).ticket).toBe(jsapi.ticket);
    expect(sim.work.counters().ticketRequests).toEqual({ [`${APP.corpid}:jsapi`]: 2, [`${APP.corpid}:agent_config`]: 1 });
  });
});

describe('the suite endpoints check what WeCom checks', () => {
  it('get_suite_token: unknown suite, wrong secret, a ticket that was never pushed', async () => {
    expect((await post('/cgi-bin/service/get_suite_token', { suite_id: 'wwnosuch', suite_secret: 'x', suite_ticket: 't' })).errcode).toBe(40083);
    expect((await post('/cgi-bin/service/get_suite_token', { suite_id: SUITE.suiteId, suite_secret: 'x', suite_ticket: 't' })).errcode).toBe(40080);
    expect((await post('/cgi-bin/service/get_suite_token', { suite_id: SUITE.suiteId, suite_secret: SUITE.suiteSecret, suite_ticket: 't' })).errcode).toBe(
      40085,
    );
  });

  it('auth codes are spent once; permanent codes are checked; 代开发 corps get no get_corp_token', async () => {
    const suite = createSuite({ ...SUITE, storage: memoryStorage(), baseUrl: sim.url, retry: { retries: 0 } });
    const served = await serveSuite(suite);
    try {
      await sim.work.pushSuiteTicket(SUITE.suiteId, served.eventUrl);
      const token = await suite.getSuiteAccessToken();
      const { authCode } = await sim.work.install(SUITE.suiteId, 'wwsimcorpinstall01', { push: false });
      const first = await post('/cgi-bin/service/get_permanent_code', { auth_code: authCode }, { suite_access_token: token });
      expect(first).toMatchObject({ errcode: 0, auth_corp_info: { corpid: 'wwsimcorpinstall01' } });
      expect(first.permanent_code).toMatch(/^SIMPERM_/);
      expect(first.access_token).toMatch(/^SIMWORK_/);
      expect((await post('/cgi-bin/service/get_permanent_code', { auth_code: authCode }, { suite_access_token: token })).errcode).toBe(40078);
      const corp = { auth_corpid: 'wwsimcorpinstall01', permanent_code: first.permanent_code };
      expect((await post('/cgi-bin/service/get_corp_token', corp, { suite_access_token: token })).access_token).toBe(first.access_token);
      expect((await post('/cgi-bin/service/get_corp_token', { ...corp, permanent_code: 'wrong' }, { suite_access_token: token })).errcode).toBe(40084);
      expect((await post('/cgi-bin/service/get_auth_info', corp, { suite_access_token: token })).auth_info).toBeDefined();
      expect((await post('/cgi-bin/service/set_session_info', { pre_auth_code: 'nope', session_info: {} }, { suite_access_token: token })).errcode).toBe(40077);
    } finally {
      await served.close();
    }
  });

  it('cancel_auth makes the corp token stop working', async () => {
    const suite = createSuite({ ...SUITE, storage: memoryStorage(), baseUrl: sim.url, retry: { retries: 0 } });
    const served = await serveSuite(suite);
    try {
      await sim.work.pushSuiteTicket(SUITE.suiteId, served.eventUrl);
      await sim.work.install(SUITE.suiteId, 'wwsimcorpinstall02', { eventUrl: served.eventUrl });
      const token = await suite.corp('wwsimcorpinstall02').getAccessToken();
      await sim.work.cancelAuth(SUITE.suiteId, 'wwsimcorpinstall02', { push: false });
      expect((await get('/cgi-bin/user/get', { userid: 'a', access_token: token })).errcode).toBe(40014);
    } finally {
      await served.close();
    }
  });
});

describe('fault injection and control routes', () => {
  it('an injected errcode, HTTP status or delay reaches a WeCom client', async () => {
    const client = createWorkClient({ corpid: APP.corpid, corpsecret: APP.secret, agentid: APP.agentid, baseUrl: sim.url, retry: { retries: 0 } });
    sim.inject({ path: '/cgi-bin/user/get', errcode: 60111, times: 1 });
    await expect(client.request({ path: '/cgi-bin/user/get', query: { userid: 'a' } })).rejects.toMatchObject({ errcode: 60111 });
    sim.inject({ path: '/cgi-bin/user/get', status: 502, times: 1 });
    await expect(client.request({ path: '/cgi-bin/user/get', query: { userid: 'a' } })).rejects.toThrow(/502/);
    sim.inject({ path: '/cgi-bin/user/get', delayMs: 300, times: 1 });
    const t0 = Date.now();
    await client.request({ path: '/cgi-bin/user/get', query: { userid: 'a' } });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    expect(sim.work.counters().calls['/cgi-bin/user/get']).toBe(1); // faults answer before the WeCom side
  });

  it('another process drives the WeCom side over HTTP', async () => {
    const suite = createSuite({ ...SUITE, storage: memoryStorage(), baseUrl: sim.url, retry: { retries: 0 } });
    const served = await serveSuite(suite);
    try {
      const push = (await control('push_suite_ticket', { suiteId: SUITE.suiteId, eventUrl: served.eventUrl })) as { status: number; ticket: string };
      expect(push.status).toBe(200);
      expect((await suite.getSuiteTicket())?.ticket).toBe(push.ticket);
      const installed = (await control('install', { suiteId: SUITE.suiteId, corpid: 'wwsimcorpinstall03' })) as { push: { status: number } };
      expect(installed.push.status).toBe(200);
      expect((await suite.getCorp('wwsimcorpinstall03'))?.corpid).toBe('wwsimcorpinstall03');
      const token = await suite.getSuiteAccessToken();
      await control('invalidate_suite_token', { suiteId: SUITE.suiteId });
      expect((await get('/cgi-bin/service/get_pre_auth_code', { suite_access_token: token })).errcode).toBe(40082);
      await control('expire', { corpid: APP.corpid, agentid: APP.agentid });
      const counters = (await control('counters')) as { suiteTokenRequests: Record<string, number> };
      expect(counters.suiteTokenRequests).toEqual({ [SUITE.suiteId]: 1 });
      await control('cancel_auth', { suiteId: SUITE.suiteId, corpid: 'wwsimcorpinstall03' });
      expect(await suite.getCorp('wwsimcorpinstall03')).toBeUndefined();
    } finally {
      await served.close();
    }
  });

  it('reset forgets tokens, tickets, installs and counters', async () => {
    const { access_token } = (await get('/cgi-bin/gettoken', { corpid: APP.corpid, corpsecret: APP.secret })) as { access_token: string };
    sim.reset();
    expect(sim.work.counters().tokenRequests).toEqual({});
    expect((await get('/cgi-bin/user/get', { userid: 'a', access_token })).errcode).toBe(40014);
  });

  it('the demo configuration works out of the box', async () => {
    const demo = await startSimulator();
    try {
      const [app] = DEMO_WORK.apps;
      const client = createWorkClient({ corpid: app!.corpid, corpsecret: app!.secret, agentid: app!.agentid, baseUrl: demo.url });
      expect((await client.request<{ errcode: number }>({ path: '/cgi-bin/user/get', query: { userid: 'demo' } })).errcode ?? 0).toBe(0);
      expect(demo.work.suites.map((s) => s.suiteId)).toEqual([DEMO_WORK.suites[0]!.suiteId]);
    } finally {
      await demo.close();
    }
  });
});

describe("pushes to an app's receive URL (receiveid = corpid)", () => {
  it('URL check, typed events and messages, and a passive reply the simulator can read', async () => {
    const seen: WxMessage[] = [];
    const handler = createWorkMessageHandler({
      corpid: APP.corpid,
      token: APP.token,
      encodingAESKey: APP.encodingAESKey,
      onMessage: (m) => {
        seen.push(m);
        return m.kind === 'text' ? replyText(m, `echo ${m.Content}`) : undefined;
      },
    });
    const node = toNodeHandler(handler);
    const served = await serve((path) => (path === '/wecom/app' ? node : undefined));
    try {
      const url = `${served.url}/wecom/app`;
      expect(await sim.work.verifyUrl(url, { corpid: APP.corpid, agentid: APP.agentid })).toEqual({ ok: true, status: 200 });
      const contact = await sim.work.pushAppMessage(url, {
        corpid: APP.corpid,
        message: { MsgType: 'event', Event: 'change_contact', ChangeType: 'update_user', UserID: 'zhangsan', Name: '张三', Department: '1,2' },
      });
      expect([contact.status, contact.body]).toEqual([200, 'success']);
      const text = await sim.work.pushAppMessage(url, { corpid: APP.corpid, message: { MsgType: 'text', Content: '你好', MsgId: '1234567890' } });
      expect(text.status).toBe(200);
      expect(text.body).toContain('<Encrypt>');
      const kf = await sim.work.pushAppMessage(url, {
        corpid: APP.corpid,
        message: { MsgType: 'event', Event: 'kf_msg_or_event', Token: 'SYNC', OpenKfId: 'wkAJ' },
      });
      expect(kf.status).toBe(200);
      expect(seen.map((m) => m.kind)).toEqual(['event.change_contact', 'text', 'event.kf_msg_or_event']);
      const change = seen[0]!;
      if (change.kind !== 'event.change_contact') throw new Error(change.kind);
      expect([change.ChangeType, change.UserID, change.AgentID, change.Department]).toEqual(['update_user', 'zhangsan', APP.agentid, '1,2']);
    } finally {
      await served.close();
    }
  });
});

describe('group robots', () => {
  it('send and upload_media need a well-formed key (93000 otherwise) and are counted per key', async () => {
    const robot = createWebhook({ key: 'sim-robot-key-0001', baseUrl: sim.url, retry: { retries: 0 } });
    expect(await robot.request({ method: 'POST', path: '/cgi-bin/webhook/send', body: { msgtype: 'text', text: { content: 'hi' } } })).toMatchObject({
      errcode: 0,
    });
    const form = new FormData();
    form.set('media', new File(['x'], 'a.txt'));
    const upload = await fetch(`${sim.url}/cgi-bin/webhook/upload_media?key=sim-robot-key-0001&type=file`, { method: 'POST', body: form });
    expect(await upload.json()).toMatchObject({ errcode: 0, type: 'file' });
    expect((await post('/cgi-bin/webhook/send', { msgtype: 'text', text: { content: 'hi' } })).errcode).toBe(93000);
    expect((await post('/cgi-bin/webhook/send', { msgtype: 'text' }, { key: 'bad key!' })).errcode).toBe(93000);
    expect(sim.work.counters().webhookCalls).toEqual({ 'sim-robot-key-0001:send': 1, 'sim-robot-key-0001:upload_media': 1 });
  });
});
