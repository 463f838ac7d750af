// A WeCom third-party app (createSuite) end to end against the simulator playing qyapi, on real
// node:http servers: no ticket → ticket (stored durably, never overwritten by another suite's
// push) → install link → redirect and create_auth → corp clients through generated-style
// descriptors → change_auth → reset_permanent_code (代开发) → cancel_auth; the replays after a
// refused suite or corp token; a restarted process on the same store (memory, then Redis).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCrypto } from '../../src/callbacks/msg-crypt.js';
import { WxApiError, WxConfigError } from '../../src/core/errors.js';
import { buildXml } from '../../src/core/xml-build.js';
import { memoryStorage } from '../../src/storage/memory.js';
import { redisStorage, type RedisStorage } from '../../src/storage/redis.js';
import type { Storage } from '../../src/storage/types.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import {
  createSuite,
  createWorkClient,
  suiteInstallUrl,
  suiteKeys,
  workTokenKey,
  type CancelAuthEvent,
  type ChangeAuthEvent,
  type CreateAuthEvent,
  type ResetPermanentCodeEvent,
  type SuiteEventName,
  type WxSuite,
} from '../../src/work/index.js';
import { assertRedisReachable, deleteKeys, noticeIfNoRedis, REDIS_URL, uniquePrefix } from '../fixtures/tokens/helpers.js';
import { getUser, listDepartments, recordingStorage, serveSuite, type ServedSuite } from './helpers.js';

const TOKEN = 'suiteCallbackToken';
const KEY = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij0123456';
const SUITE = { suiteId: 'wwsuitetest0000001', suiteSecret: 'suite-secret-never-shown', token: TOKEN, encodingAESKey: KEY };
// Another suite of the same provider with the same callback Token and key: only the SuiteId tells them apart.
const OTHER = { suiteId: 'wwsuitetest0000002', suiteSecret: 'other-suite-secret', token: TOKEN, encodingAESKey: KEY };
const DK = { suiteId: 'dksuitetest0000001', suiteSecret: 'dk-template-secret', token: TOKEN, encodingAESKey: KEY };
const CORP_A = 'wwcorpaaaaaaaaaaa1';
const CORP_B = 'wwcorpbbbbbbbbbbb2';
const SELF = { corpid: CORP_A, agentid: 1000002, secret: 'corp-a-self-built-secret' };

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ work: { apps: [SELF], suites: [SUITE, OTHER, DK], providers: [] } });
});
afterAll(() => sim.close());

function make(storage: Storage, options: Partial<typeof SUITE> = {}): WxSuite {
  return createSuite({ ...SUITE, ...options, storage, baseUrl: sim.url, retry: { retries: 0 } });
}

function record(suite: WxSuite) {
  const seen: string[] = [];
  const events = {
    create_auth: [] as CreateAuthEvent[],
    change_auth: [] as ChangeAuthEvent[],
    cancel_auth: [] as CancelAuthEvent[],
    reset_permanent_code: [] as ResetPermanentCodeEvent[],
  };
  const names: SuiteEventName[] = ['suite_ticket', 'create_auth', 'change_auth', 'cancel_auth', 'reset_permanent_code', 'token', 'info'];
  for (const name of names) suite.on(name, () => void seen.push(name));
  suite.on('create_auth', (e) => void events.create_auth.push(e));
  suite.on('change_auth', (e) => void events.change_auth.push(e));
  suite.on('cancel_auth', (e) => void events.cancel_auth.push(e));
  suite.on('reset_permanent_code', (e) => void events.reset_permanent_code.push(e));
  suite.on('error', (e) => void seen.push(`error:${e.stage}:${(e.error as Error).message}`));
  return { seen, events };
}

describe('a suite from its first ticket to cancel_auth', () => {
  const { storage, writes } = recordingStorage();
  let suite: WxSuite;
  let served: ServedSuite;
  let log: ReturnType<typeof record>;

  beforeAll(async () => {
    sim.reset();
    suite = make(storage);
    log = record(suite);
    served = await serveSuite(suite);
  });
  afterAll(() => served.close());

  it('without a ticket there is no suite token, and no request is made for one', async () => {
    await expect(suite.getSuiteAccessToken()).rejects.toBeInstanceOf(WxConfigError);
    await expect(suite.createPreAuthCode()).rejects.toThrow(/no suite_ticket has arrived/);
    expect(sim.work.counters().suiteTokenRequests).toEqual({});
  });

  it('the instruction URL passes WeCom’s URL check (echostr encrypted with the suite id)', async () => {
    expect(await sim.work.verifyUrl(served.eventUrl, { suiteId: SUITE.suiteId })).toEqual({ ok: true, status: 200 });
  });

  it('stores a pushed suite_ticket before answering, and a new instance on the store gets a token at once', async () => {
    const push = await sim.work.pushSuiteTicket(SUITE.suiteId, served.eventUrl);
    expect([push.status, push.body]).toEqual([200, 'success']);
    expect((await suite.getSuiteTicket())?.ticket).toBe(push.ticket);
    expect(log.seen).toContain('suite_ticket');
    // Stored under this suite's key, with WeCom's 30-minute validity.
    const write = writes.find((w) => w.key === suiteKeys(SUITE.suiteId).ticket);
    expect(write?.ttlMs).toBe(30 * 60_000);
    expect(JSON.parse(write!.value)).toMatchObject({ ticket: push.ticket });

    // "A restart": a new suite object on the same storage, no push in between.
    const restarted = make(storage);
    const token = await restarted.getSuiteAccessToken();
    expect(token).toMatch(/^SIMSUITE_/);
    expect(sim.work.counters().suiteTokenRequests).toEqual({ [SUITE.suiteId]: 1 });
    // …and the first instance reads the same token from the store.
    expect(await suite.getSuiteAccessToken()).toBe(token);
    expect(sim.work.counters().suiteTokenRequests).toEqual({ [SUITE.suiteId]: 1 });
  });

  it("another suite's push never overwrites this suite's ticket, even when it is authentic", async () => {
    const before = (await suite.getSuiteTicket())!.ticket;
    // The other suite's real push (ciphertext made for its own id) is refused by this URL.
    const foreign = await sim.work.pushSuiteTicket(OTHER.suiteId, served.eventUrl);
    expect(foreign.status).toBe(403);
    // A push encrypted for this suite's id (same Token and key) yet naming the other SuiteId.
    const c = createCrypto({ token: TOKEN, encodingAESKey: KEY, receiveId: SUITE.suiteId });
    const encrypt = c.encrypt(
      buildXml({ SuiteId: OTHER.suiteId, InfoType: 'suite_ticket', TimeStamp: Math.floor(Date.now() / 1000) + 60, SuiteTicket: 'FOREIGN-TICKET' }),
    );
    const ts = String(Math.floor(Date.now() / 1000));
    const q = new URLSearchParams({ msg_signature: c.signature(ts, '77', encrypt), timestamp: ts, nonce: '77' });
    const res = await fetch(`${served.eventUrl}?${q}`, { method: 'POST', body: buildXml({ ToUserName: SUITE.suiteId, Encrypt: encrypt, AgentID: '' }) });
    expect(res.status).toBe(200); // acknowledged (WeCom would push it again forever otherwise), not stored
    expect((await suite.getSuiteTicket())!.ticket).toBe(before);
    expect(log.seen.some((s) => s.startsWith('error:event:') && s.includes(OTHER.suiteId))).toBe(true);
    expect(writes.some((w) => w.value.includes('FOREIGN-TICKET'))).toBe(false);
  });

  it('builds the install link from a fresh pre_auth_code; the redirect stores the corp and its permanent code without TTL', async () => {
    const url = await suite.installUrl({ redirectUri: served.redirectUri, state: 'campaign42' });
    const link = new URL(url);
    expect(`${link.origin}${link.pathname}`).toBe('https://open.work.weixin.qq.com/3rdapp/install');
    expect(link.searchParams.get('suite_id')).toBe(SUITE.suiteId);
    expect(link.searchParams.get('pre_auth_code')).toMatch(/^SIMPRE_/);
    expect(link.searchParams.get('redirect_uri')).toBe(served.redirectUri);
    expect(link.searchParams.get('state')).toBe('campaign42');
    expect(sim.work.counters().calls['/cgi-bin/service/get_pre_auth_code']).toBe(1);

    const installed = await sim.work.install(SUITE.suiteId, CORP_A, { installUrl: url, corpName: 'Corp A', agentid: 1000017 });
    expect(installed.redirect?.status).toBe(200);
    expect(installed.push).toBeUndefined(); // an install from the link pushes no create_auth
    const corp = await suite.getCorp(CORP_A);
    expect(corp).toMatchObject({ suiteId: SUITE.suiteId, corpid: CORP_A, corpName: 'Corp A', agentid: 1000017, customized: false, state: 'campaign42' });
    expect(log.events.create_auth.map((e) => [e.corpid, e.source])).toEqual([[CORP_A, 'redirect']]);

    const code = writes.find((w) => w.key === suiteKeys(SUITE.suiteId).permanentCode(CORP_A));
    expect(code?.value).toMatch(/^SIMPERM_/);
    expect(code?.ttlMs).toBeUndefined();
    // The record and the index of corps are kept without TTL too; the record never holds the code.
    expect(writes.find((w) => w.key === suiteKeys(SUITE.suiteId).info(CORP_A))?.ttlMs).toBeUndefined();
    expect(writes.find((w) => w.key === suiteKeys(SUITE.suiteId).info(CORP_A))?.value).not.toContain(code!.value);
    expect((await suite.listCorps()).map((c) => c.corpid)).toEqual([CORP_A]);

    // The link's pre_auth_code was spent by the install page.
    await expect(sim.work.install(SUITE.suiteId, CORP_B, { installUrl: url })).rejects.toThrow(/pre_auth_code/);
  });

  it('suite.corp(corpid) is a client generated functions and request() take, with the corp token', async () => {
    const corp = suite.corp(CORP_A);
    expect(suite.corp(CORP_A)).toBe(corp); // created once
    // The simulator answers only a valid corp token (41001 / 40014 otherwise).
    const user = await getUser(corp, { userid: 'zhangsan' });
    expect(typeof user.userid).toBe('string');
    const deps = await listDepartments(corp);
    expect(Array.isArray(deps.department)).toBe(true);
    const raw = await corp.request<{ errcode: number; userid: string }>({ path: '/cgi-bin/user/get', query: { userid: 'lisi' } });
    expect(raw.errcode ?? 0).toBe(0);
    expect(sim.work.counters().calls['/cgi-bin/user/get']).toBe(2);
    // The first token came with get_permanent_code: no get_corp_token yet.
    expect(sim.work.counters().corpTokenRequests).toEqual({});
    const token = await corp.getAccessToken();
    expect(token).toMatch(new RegExp(`^SIMWORK_${CORP_A}_`));

    // A restarted process takes the corp from the store.
    const restarted = make(storage);
    expect(await restarted.corp(CORP_A).getAccessToken()).toBe(token);
  });

  it('an expired corp token (42001) is replaced once through get_corp_token, however many calls saw it', async () => {
    const corp = suite.corp(CORP_A);
    const before = await corp.getAccessToken();
    sim.work.expireToken(CORP_A);
    const users = await Promise.all(Array.from({ length: 50 }, (_, i) => getUser(corp, { userid: `u${i}` })));
    expect(users.every((u) => typeof u.userid === 'string')).toBe(true);
    expect(sim.work.counters().corpTokenRequests).toEqual({ [`${SUITE.suiteId}/${CORP_A}`]: 1 });
    expect(await corp.getAccessToken()).not.toBe(before);
    // 40014 (revoked) the same way.
    sim.work.invalidateToken(CORP_A);
    await Promise.all(Array.from({ length: 50 }, () => getUser(corp, { userid: 'x' })));
    expect(sim.work.counters().corpTokenRequests).toEqual({ [`${SUITE.suiteId}/${CORP_A}`]: 2 });
  });

  it('a refused suite token is replaced once: 40082 (invalid) and 42009 (expired)', async () => {
    const before = sim.work.counters().suiteTokenRequests[SUITE.suiteId]!;
    sim.work.invalidateSuiteToken(SUITE.suiteId);
    const codes = await Promise.all(Array.from({ length: 20 }, () => suite.createPreAuthCode()));
    expect(new Set(codes.map((c) => c.preAuthCode)).size).toBe(20);
    expect(sim.work.counters().suiteTokenRequests[SUITE.suiteId]).toBe(before + 1);
    sim.work.invalidateSuiteToken(SUITE.suiteId, 'expire');
    await Promise.all(Array.from({ length: 20 }, () => suite.createPreAuthCode()));
    expect(sim.work.counters().suiteTokenRequests[SUITE.suiteId]).toBe(before + 2);
    // An injected 40082 on the corp-token route: the suite token behind it is replaced once too.
    sim.inject({ path: '/cgi-bin/service/get_corp_token', errcode: 40082, times: 1 });
    await storage.delete(`${suiteKeys(SUITE.suiteId).corp(CORP_A)}:access_token`);
    const fresh = make(storage);
    await fresh.corp(CORP_A).getAccessToken();
    expect(sim.work.counters().suiteTokenRequests[SUITE.suiteId]).toBe(before + 3);
  });

  it('a second corp installs through create_auth: its own record, code and token, never crossing with the first', async () => {
    const installed = await sim.work.install(SUITE.suiteId, CORP_B, { eventUrl: served.eventUrl, corpName: 'Corp B' });
    expect(installed.push?.status).toBe(200);
    const event = log.events.create_auth.at(-1)!;
    expect(event).toMatchObject({ corpid: CORP_B, source: 'event' });
    expect(event.message?.kind).toBe('info.create_auth');
    expect(event.message?.AuthCode).toBe(installed.authCode);
    const a = await suite.corp(CORP_A).getAccessToken();
    const b = await suite.corp(CORP_B).getAccessToken();
    expect(a).not.toBe(b);
    expect(b).toMatch(new RegExp(`^SIMWORK_${CORP_B}_`));
    const codeA = await storage.get(suiteKeys(SUITE.suiteId).permanentCode(CORP_A));
    const codeB = await storage.get(suiteKeys(SUITE.suiteId).permanentCode(CORP_B));
    expect(codeA && codeB && codeA !== codeB).toBe(true);
    // The corp's self-built app on the same storage keeps a token of its own.
    const self = createWorkClient({ corpid: CORP_A, agentid: SELF.agentid, corpsecret: SELF.secret, storage, baseUrl: sim.url });
    const own = await self.getAccessToken();
    expect(own).not.toBe(a);
    expect(await storage.get(workTokenKey(CORP_A, SELF.secret, SELF.agentid))).toContain(own);
    expect(await suite.corp(CORP_A).getAccessToken()).toBe(a);
    // A second arrival of the same auth code (the redirect after the push) finds the stored corp.
    expect((await suite.handleAuthCode(installed.authCode)).corpid).toBe(CORP_B);
  });

  it('change_auth re-reads the authorization and reports it', async () => {
    const push = await sim.work.changeAuth(SUITE.suiteId, CORP_B);
    expect(push.status).toBe(200);
    const event = log.events.change_auth.at(-1)!;
    expect(event.corpid).toBe(CORP_B);
    expect(event.message.kind).toBe('info.change_auth');
    expect(event.corp?.authInfo).toBeDefined();
    expect(sim.work.counters().calls['/cgi-bin/service/get_auth_info']).toBeGreaterThanOrEqual(1);
  });

  it('cancel_auth forgets the corp: record, code and tokens; its client then refuses to fetch', async () => {
    const push = await sim.work.cancelAuth(SUITE.suiteId, CORP_B);
    expect(push?.status).toBe(200);
    const event = log.events.cancel_auth.at(-1)!;
    expect(event).toMatchObject({ corpid: CORP_B, corp: { corpid: CORP_B, corpName: 'Corp B' } });
    expect(await suite.getCorp(CORP_B)).toBeUndefined();
    expect(await storage.get(suiteKeys(SUITE.suiteId).permanentCode(CORP_B))).toBeUndefined();
    expect(await storage.get(`${suiteKeys(SUITE.suiteId).corp(CORP_B)}:access_token`)).toBeUndefined();
    expect((await suite.listCorps()).map((c) => c.corpid)).toEqual([CORP_A]);
    await expect(make(storage).corp(CORP_B).getAccessToken()).rejects.toThrow(/no permanent code/);
    // The same instance's cached client too: nothing of the corp is served from memory.
    await expect(suite.corp(CORP_B).getAccessToken()).rejects.toThrow(/no permanent code/);
    await expect(getUser(suite.corp(CORP_B), { userid: 'x' })).rejects.toBeInstanceOf(WxConfigError);
  });

  it('no error event on the way, apart from the foreign push', () => {
    expect(log.seen.filter((s) => s.startsWith('error:'))).toHaveLength(1);
  });
});

describe('代开发 (agent-developed) apps: the permanent code is the secret', () => {
  let suite: WxSuite;
  let served: ServedSuite;
  let log: ReturnType<typeof record>;
  const storage = memoryStorage();

  beforeAll(async () => {
    sim.reset();
    suite = createSuite({ ...DK, storage, baseUrl: sim.url, retry: { retries: 0 } });
    log = record(suite);
    served = await serveSuite(suite);
    await sim.work.pushSuiteTicket(DK.suiteId, served.eventUrl);
  });
  afterAll(() => served.close());

  it('tokens come from gettoken with the permanent code, never from get_corp_token', async () => {
    await sim.work.install(DK.suiteId, CORP_A, { eventUrl: served.eventUrl, agentid: 1000055 });
    const corp = await suite.getCorp(CORP_A);
    expect(corp?.customized).toBe(true);
    const client = suite.corp(CORP_A);
    expect(typeof (await getUser(client, { userid: 'a' })).userid).toBe('string');
    expect(sim.work.counters().tokenRequests).toEqual({ [`${CORP_A}:1000055`]: 1 });
    expect(sim.work.counters().corpTokenRequests).toEqual({});
    // The same code given to createWorkClient as corpsecret is the same app.
    const code = await storage.get(suiteKeys(DK.suiteId).permanentCode(CORP_A));
    const direct = createWorkClient({ corpid: CORP_A, corpsecret: code!, baseUrl: sim.url });
    expect(await direct.getAccessToken()).toBe(await client.getAccessToken());
  });

  it('reset_permanent_code stores the new code, drops the old token, and the next call uses the new secret', async () => {
    const oldCode = await storage.get(suiteKeys(DK.suiteId).permanentCode(CORP_A));
    const oldToken = await suite.corp(CORP_A).getAccessToken();
    const push = await sim.work.resetPermanentCode(DK.suiteId, CORP_A);
    expect(push.status).toBe(200);
    const event = log.events.reset_permanent_code.at(-1)!;
    expect(event).toMatchObject({ corpid: CORP_A, message: { kind: 'info.reset_permanent_code' } });
    const newCode = await storage.get(suiteKeys(DK.suiteId).permanentCode(CORP_A));
    expect(newCode).toMatch(/^SIMPERM_/);
    expect(newCode).not.toBe(oldCode);
    expect(await storage.get(`${suiteKeys(DK.suiteId).corp(CORP_A)}:access_token`)).toBeUndefined();
    const user = await getUser(suite.corp(CORP_A), { userid: 'b' });
    expect(typeof user.userid).toBe('string');
    expect(await suite.corp(CORP_A).getAccessToken()).not.toBe(oldToken);
    // The old secret is refused by gettoken.
    const stale = createWorkClient({ corpid: CORP_A, corpsecret: oldCode!, baseUrl: sim.url, retry: { retries: 0 } });
    await expect(stale.getAccessToken()).rejects.toBeInstanceOf(WxApiError);
    expect(log.events.create_auth).toHaveLength(1);
  });
});

describe('the suite data URL', () => {
  let suite: WxSuite;
  let served: ServedSuite;
  const messages: Array<{ kind: string; corpid: string }> = [];

  beforeAll(async () => {
    sim.reset();
    suite = make(memoryStorage());
    served = await serveSuite(suite, {
      onMessage: (m, ctx) => {
        messages.push({ kind: m.kind, corpid: ctx.corpid });
        return undefined;
      },
    });
    await sim.work.pushSuiteTicket(SUITE.suiteId, served.eventUrl);
    await sim.work.install(SUITE.suiteId, CORP_A, { eventUrl: served.eventUrl });
  });
  afterAll(() => served.close());

  function corpPush(corpid: string, url: string): Promise<Response> {
    const c = createCrypto({ token: TOKEN, encodingAESKey: KEY, receiveId: corpid });
    const encrypt = c.encrypt(
      buildXml({ ToUserName: corpid, FromUserName: 'zhangsan', CreateTime: Math.floor(Date.now() / 1000), MsgType: 'event', Event: 'enter_agent', AgentID: 1 }),
    );
    const ts = String(Math.floor(Date.now() / 1000));
    const q = new URLSearchParams({ msg_signature: c.signature(ts, String(Math.random()).slice(2), encrypt), timestamp: ts, nonce: '1' });
    q.set('msg_signature', c.signature(ts, '1', encrypt));
    return fetch(`${url}?${q}`, { method: 'POST', body: buildXml({ ToUserName: corpid, Encrypt: encrypt, AgentID: 1 }) });
  }

  it('decrypts pushes with the corp id of the URL, only for installed corps', async () => {
    expect((await corpPush(CORP_A, served.dataUrl(CORP_A))).status).toBe(200);
    expect(messages).toEqual([{ kind: 'event.enter_agent', corpid: CORP_A }]);
    expect((await corpPush(CORP_B, served.dataUrl(CORP_B))).status).toBe(403);
    // A ciphertext for another corp on this corp's URL is refused.
    expect((await corpPush(CORP_B, served.dataUrl(CORP_A))).status).toBe(403);
  });

  it("the data URL's check is accepted encrypted with the corp id or the suite id", async () => {
    expect(await sim.work.verifyUrl(served.dataUrl(CORP_A), { suiteId: SUITE.suiteId })).toEqual({ ok: true, status: 200 });
  });
});

describe('suiteInstallUrl and bad options', () => {
  it('builds the link and refuses what WeCom would', async () => {
    const url = new URL(suiteInstallUrl({ suiteId: 'wwx1234', preAuthCode: 'PRE', redirectUri: 'https://a.example/cb?x=1' }));
    expect(Object.fromEntries(url.searchParams)).toEqual({ suite_id: 'wwx1234', pre_auth_code: 'PRE', redirect_uri: 'https://a.example/cb?x=1', state: '' });
    expect(() => createSuite({ suiteId: 'bad id', suiteSecret: 's', storage: memoryStorage() })).toThrow(WxConfigError);
    expect(() => createSuite({ suiteId: 'wwsuite1', storage: memoryStorage() })).toThrow(WxConfigError);
    expect(() => createSuite({ suiteId: 'wwsuite1', suiteSecret: 's' })).toThrow(/storage/);
    expect(() => createSuite({ suiteId: 'wwsuite1', suiteSecret: 's', storage: memoryStorage(), encodingAESKey: 'short', token: 't' })).toThrow();
    const suite = createSuite({ suiteId: 'wwsuite1', suiteSecret: 's', storage: memoryStorage() });
    await expect(suite.installUrl({ redirectUri: 'ftp://x' })).rejects.toBeInstanceOf(WxConfigError);
    await expect(suite.installUrl({ redirectUri: 'https://x.example/', state: 'has space' })).rejects.toBeInstanceOf(WxConfigError);
    expect(() => suite.corp('bad corp')).toThrow(WxConfigError);
    expect(() => suite.eventHandler()).toThrow(/Token and EncodingAESKey/);
  });
});

noticeIfNoRedis('test/work/suite.test.ts');

describe.skipIf(!REDIS_URL)('a suite on Redis survives a restart', () => {
  const prefix = uniquePrefix('work-suite');
  const stores: RedisStorage[] = [];
  const open = () => {
    const s = redisStorage({ url: REDIS_URL!, keyPrefix: prefix });
    stores.push(s);
    return s;
  };
  beforeAll(() => assertRedisReachable(REDIS_URL!));
  beforeEach(() => sim.reset());
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
  });
  afterAll(() => deleteKeys(REDIS_URL!, prefix));

  it('ticket and permanent code live in Redis: a new process gets tokens at once; the code has no TTL', async () => {
    const first = make(open());
    const served = await serveSuite(first);
    try {
      await sim.work.pushSuiteTicket(SUITE.suiteId, served.eventUrl);
      await sim.work.install(SUITE.suiteId, CORP_A, { eventUrl: served.eventUrl });
    } finally {
      await served.close();
    }
    // Another process: its own connection, nothing in memory, no push.
    const store = open();
    const second = make(store);
    expect(await second.getSuiteAccessToken()).toMatch(/^SIMSUITE_/);
    expect(typeof (await getUser(second.corp(CORP_A), { userid: 'r' })).userid).toBe('string');
    expect((await second.listCorps()).map((c) => c.corpid)).toEqual([CORP_A]);
    const { Redis } = await import('ioredis');
    const r = new Redis(REDIS_URL!);
    try {
      expect(await r.pttl(prefix + suiteKeys(SUITE.suiteId).permanentCode(CORP_A))).toBe(-1);
      const ticketTtl = await r.pttl(prefix + suiteKeys(SUITE.suiteId).ticket);
      expect(ticketTtl).toBeGreaterThan(25 * 60_000);
      expect(ticketTtl).toBeLessThanOrEqual(30 * 60_000);
    } finally {
      r.disconnect();
    }
  });
});
