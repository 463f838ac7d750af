// The suite's requests exactly as WeCom documents them (msw): get_suite_token's body, the suite
// token in the query of get_pre_auth_code / set_session_info / get_permanent_code /
// get_corp_token, a test install's session_info, the replay after 40082 on the one-use
// get_permanent_code, a delayed older suite_ticket never replacing a newer one, and no secret,
// ticket or permanent code in any error.
import { http, HttpResponse } from 'msw';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCrypto } from '../../src/callbacks/msg-crypt.js';
import { WxApiError } from '../../src/core/errors.js';
import { buildXml } from '../../src/core/xml-build.js';
import { memoryStorage } from '../../src/storage/memory.js';
import { createSuite, suiteKeys } from '../../src/work/index.js';
import { server } from '../helpers.js';
import { getUser } from './helpers.js';

const QY = 'https://qyapi.weixin.qq.com';
const SUITE = 'wwwiresuite0000001';
const SECRET = 'wire-suite-secret-never-shown';
const TOKEN = 'wireToken';
const KEY = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij0123456';
const CORP = 'wwwirecorp00000001';

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

interface Seen {
  path: string;
  query: Record<string, string>;
  body: unknown;
}

function stubSuite(options: { refuseFirst?: string } = {}): { seen: Seen[]; issued: () => number } {
  const seen: Seen[] = [];
  let issued = 0;
  let refused = false;
  const record = async (request: Request) => {
    const url = new URL(request.url);
    const body = request.method === 'POST' ? await request.json() : undefined;
    seen.push({ path: url.pathname, query: Object.fromEntries(url.searchParams), body });
    return url;
  };
  const guarded = (path: string, answer: () => Record<string, unknown>) =>
    http.all(`${QY}${path}`, async ({ request }) => {
      const url = await record(request);
      if (options.refuseFirst === path && !refused) {
        refused = true;
        return HttpResponse.json({ errcode: 40082, errmsg: 'invalid suite_access_token' });
      }
      if (url.searchParams.get('suite_access_token') !== `ST${issued}`) return HttpResponse.json({ errcode: 40082, errmsg: 'invalid suite_access_token' });
      return HttpResponse.json(answer());
    });
  server.use(
    http.post(`${QY}/cgi-bin/service/get_suite_token`, async ({ request }) => {
      await record(request);
      issued++;
      return HttpResponse.json({ suite_access_token: `ST${issued}`, expires_in: 7200 });
    }),
    guarded('/cgi-bin/service/get_pre_auth_code', () => ({ errcode: 0, errmsg: 'ok', pre_auth_code: 'PRE1', expires_in: 1200 })),
    guarded('/cgi-bin/service/set_session_info', () => ({ errcode: 0, errmsg: 'ok' })),
    guarded('/cgi-bin/service/get_permanent_code', () => ({
      errcode: 0,
      errmsg: 'ok',
      permanent_code: 'PERMANENT-CODE-NEVER-SHOWN',
      auth_corp_info: { corpid: CORP, corp_name: 'Wire Corp' },
      auth_info: { agent: [{ agentid: 1000020, is_customized_app: false }] },
    })),
    guarded('/cgi-bin/service/get_corp_token', () => ({ access_token: 'CORP-TOKEN-1', expires_in: 7200 })),
    http.get(`${QY}/cgi-bin/user/get`, ({ request }) => {
      const token = new URL(request.url).searchParams.get('access_token');
      return HttpResponse.json(
        token === 'CORP-TOKEN-1' ? { errcode: 0, errmsg: 'ok', userid: 'u', name: 'n' } : { errcode: 40014, errmsg: 'invalid access_token' },
      );
    }),
  );
  return { seen, issued: () => issued };
}

function make() {
  const storage = memoryStorage();
  const suite = createSuite({ suiteId: SUITE, suiteSecret: SECRET, token: TOKEN, encodingAESKey: KEY, storage, retry: { retries: 0 } });
  return { suite, storage };
}

describe('the suite on the wire', () => {
  it('get_suite_token posts suite_id, suite_secret and the stored ticket; later calls carry ?suite_access_token=', async () => {
    const { seen } = stubSuite();
    const { suite } = make();
    await suite.saveSuiteTicket('TICKET-1', 1_700_000_000);
    const url = new URL(await suite.installUrl({ redirectUri: 'https://isv.example/cb', state: 's1', authType: 1 }));
    expect(url.searchParams.get('pre_auth_code')).toBe('PRE1');
    expect(seen).toEqual([
      { path: '/cgi-bin/service/get_suite_token', query: {}, body: { suite_id: SUITE, suite_secret: SECRET, suite_ticket: 'TICKET-1' } },
      { path: '/cgi-bin/service/get_pre_auth_code', query: { suite_access_token: 'ST1' }, body: undefined },
      { path: '/cgi-bin/service/set_session_info', query: { suite_access_token: 'ST1' }, body: { pre_auth_code: 'PRE1', session_info: { auth_type: 1 } } },
    ]);
  });

  it('get_permanent_code refused with 40082 is replayed once with a new suite token; get_corp_token posts auth_corpid + permanent_code', async () => {
    const { seen, issued } = stubSuite({ refuseFirst: '/cgi-bin/service/get_permanent_code' });
    const { suite, storage } = make();
    await suite.saveSuiteTicket('TICKET-1', 1_700_000_000);
    const corp = await suite.handleAuthCode('AUTH-CODE-1');
    expect(corp).toMatchObject({ corpid: CORP, corpName: 'Wire Corp', agentid: 1000020, customized: false });
    const exchanges = seen.filter((s) => s.path === '/cgi-bin/service/get_permanent_code');
    expect(exchanges.map((s) => [s.query.suite_access_token, s.body])).toEqual([
      ['ST1', { auth_code: 'AUTH-CODE-1' }],
      ['ST2', { auth_code: 'AUTH-CODE-1' }],
    ]);
    expect(issued()).toBe(2);
    expect(await storage.get(suiteKeys(SUITE).permanentCode(CORP))).toBe('PERMANENT-CODE-NEVER-SHOWN');

    // No first token came with the answer: the corp token is fetched with get_corp_token.
    await getUser(suite.corp(CORP), { userid: 'u' });
    const corpToken = seen.filter((s) => s.path === '/cgi-bin/service/get_corp_token');
    expect(corpToken).toEqual([
      {
        path: '/cgi-bin/service/get_corp_token',
        query: { suite_access_token: 'ST2' },
        body: { auth_corpid: CORP, permanent_code: 'PERMANENT-CODE-NEVER-SHOWN' },
      },
    ]);
  });

  it('errors never show the suite secret, the ticket or the permanent code', async () => {
    server.use(
      http.post(`${QY}/cgi-bin/service/get_suite_token`, () =>
        HttpResponse.json({ errcode: 40085, errmsg: `invalid suite_ticket TICKET-SECRET-1 for suite_secret=${SECRET}` }),
      ),
    );
    const { suite } = make();
    await suite.saveSuiteTicket('TICKET-SECRET-1', 1);
    const error = await suite.getSuiteAccessToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WxApiError);
    const text = `${String(error)} ${inspect(error, { depth: null })} ${JSON.stringify(error)}`;
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('TICKET-SECRET-1');
  });
});

describe('suite_ticket ordering', () => {
  function push(ticket: string, timestamp: number): Request {
    const c = createCrypto({ token: TOKEN, encodingAESKey: KEY, receiveId: SUITE });
    const encrypt = c.encrypt(buildXml({ SuiteId: SUITE, InfoType: 'suite_ticket', TimeStamp: timestamp, SuiteTicket: ticket }));
    const ts = String(Math.floor(Date.now() / 1000));
    const nonce = String(timestamp);
    const q = new URLSearchParams({ msg_signature: c.signature(ts, nonce, encrypt), timestamp: ts, nonce });
    return new Request(`https://isv.example/events?${q}`, { method: 'POST', body: buildXml({ ToUserName: SUITE, Encrypt: encrypt, AgentID: '' }) });
  }

  it('a delayed older push (a WeCom retry) never replaces a newer ticket', async () => {
    const { suite } = make();
    const handler = suite.eventHandler();
    const now = Math.floor(Date.now() / 1000);
    expect((await handler(push('NEWER', now))).status).toBe(200);
    expect((await handler(push('OLDER', now - 600))).status).toBe(200);
    expect((await suite.getSuiteTicket())?.ticket).toBe('NEWER');
    expect((await handler(push('NEWEST', now + 600))).status).toBe(200);
    expect((await suite.getSuiteTicket())?.ticket).toBe('NEWEST');
  });
});
