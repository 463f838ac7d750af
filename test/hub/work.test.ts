// The hub serving WeCom, end to end: a real createHub on node:http against the simulator playing
// qyapi, and clients that only know the hub (hubWorkClientOptions, createSuite({ hub })). Self-built
// apps by corpid + agentid, suites by suite id (the hub serves their instruction URL, stores the
// suite_ticket, exchanges installs) and their corps by corpid + suite id. Counted at the simulator:
// cold crowds cost one gettoken, a refused token one more, two agents never share a token.
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Contact } from '../../generated/work/index.js';
import { createHub, type Hub, type HubOptions } from '../../src/hub/create-hub.js';
import { parseHubConfig } from '../../src/hub/config.js';
import { hubStorage } from '../../src/hub/hub-storage.js';
import type { HubServer } from '../../src/hub/listen.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { memoryStorage } from '../../src/storage/memory.js';
import { redisStorage } from '../../src/storage/redis.js';
import type { Storage } from '../../src/storage/types.js';
import { WxConfigError } from '../../src/core/errors.js';
import { createSuite, createWorkClient, hubWorkClientOptions, workAgentConfig, workJsapiConfig } from '../../src/work/index.js';

const SECRET = 'hub-work-secret-0123456789abcdef';
const CORP = 'wwhubwork000000001';
const APP = {
  corpid: CORP,
  agentid: 1000002,
  secret: 'hub-work-app-secret',
  token: 'hubWorkToken',
  encodingAESKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
};
const APP2 = { corpid: CORP, agentid: 1000003, secret: 'hub-work-app2-secret' };
const CONTACTS = { corpid: CORP, secret: 'hub-work-contacts-secret' };
const SUITE = {
  suiteId: 'wwhubworksuite0001',
  suiteSecret: 'hub-work-suite-secret',
  token: 'hubSuiteToken',
  encodingAESKey: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij0123456',
};
const INSTALLED = 'wwhubworkinstall01';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ work: { apps: [APP, APP2, CONTACTS], suites: [SUITE] } });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

const running: Array<{ hub: Hub; server: HubServer }> = [];
afterEach(async () => {
  for (const { hub } of running.splice(0)) await hub.close();
});

async function startHub(options: Partial<HubOptions> = {}): Promise<{ hub: Hub; server: HubServer; url: string; warnings: string[] }> {
  const warnings: string[] = [];
  const hub = createHub({
    secret: SECRET,
    work: {
      apps: [
        { corpid: CORP, agentid: APP.agentid, corpsecret: APP.secret },
        { corpid: CORP, agentid: APP2.agentid, corpsecret: APP2.secret },
        { corpid: CORP, agentid: 'contacts', corpsecret: CONTACTS.secret },
      ],
      suites: [{ suiteId: SUITE.suiteId, suiteSecret: SUITE.suiteSecret, token: SUITE.token, encodingAESKey: SUITE.encodingAESKey }],
    },
    storage: memoryStorage(),
    baseUrl: sim.url,
    refresh: false,
    logger: { warn: (m) => void warnings.push(m) },
    ...options,
  });
  const server = await hub.listen();
  running.push({ hub, server });
  await hub.ready();
  return { hub, server, url: server.url, warnings };
}

const tokens = (agent: number | string = APP.agentid) => sim.work.counters().tokenRequests[`${CORP}:${agent}`] ?? 0;
const callback = (url: string) => `${url}/callback/work/suite/${SUITE.suiteId}`;

async function get(url: string, path: string, query: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${url}${path}?${new URLSearchParams(query)}`, { headers: { authorization: `Bearer ${SECRET}` } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('self-built apps by corpid + agentid', () => {
  it('50 concurrent cold calls through the hub → 1 gettoken; a 42001 reported by all of them → exactly 1 more', async () => {
    const { url } = await startHub();
    const hub = hubStorage({ url, secret: SECRET, retries: 0 });
    const client = createWorkClient({ corpid: CORP, agentid: APP.agentid, baseUrl: sim.url, ...hubWorkClientOptions(hub, CORP, APP.agentid) });
    const users = await Promise.all(Array.from({ length: 50 }, () => Contact.getUser(client, { userid: 'zhangsan' })));
    expect(users).toHaveLength(50);
    expect(tokens()).toBe(1);

    sim.work.expireToken(CORP, APP.agentid);
    await Promise.all(Array.from({ length: 50 }, () => Contact.getUser(client, { userid: 'zhangsan' })));
    expect(tokens()).toBe(2);
    // Nobody else fetched: the client never calls gettoken itself.
    expect(sim.work.counters().calls['/cgi-bin/gettoken']).toBe(2);
  });

  it('with proactive refresh the hub fetches at startup and the fleet never waits on WeCom', async () => {
    const { url } = await startHub({
      refresh: { marginSeconds: 600 },
      work: { apps: [{ corpid: CORP, agentid: APP.agentid, corpsecret: APP.secret, tickets: ['jsapi'] }] },
    });
    expect(tokens()).toBe(1);
    expect(sim.work.counters().ticketRequests[`${CORP}:jsapi`]).toBe(1);
    const hub = hubStorage({ url, secret: SECRET, retries: 0 });
    const client = createWorkClient({ corpid: CORP, agentid: APP.agentid, baseUrl: sim.url, ...hubWorkClientOptions(hub, CORP, APP.agentid) });
    await Promise.all(Array.from({ length: 50 }, () => Contact.getUser(client, { userid: 'zhangsan' })));
    await workJsapiConfig(client, { url: 'https://a.example/', jsApiList: [] });
    expect(tokens()).toBe(1);
    expect(sim.work.counters().ticketRequests[`${CORP}:jsapi`]).toBe(1);
  });

  it('two agents of one corp are kept apart: own tokens, own refreshes; a label names a built-in app', async () => {
    const { url } = await startHub();
    const hub = hubStorage({ url, secret: SECRET, retries: 0 });
    const [a, b] = [APP.agentid, APP2.agentid].map((agentid) =>
      createWorkClient({ corpid: CORP, agentid, baseUrl: sim.url, ...hubWorkClientOptions(hub, CORP, agentid) }),
    );
    const contacts = createWorkClient({ corpid: CORP, baseUrl: sim.url, ...hubWorkClientOptions(hub, CORP, 'contacts') });
    await Promise.all([a, b, contacts].flatMap((c) => Array.from({ length: 10 }, () => Contact.getUser(c!, { userid: 'zhangsan' }))));
    const ta = await hub.workAccessToken(CORP, { agentid: APP.agentid }).get();
    const tb = await hub.workAccessToken(CORP, { agentid: APP2.agentid }).get();
    const tc = await hub.workAccessToken(CORP, { agentid: 'contacts' }).get();
    expect(new Set([ta, tb, tc]).size).toBe(3);
    expect([tokens(APP.agentid), tokens(APP2.agentid), tokens('secret')]).toEqual([1, 1, 1]);

    sim.work.expireToken(CORP, APP.agentid);
    await Promise.all(Array.from({ length: 20 }, () => Promise.all([Contact.getUser(a!, { userid: 'u' }), Contact.getUser(b!, { userid: 'u' })])));
    expect([tokens(APP.agentid), tokens(APP2.agentid)]).toEqual([2, 1]);
    expect(await hub.workAccessToken(CORP, { agentid: APP2.agentid }).get()).toBe(tb);
  });

  it('a report of the current token within the interval gets it back without a fetch', async () => {
    const { url, warnings } = await startHub();
    const report = async (token: string) => {
      const res = await fetch(`${url}/refresh/work/access_token`, {
        method: 'POST',
        headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
        body: JSON.stringify({ appid: CORP, agentid: String(APP.agentid), access_token: token }),
      });
      return ((await res.json()) as { access_token: string }).access_token;
    };
    const first = (await get(url, '/client/work/access_token', { appid: CORP, agentid: String(APP.agentid) })).body.access_token as string;
    sim.work.invalidateToken(CORP, APP.agentid);
    const second = await report(first);
    expect(second).not.toBe(first);
    let token = second;
    for (let i = 0; i < 20; i++) token = await report(token);
    expect(token).toBe(second);
    expect(tokens()).toBe(2);
    expect(warnings.filter((w) => /forced refresh refused/.test(w))).toHaveLength(1);
    expect(warnings.join('\n')).toMatch(/WeCom app 1000002 of corp wwhubwork000000001/);
  });

  it('signs wx.config and wx.agentConfig with the tickets the hub holds for that app', async () => {
    const { url } = await startHub();
    const hub = hubStorage({ url, secret: SECRET, retries: 0 });
    const client = createWorkClient({ corpid: CORP, agentid: APP.agentid, baseUrl: sim.url, ...hubWorkClientOptions(hub, CORP, APP.agentid) });
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        Promise.all([
          workJsapiConfig(client, { url: 'https://a.example/', jsApiList: ['scanQRCode'] }),
          workAgentConfig(client, { url: 'https://a.example/', jsApiList: ['selectExternalContact'] }),
        ]),
      ),
    );
    expect(results[0]![1].agentid).toBe('1000002');
    const counters = sim.work.counters().ticketRequests;
    expect([counters[`${CORP}:jsapi`], counters[`${CORP}:agent_config`]]).toEqual([1, 1]);
    const ticket = await get(url, '/client/work/ticket', { appid: CORP, agentid: String(APP.agentid), type: 'agent_config' });
    expect(ticket.body).toMatchObject({ type: 'agent_config', ticket: expect.stringMatching(/^SIMWORK_TICKET_/) });
  });

  it('answers 400 for a malformed request and 404 naming what is not served', async () => {
    const { url } = await startHub();
    const q = { appid: CORP };
    expect((await get(url, '/client/work/access_token', q)).status).toBe(400);
    expect((await get(url, '/client/work/access_token', { ...q, agentid: '1', suite_id: SUITE.suiteId })).status).toBe(400);
    expect((await get(url, '/client/work/ticket', { ...q, agentid: String(APP.agentid), type: 'wx_card' })).status).toBe(400);
    const unknown = await get(url, '/client/work/access_token', { ...q, agentid: '1000099' });
    expect(unknown).toMatchObject({ status: 404, body: { error: 'unknown_app', message: `WeCom app 1000099 of corp ${CORP} is not served by this hub` } });
    expect((await get(url, '/client/work/suite_access_token', { appid: 'wwnosuchsuite0001' })).status).toBe(404);
    expect((await get(url, '/client/work/access_token', { ...q, suite_id: 'wwnosuchsuite0001' })).body.message).toMatch(
      /suite wwnosuchsuite0001 is not served/,
    );
    const unauthorized = await fetch(`${url}/client/work/access_token?appid=${CORP}&agentid=1000002`);
    expect(unauthorized.status).toBe(401);
  });

  it('refuses a bad configuration when created', () => {
    const base = { secret: SECRET, storage: memoryStorage(), baseUrl: sim.url, refresh: false as const };
    expect(() => createHub({ ...base, work: { apps: [{ corpid: CORP, agentid: 'not ok!', corpsecret: 'x' }] } })).toThrow(WxConfigError);
    expect(() => createHub({ ...base, work: { apps: [{ corpid: CORP, agentid: 1, corpsecret: '' }] } })).toThrow(/corpsecret/);
    expect(() =>
      createHub({
        ...base,
        work: {
          apps: [
            { corpid: CORP, agentid: 1, corpsecret: 'a' },
            { corpid: CORP, agentid: '1', corpsecret: 'b' },
          ],
        },
      }),
    ).toThrow(/appears twice/);
    expect(() => createHub({ ...base, work: { suites: [{ ...SUITE, encodingAESKey: 'short' }] } })).toThrow(/encodingAESKey/);
    expect(() => createHub({ ...base, work: { suites: [{ ...SUITE, token: '' }] } })).toThrow(/token/);
  });
});

describe('suites on the hub', () => {
  /** A hub that has the suite's ticket and one installed corp, both pushed by the simulator to the hub's instruction URL. */
  async function installedHub(storage: Storage = memoryStorage()) {
    const started = await startHub({ storage });
    const verified = await sim.work.verifyUrl(callback(started.url), { suiteId: SUITE.suiteId });
    expect(verified).toEqual({ ok: true, status: 200 });
    const pushed = await sim.work.pushSuiteTicket(SUITE.suiteId, callback(started.url));
    expect(pushed.status).toBe(200);
    const installed = await sim.work.install(SUITE.suiteId, INSTALLED, { eventUrl: callback(started.url) });
    expect(installed.push?.status).toBe(200);
    return { ...started, storage };
  }

  it('serves the instruction URL, stores the ticket, exchanges the install, and serves the corp to hub clients', async () => {
    const { url } = await installedHub();
    expect(sim.work.counters().suiteTokenRequests[SUITE.suiteId]).toBe(1);
    const hub = hubStorage({ url, secret: SECRET, retries: 0 });
    const suite = createSuite({ suiteId: SUITE.suiteId, hub, baseUrl: sim.url });
    const corp = suite.corp(INSTALLED);
    await Promise.all(Array.from({ length: 50 }, () => Contact.getUser(corp, { userid: 'zhangsan' })));
    const corpTokens = () => sim.work.counters().corpTokenRequests[`${SUITE.suiteId}/${INSTALLED}`] ?? 0;
    // get_permanent_code's answer carries the first corp token: the hub stored it and fetched none.
    expect(corpTokens()).toBeLessThanOrEqual(1);
    const before = corpTokens();

    sim.work.invalidateToken(INSTALLED);
    await Promise.all(Array.from({ length: 50 }, () => Contact.getUser(corp, { userid: 'zhangsan' })));
    expect(corpTokens()).toBe(before + 1);
    expect((await workAgentConfig(corp, { url: 'https://a.example/', jsApiList: [], agentid: 1000009 })).corpid).toBe(INSTALLED);

    // The suite's own token: a 40082 reported by many hub clients → one get_suite_token more.
    const { preAuthCode } = await suite.createPreAuthCode();
    expect(preAuthCode).toBeTruthy();
    sim.work.invalidateSuiteToken(SUITE.suiteId);
    await Promise.all(Array.from({ length: 20 }, () => suite.createPreAuthCode()));
    expect(sim.work.counters().suiteTokenRequests[SUITE.suiteId]).toBe(2);
    expect(sim.work.counters().calls['/cgi-bin/gettoken'] ?? 0).toBe(0);
  });

  it('a corp that cancels is no longer served; a forged push is refused', async () => {
    const { url } = await installedHub();
    const ok = await get(url, '/client/work/access_token', { appid: INSTALLED, suite_id: SUITE.suiteId });
    expect(ok.status).toBe(200);
    await sim.work.cancelAuth(SUITE.suiteId, INSTALLED, { eventUrl: callback(url) });
    const gone = await get(url, '/client/work/access_token', { appid: INSTALLED, suite_id: SUITE.suiteId });
    expect(gone).toMatchObject({ status: 404, body: { message: expect.stringMatching(/has not installed the suite/) } });
    const forged = await fetch(`${callback(url)}?msg_signature=x&timestamp=${Math.floor(Date.now() / 1000)}&nonce=1`, {
      method: 'POST',
      body: '<xml><Encrypt><![CDATA[AAAA]]></Encrypt></xml>',
    });
    expect(forged.status).toBeGreaterThanOrEqual(400);
    expect((await fetch(`${url}/callback/work/suite/wwnosuchsuite0001`)).status).toBe(401);
  });

  it('a second hub replica on the same store serves the ticket, the token and a corp installed through the first at once', async () => {
    const storage = memoryStorage();
    const second = await startHub({ storage });
    const { url } = await installedHub(storage);
    const suiteTokens = sim.work.counters().suiteTokenRequests[SUITE.suiteId];
    // The replica started before the install: a miss re-reads the store.
    const corp = await get(second.url, '/client/work/access_token', { appid: INSTALLED, suite_id: SUITE.suiteId });
    expect(corp.status).toBe(200);
    expect(corp.body.access_token).toBe((await get(url, '/client/work/access_token', { appid: INSTALLED, suite_id: SUITE.suiteId })).body.access_token);
    const suiteToken = await get(second.url, '/client/work/suite_access_token', { appid: SUITE.suiteId });
    expect(suiteToken.status).toBe(200);
    expect(sim.work.counters().suiteTokenRequests[SUITE.suiteId]).toBe(suiteTokens);

    // A restarted hub needs no new ticket push to get a suite token.
    sim.work.invalidateSuiteToken(SUITE.suiteId);
    const restarted = await startHub({ storage });
    const res = await fetch(`${restarted.url}/refresh/work/suite_access_token`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
      body: JSON.stringify({ appid: SUITE.suiteId, access_token: suiteToken.body.access_token }),
    });
    expect(res.status).toBe(200);
    expect(sim.work.counters().suiteTokenRequests[SUITE.suiteId]).toBe(suiteTokens! + 1);
  });

  it.skipIf(!process.env.WXKIT_REDIS_URL)('two hub replicas on one Redis: one gettoken, one suite token, the install seen by both', async () => {
    const prefix = `wxkit-test-hub-work-${process.pid}-${Date.now()}:`;
    const [s1, s2] = [0, 1].map(() => redisStorage({ url: process.env.WXKIT_REDIS_URL!, keyPrefix: prefix }));
    try {
      const [a, b] = await Promise.all([startHub({ storage: s1! }), startHub({ storage: s2! })]);
      await sim.work.pushSuiteTicket(SUITE.suiteId, callback(a.url));
      await sim.work.install(SUITE.suiteId, INSTALLED, { eventUrl: callback(a.url) });
      const clients = [a.url, b.url].map((url) => {
        const hub = hubStorage({ url, secret: SECRET, retries: 0 });
        return createWorkClient({ corpid: CORP, agentid: APP.agentid, baseUrl: sim.url, ...hubWorkClientOptions(hub, CORP, APP.agentid) });
      });
      await Promise.all(clients.flatMap((c) => Array.from({ length: 50 }, () => Contact.getUser(c!, { userid: 'zhangsan' }))));
      expect(tokens()).toBe(1);
      const viaB = await get(b.url, '/client/work/access_token', { appid: INSTALLED, suite_id: SUITE.suiteId });
      expect(viaB.status).toBe(200);
      expect((await get(b.url, '/client/work/suite_access_token', { appid: SUITE.suiteId })).status).toBe(200);
      expect(sim.work.counters().suiteTokenRequests[SUITE.suiteId]).toBe(1);
    } finally {
      for (const { hub } of running.splice(0)) await hub.close();
      await Promise.all([s1!.close(), s2!.close()]);
      const redis = new Redis(process.env.WXKIT_REDIS_URL!);
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    }
  });

  it('says why before the first ticket: an answer with the reason, no crash', async () => {
    const { url, warnings } = await startHub({ refresh: { retrySeconds: 30 } });
    const res = await get(url, '/client/work/suite_access_token', { appid: SUITE.suiteId });
    expect(res.status).toBe(500);
    expect(String(res.body.message)).toMatch(/no suite_ticket has arrived yet/);
    expect(warnings.join('\n')).toMatch(/suite_access_token suite wwhubworksuite0001 failed: .*no suite_ticket/);
  });
});

describe('hub.yaml', () => {
  it('reads the work section with secrets from the environment', () => {
    const config = parseHubConfig(
      {
        secret: SECRET,
        work: {
          apps: [
            { corpid: CORP, agentid: 1000002, corpsecretEnv: 'APP_SECRET', tickets: ['jsapi', 'agent_config'] },
            { corpid: CORP, agentid: 'contacts', corpsecret: 'inline' },
          ],
          suites: [{ suiteId: SUITE.suiteId, suiteSecretEnv: 'SUITE_SECRET', token: SUITE.token, encodingAESKeyEnv: 'SUITE_KEY' }],
        },
      },
      { env: { APP_SECRET: 'from-env', SUITE_SECRET: 'suite-from-env', SUITE_KEY: SUITE.encodingAESKey } },
    );
    expect(config.work).toEqual({
      apps: [
        { corpid: CORP, agentid: 1000002, corpsecret: 'from-env', tickets: ['jsapi', 'agent_config'] },
        { corpid: CORP, agentid: 'contacts', corpsecret: 'inline' },
      ],
      suites: [{ suiteId: SUITE.suiteId, suiteSecret: 'suite-from-env', token: SUITE.token, encodingAESKey: SUITE.encodingAESKey }],
    });
    expect(config.apps).toEqual([]);
  });

  it('names the field of a bad entry and never echoes a value', () => {
    const err = (data: unknown, env: Record<string, string> = {}) => {
      try {
        parseHubConfig(data, { env });
      } catch (e) {
        return (e as Error).message;
      }
      throw new Error('expected an error');
    };
    expect(err({ secret: SECRET, work: { apps: [{ corpid: CORP, agentid: 1 }] } })).toMatch(
      /work\.apps\[0\]\.corpsecret: give exactly one of corpsecret or corpsecretEnv/,
    );
    const suiteProblems = err(
      { secret: SECRET, work: { suites: [{ suiteId: SUITE.suiteId, suiteSecret: 's', tokenEnv: 'T', encodingAESKeyEnv: 'K' }] } },
      { K: 'hush-short' },
    );
    expect(suiteProblems).toMatch(/work\.suites\[0\]\.tokenEnv: environment variable T is not set/);
    expect(suiteProblems).toMatch(/work\.suites\[0\]\.encodingAESKeyEnv: the key in K must be 43 characters/);
    expect(
      err({ secret: SECRET, work: { suites: [{ suiteId: SUITE.suiteId, suiteSecret: 's', tokenEnv: 'T', encodingAESKeyEnv: 'K' }] } }, { K: 'hush-short' }),
    ).not.toContain('hush-short');
    expect(
      err({
        secret: SECRET,
        work: {
          apps: [
            { corpid: CORP, agentid: 1, corpsecret: 'a' },
            { corpid: CORP, agentid: 1, corpsecret: 'b' },
          ],
        },
      }),
    ).toMatch(/appears twice/);
    expect(err({ secret: SECRET, work: {} })).toMatch(/configure at least one app/);
  });
});
