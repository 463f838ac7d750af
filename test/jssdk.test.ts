// JS-SDK signatures against the official vectors (embedded in test/fixtures/vectors/jssdk.json;
// the copy in ../shared/reference is checked too where that folder exists).
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardExt, createClient, jsapiConfig, signCard, signJsapi, WxConfigError } from '../src/index.js';
import { startSimulator, type Simulator } from '../src/simulator/index.js';
import { describeReference, readFixtureJson, readReferenceJson, sameVector, type CryptoCase } from './reference.js';

interface JssdkCase extends CryptoCase {
  input: { jsapi_ticket: string; noncestr: string; timestamp: string; url: string };
  expected: { string1: string; signature: string };
}

const cases = readFixtureJson<JssdkCase[]>('vectors/jssdk.json');

function checkJssdkCase(c: JssdkCase): void {
  expect(c.type).toBe('jssdk_signature');
  const { jsapi_ticket, noncestr, timestamp, url } = c.input;
  // string1 is the documented intermediate: keys in ASCII order, raw values; the signature is its SHA-1.
  expect(c.expected.string1).toBe(`jsapi_ticket=${jsapi_ticket}&noncestr=${noncestr}&timestamp=${timestamp}&url=${url}`);
  expect(createHash('sha1').update(c.expected.string1).digest('hex')).toBe(c.expected.signature);
  expect(signJsapi({ ticket: jsapi_ticket, nonceStr: noncestr, timestamp, url })).toBe(c.expected.signature);
  expect(signJsapi({ ticket: jsapi_ticket, nonceStr: noncestr, timestamp: Number(timestamp), url })).toBe(c.expected.signature);
  // The page reports its URL without the fragment; a #hash must not change the signature.
  expect(signJsapi({ ticket: jsapi_ticket, nonceStr: noncestr, timestamp, url: `${url}#/spa/route` })).toBe(c.expected.signature);
}

describe('signJsapi', () => {
  it('has the official vectors to check', () => {
    expect(cases.map((c) => c.id)).toEqual(['jssdk/url-with-query', 'jssdk/url-without-query']);
  });

  for (const c of cases) it(`reproduces: ${c.id}`, () => checkJssdkCase(c));

  it('rejects missing input with a config error', () => {
    expect(() => signJsapi({ ticket: '', nonceStr: 'n', timestamp: 1, url: 'http://a' })).toThrow(WxConfigError);
    expect(() => signJsapi({ ticket: 't', nonceStr: 'n', timestamp: 'yesterday', url: 'http://a' })).toThrow(/timestamp/);
  });
});

describe('jsapiConfig and cardExt (against the simulator)', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator();
  });
  afterAll(async () => {
    await sim?.close();
  });
  const oa = () => createClient({ appType: 'official_account', appid: 'wx0000000000000001', appsecret: 'demo-official-account-secret', baseUrl: sim.url });

  it('builds the wx.config object with a cached jsapi ticket', async () => {
    const client = oa();
    const config = await jsapiConfig(client, {
      url: 'https://example.com/page?x=1#top',
      jsApiList: ['updateAppMessageShareData'],
      openTagList: ['wx-open-launch-app'],
    });
    const ticket = await client.getTicket('jsapi');
    expect(config).toEqual({
      appId: 'wx0000000000000001',
      timestamp: expect.any(Number),
      nonceStr: expect.stringMatching(/^[A-Za-z0-9]{16}$/),
      signature: signJsapi({ ticket, nonceStr: config.nonceStr, timestamp: config.timestamp, url: 'https://example.com/page?x=1' }),
      jsApiList: ['updateAppMessageShareData'],
      openTagList: ['wx-open-launch-app'],
      debug: false,
    });
    await jsapiConfig(client, { url: 'https://example.com/other', jsApiList: [] });
    expect(sim.counters().ticketRequests['wx0000000000000001']).toBe(1);
  });

  it('reproduces the official vector through jsapiConfig given the same ticket, nonce and timestamp', async () => {
    const c = cases[0]!;
    const client = createClient({
      appType: 'official_account',
      appid: 'wx0000000000000001',
      appsecret: 'unused',
      baseUrl: sim.url,
      ticket: () => ({ get: async () => c.input.jsapi_ticket, invalidate: async () => undefined }),
    });
    const config = await jsapiConfig(client, { url: c.input.url, jsApiList: [], nonceStr: c.input.noncestr, timestamp: Number(c.input.timestamp) });
    expect(config.signature).toBe(c.expected.signature);
  });

  it('refuses a relative page URL', async () => {
    await expect(jsapiConfig(oa(), { url: '/page', jsApiList: [] })).rejects.toThrow(/absolute http\(s\) URL/);
  });

  it('signs cardExt with the wx_card ticket over the sorted values', async () => {
    const client = oa();
    const { cardId, cardExt: ext } = await cardExt(client, {
      cardId: 'pFS7Fjg8kV1IdDz01r4SQwMkuCKc',
      code: '12345',
      openid: 'oUser',
      timestamp: 1700000000,
      nonceStr: 'abc',
    });
    const ticket = await client.getTicket('wx_card');
    const parsed = JSON.parse(ext) as Record<string, string>;
    const expected = createHash('sha1').update([ticket, '1700000000', cardId, '12345', 'oUser', 'abc'].sort().join('')).digest('hex');
    expect(parsed).toEqual({ timestamp: '1700000000', nonce_str: 'abc', signature: expected, code: '12345', openid: 'oUser' });
    expect(signCard(['b', undefined, 'a', '', 3])).toBe(createHash('sha1').update('3ab').digest('hex'));
  });
});

describeReference('JS-SDK vectors (../shared/reference conformance)', () => {
  const referenceCases = readReferenceJson<JssdkCase[]>('signatures/official_jssdk.json');

  it('every reference vector is among the embedded copies, and no other', () => {
    expect(referenceCases.filter((r) => !cases.some((c) => sameVector(r, c))).map((r) => r.name)).toEqual([]);
    expect(referenceCases).toHaveLength(cases.length);
  });

  for (const c of referenceCases) it(`reproduces: ${c.name}`, () => checkJssdkCase(c));
});
