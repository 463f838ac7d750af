import { afterEach, describe, expect, it, vi } from 'vitest';
import { WxConfigError } from '../../src/core/errors.js';
import { createCrypto } from '../../src/callbacks/msg-crypt.js';
import {
  createMessageHandler,
  memorySeenStore,
  parseMessage,
  replyNews,
  type ErrorContext,
  type HandlerResult,
  type MessageContext,
  type MessageHandlerOptions,
  type WxMessage,
} from '../../src/callbacks/index.js';
import { AES_KEY, APPID, BASE, NOW_MS, NOW_S, TOKEN, crypto, eventXml, openReply, plainPost, plainQuery, safePost, sealPush, textXml } from './helpers.js';
import { readFixtureJson, type CryptoCase } from '../reference.js';

// The official WXBizMsgCrypt vectors, embedded in test/fixtures/vectors (crypto.test.ts checks them).
const vectors = readFixtureJson<CryptoCase[]>('vectors/msg-crypt.json');
const vector = (id: string): CryptoCase => {
  const found = vectors.find((c) => c.id === id);
  if (!found) throw new Error(`no embedded vector ${id}`);
  return found;
};

interface Harness {
  handle: (request: Request) => Promise<Response>;
  calls: Array<{ message: WxMessage; ctx: MessageContext }>;
  errors: Array<{ error: unknown; ctx: ErrorContext }>;
}

function harness(overrides: Partial<MessageHandlerOptions> = {}, reply: (m: WxMessage) => HandlerResult | Promise<HandlerResult> = () => undefined): Harness {
  const calls: Harness['calls'] = [];
  const errors: Harness['errors'] = [];
  const handle = createMessageHandler({
    token: TOKEN,
    encodingAESKey: AES_KEY,
    appid: APPID,
    now: () => NOW_MS,
    onMessage: (message, ctx) => {
      calls.push({ message, ctx });
      return reply(message);
    },
    onError: (error, ctx) => {
      errors.push({ error, ctx });
    },
    ...overrides,
  });
  return { handle, calls, errors };
}

const otherCrypto = createCrypto({ token: TOKEN, encodingAESKey: AES_KEY, receiveId: 'wxsomeoneelse' });
const get = (query: Record<string, string>): Request => new Request(`${BASE}?${new URLSearchParams(query)}`);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('GET URL verification', () => {
  it('echoes echostr for a valid plain signature (official example)', async () => {
    const { input } = vector('mp-push/get-signature');
    const h = harness({ token: input.token!, now: () => Number(input.timestamp) * 1000 });
    const query = { signature: 'f464b24fc39322e44b38aa78f5edd27bd1441696', timestamp: input.timestamp!, nonce: input.nonce!, echostr: '4375120948345356249' };
    const res = await h.handle(get(query));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('4375120948345356249');
    expect((await h.handle(get({ ...query, signature: '0'.repeat(40) }))).status).toBe(401);
    expect((await h.handle(get({ ...query, echostr: '' }))).status).toBe(400);
    const { signature: _dropped, ...unsigned } = query;
    expect((await h.handle(get(unsigned))).status).toBe(400);
  });

  it('answers the decrypted echostr for WeCom-style verification (official sample)', async () => {
    for (const c of vectors.filter((v) => v.type === 'wecom_verify_url')) {
      const { input, expected } = c;
      const h = harness({
        token: input.token!,
        encodingAESKey: input.encoding_aes_key!,
        appid: expected.receive_id!,
        now: () => Number(input.timestamp) * 1000,
      });
      // echostr arrives URL-encoded; URLSearchParams encodes it exactly as WeChat does.
      const query = { msg_signature: input.msg_signature!, timestamp: input.timestamp!, nonce: input.nonce!, echostr: input.echostr! };
      const res = await h.handle(get(query));
      expect(await res.text()).toBe(expected.echostr_plain);
      expect(res.status).toBe(200);
      const other = harness({
        token: input.token!,
        encodingAESKey: input.encoding_aes_key!,
        appid: 'wwsomeoneelse',
        now: () => Number(input.timestamp) * 1000,
      });
      expect((await other.handle(get(query))).status).toBe(403);
      expect((await h.handle(get({ ...query, msg_signature: '1'.repeat(40) }))).status).toBe(401);
    }
  });

  it('refuses stale timestamps and answers 500 for WeCom verification without a key', async () => {
    const stale = String(Number(NOW_S) - 301);
    const h = harness();
    const query = { ...Object.fromEntries(plainQuery(stale)), echostr: 'x' };
    expect((await h.handle(get(query))).status).toBe(403);
    const noKey = harness({ encodingAESKey: undefined });
    const forged = await noKey.handle(get({ msg_signature: 'a', timestamp: NOW_S, nonce: '1', echostr: 'x' }));
    expect(forged.status).toBe(401);
    expect(noKey.errors).toHaveLength(0);
    const signed = crypto.signature(NOW_S, '1', 'x');
    const res = await noKey.handle(get({ msg_signature: signed, timestamp: NOW_S, nonce: '1', echostr: 'x' }));
    expect(res.status).toBe(500);
    expect(noKey.errors[0]?.error).toBeInstanceOf(WxConfigError);
  });
});

describe('POST modes', () => {
  it('plaintext mode (official mini program JSON example)', async () => {
    const { input, expected } = vector('mp-push/plain-post-signature');
    const body = JSON.parse(
      JSON.stringify({
        ToUserName: 'gh_97417a04a28d',
        FromUserName: 'o9AgO5Kd5ggOC-bXrbNODIiE3bGY',
        CreateTime: 1714037059,
        MsgType: 'event',
        Event: 'debug_demo',
        debug_str: 'hello world',
      }),
    ) as object;
    const h = harness({ token: input.token!, encodingAESKey: undefined, appid: 'wxba5fad812f8e6fb9', now: () => Number(input.timestamp) * 1000 });
    const query = new URLSearchParams({ signature: expected.signature!, timestamp: input.timestamp!, nonce: input.nonce! });
    const res = await h.handle(plainPost(JSON.stringify(body), query));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('success');
    expect(h.calls).toHaveLength(1);
    expect(h.calls[0]!.message).toMatchObject({ kind: 'unknown', Event: 'debug_demo', debug_str: 'hello world' });
    expect(h.calls[0]!.ctx).toMatchObject({ mode: 'plain', format: 'json' });
  });

  it('safe mode with the official JSON and XML vectors, reply sealed in the same format', async () => {
    for (const id of ['mp-push/json-decrypt', 'platform-push/xml-decrypt']) {
      const { input, expected } = vector(id);
      const h = harness(
        { token: input.token!, encodingAESKey: input.encoding_aes_key!, appid: input.receive_id!, now: () => Number(input.timestamp) * 1000 },
        () => 'good luck',
      );
      const query = new URLSearchParams({ timestamp: input.timestamp!, nonce: input.nonce!, encrypt_type: 'aes', msg_signature: input.msg_signature! });
      const res = await h.handle(plainPost(input.post_body!, query));
      expect(res.status).toBe(200);
      expect(h.calls[0]!.message).toEqual(parseMessage(expected.msg!));
      expect(h.calls[0]!.ctx.mode).toBe('safe');
      const format = input.post_body!.startsWith('{') ? 'json' : 'xml';
      expect(res.headers.get('content-type')).toContain(format);
      const ownCrypto = createCrypto({
        token: input.token!,
        encodingAESKey: input.encoding_aes_key!,
        receiveId: input.receive_id!,
      });
      const sealed = await res.text();
      const fields = format === 'json' ? (JSON.parse(sealed) as Record<string, string>) : (parseMessage(sealed) as unknown as Record<string, string>);
      expect(ownCrypto.verify(fields['MsgSignature']!, String(fields['TimeStamp']), String(fields['Nonce']), fields['Encrypt']!)).toBe(true);
      const reply = parseMessage(ownCrypto.decrypt(fields['Encrypt']!).message);
      expect(reply).toMatchObject({ kind: 'text', Content: 'good luck', ToUserName: 'o9AgO5Kd5ggOC-bXrbNODIiE3bGY', FromUserName: 'gh_97417a04a28d' });
    }
  });

  it('compatible mode (official Python sample body) uses the decrypted copy', async () => {
    const { input, expected } = vector('demo/python-compatible-decrypt');
    const h = harness({ token: input.token!, encodingAESKey: input.encoding_aes_key!, appid: input.receive_id!, now: () => Number(input.timestamp) * 1000 });
    const query = new URLSearchParams({ timestamp: input.timestamp!, nonce: input.nonce!, encrypt_type: 'aes', msg_signature: input.msg_signature! });
    expect((await h.handle(plainPost(input.post_body!, query))).status).toBe(200);
    expect(h.calls[0]!.ctx.mode).toBe('compatible');
    expect(h.calls[0]!.message).toEqual(parseMessage(expected.msg!));
  });

  it('WeCom pushes (msg_signature without encrypt_type)', async () => {
    const { input, expected } = vector('demo/wecom-decrypt-xml');
    const h = harness({ token: input.token!, encodingAESKey: input.encoding_aes_key!, appid: input.receive_id!, now: () => Number(input.timestamp) * 1000 });
    const query = new URLSearchParams({ msg_signature: input.msg_signature!, timestamp: input.timestamp!, nonce: input.nonce! });
    expect((await h.handle(plainPost(input.post_body!, query))).status).toBe(200);
    expect(h.calls[0]!.message).toMatchObject({ kind: 'text', Content: '你好', MsgId: '1456453720', AgentID: 1000002 });
    expect(parseMessage(expected.msg!)).toEqual(h.calls[0]!.message);
  });

  it('replies: builder objects, strings and nothing', async () => {
    const h = harness({}, (m) =>
      m.kind === 'event.CLICK' ? replyNews(m, [{ Title: 'T', Url: 'https://example.com' }]) : m.kind === 'text' ? `echo: ${m.Content}` : undefined,
    );
    const text = openReply(await (await h.handle(safePost(textXml('hello')))).text());
    expect(parseMessage(text)).toMatchObject({
      kind: 'text',
      Content: 'echo: hello',
      ToUserName: 'openid_user',
      FromUserName: 'gh_account',
      CreateTime: Number(NOW_S),
    });
    const news = openReply(await (await h.handle(safePost(eventXml('CLICK')))).text());
    expect(parseMessage(news)).toMatchObject({ MsgType: 'news', ArticleCount: 1 });
    expect(await (await h.handle(safePost(eventXml('VIEW')))).text()).toBe('success');
    const plain = harness({ encodingAESKey: undefined }, () => 'plain reply');
    const res = await plain.handle(plainPost(textXml('x')));
    expect(parseMessage(await res.text())).toMatchObject({ kind: 'text', Content: 'plain reply' });
    expect(plain.calls[0]!.ctx).toMatchObject({ mode: 'plain', openid: 'openid_user' });
  });
});

describe('hostile input is refused before user code', () => {
  const stale = String(Number(NOW_S) - 301);
  const future = String(Number(NOW_S) + 301);
  const cases: Array<[string, number, () => Request, Partial<MessageHandlerOptions>?]> = [
    ['wrong plain signature', 401, () => plainPost(textXml('x'), plainQuery(NOW_S, '1', 'wrong-token')), { allowPlaintext: true }],
    [
      'wrong msg_signature',
      401,
      () => {
        const { body, query } = sealPush(textXml('x'));
        query.set('msg_signature', crypto.signature(NOW_S, 'other', 'x'));
        return plainPost(body, query);
      },
    ],
    [
      'Encrypt swapped after signing',
      401,
      () => {
        const { body, query } = sealPush(textXml('x'));
        return plainPost(
          body.replace(/<Encrypt><!\[CDATA\[(.)/, (_, c: string) => `<Encrypt><![CDATA[${c === 'A' ? 'B' : 'A'}`),
          query,
        );
      },
    ],
    ['missing signature', 400, () => plainPost(textXml('x'), new URLSearchParams({ timestamp: NOW_S, nonce: '1' })), { allowPlaintext: true }],
    ['missing msg_signature', 400, () => plainPost('<xml/>', new URLSearchParams({ timestamp: NOW_S, nonce: '1', encrypt_type: 'aes' }))],
    ['missing timestamp', 400, () => plainPost(textXml('x'), new URLSearchParams({ signature: 'a', nonce: '1' })), { allowPlaintext: true }],
    [
      'malformed timestamp',
      400,
      () => plainPost(textXml('x'), new URLSearchParams({ signature: 'a', nonce: '1', timestamp: '1e9' })),
      { allowPlaintext: true },
    ],
    ['stale timestamp (plain)', 403, () => plainPost(textXml('x'), plainQuery(stale)), { allowPlaintext: true }],
    ['future timestamp (safe)', 403, () => safePost(textXml('x'), { timestamp: future })],
    ['plaintext while encryption is configured', 403, () => plainPost(textXml('x'))],
    ['declared body over the limit', 413, () => safePost(textXml('x'.repeat(2000))), { maxBodyBytes: 1000 }],
    [
      'streamed body over the limit',
      413,
      () => {
        const chunk = new TextEncoder().encode('<xml>' + 'x'.repeat(600));
        const stream = new ReadableStream<Uint8Array>({
          pull(c) {
            c.enqueue(chunk);
          },
        }); // never ends
        return new Request(`${BASE}?${plainQuery()}`, { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
      },
      { maxBodyBytes: 1000, allowPlaintext: true },
    ],
    ['malformed XML', 400, () => plainPost('<xml><a></xml>'), { allowPlaintext: true }],
    ['malformed JSON', 400, () => plainPost('{"ToUserName":'), { allowPlaintext: true }],
    ['neither XML nor JSON', 400, () => plainPost('ToUserName=a'), { allowPlaintext: true }],
    ['DOCTYPE in a plain body', 400, () => plainPost(`<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${textXml('&e;')}`), { allowPlaintext: true }],
    ['entity inside the decrypted body', 400, () => safePost(`<!DOCTYPE x [<!ENTITY e "boom">]>${textXml('&e;')}`)],
    ['processing instruction', 400, () => safePost(`<xml><?evil?></xml>`)],
    ['invalid UTF-8', 400, () => plainPost(new Uint8Array([0x3c, 0x78, 0xff, 0xfe])), { allowPlaintext: true }],
    [
      'envelope without Encrypt',
      400,
      () => {
        const { query } = sealPush(textXml('x'));
        return plainPost('<xml><ToUserName>a</ToUserName></xml>', query);
      },
    ],
    ['encrypted body without msg_signature', 400, () => plainPost(sealPush(textXml('x')).body), { allowPlaintext: true }],
    [
      'bad base64 with a valid signature',
      400,
      () => {
        const query = new URLSearchParams({ timestamp: NOW_S, nonce: '1', msg_signature: crypto.signature(NOW_S, '1', '!!!!') });
        return plainPost('<xml><Encrypt>!!!!</Encrypt></xml>', query);
      },
    ],
    ['receiveId of another app', 403, () => safePost(textXml('x'), { receiveCrypto: otherCrypto })],
    ['PUT', 405, () => new Request(BASE, { method: 'PUT', body: 'x' })],
    [
      'body stream that errors (client went away)',
      400,
      () => {
        const { query } = sealPush(textXml('x'));
        const stream = new ReadableStream<Uint8Array>({
          start(c) {
            c.enqueue(new TextEncoder().encode('<xml>'));
            c.error(new Error('socket hang up'));
          },
        });
        return new Request(`${BASE}?${query}`, { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
      },
    ],
  ];

  it.each(cases)('%s → %i', async (_, status, build, overrides) => {
    const h = harness(overrides ?? {});
    const res = await h.handle(build());
    expect(res.status).toBe(status);
    expect(h.calls).toHaveLength(0);
    expect(h.errors).toHaveLength(0);
    const text = await res.text();
    for (const secret of [TOKEN, AES_KEY]) expect(text).not.toContain(secret);
  });

  it('an authentic encrypted push without a configured key is a 500 and a config error; a forged one a 401', async () => {
    const h = harness({ encodingAESKey: undefined });
    const { body, query } = sealPush(textXml('x'));
    query.set('msg_signature', '0'.repeat(40));
    expect((await h.handle(plainPost(body, query))).status).toBe(401);
    expect(h.errors).toHaveLength(0);
    expect((await h.handle(safePost(textXml('x')))).status).toBe(500);
    expect(h.calls).toHaveLength(0);
    expect(h.errors[0]).toMatchObject({ ctx: { stage: 'config' } });
  });
});

describe('dedupe', () => {
  it('the same delivery three times reaches onMessage once', async () => {
    const h = harness({}, () => 'first');
    const statuses: string[] = [];
    for (let i = 0; i < 3; i++) {
      // WeChat re-encrypts each retry; the MsgId is what repeats.
      const res = await h.handle(safePost(textXml('retry me'), { nonce: String(i) }));
      statuses.push(`${res.status}`);
      if (i > 0) expect(await res.text()).toBe('success');
    }
    expect(statuses).toEqual(['200', '200', '200']);
    expect(h.calls).toHaveLength(1);
    await h.handle(safePost(textXml('new message', '6054768590064713729')));
    expect(h.calls).toHaveLength(2);
  });

  it('concurrent retries are de-duplicated too, and different events are not', async () => {
    const h = harness();
    await Promise.all([0, 1, 2].map((i) => h.handle(safePost(eventXml('CLICK'), { nonce: `n${i}` }))));
    expect(h.calls).toHaveLength(1);
    await h.handle(safePost(eventXml('VIEW')));
    await h.handle(safePost(eventXml('CLICK', 'KEY', 1700000001)));
    expect(h.calls).toHaveLength(3);
  });

  it('dedupe: false delivers every time; a failing store fails open and is reported', async () => {
    const off = harness({ dedupe: false });
    for (let i = 0; i < 3; i++) await off.handle(safePost(textXml('x')));
    expect(off.calls).toHaveLength(3);
    const broken = harness({ dedupe: { seen: () => Promise.reject(new Error('store down')) } });
    expect((await broken.handle(safePost(textXml('x')))).status).toBe(200);
    expect(broken.calls).toHaveLength(1);
    expect(broken.errors[0]).toMatchObject({ ctx: { stage: 'dedupe' } });
  });

  it('memorySeenStore expires keys and stays bounded by refusing new keys, not evicting live ones', async () => {
    let now = 0;
    const store = memorySeenStore({ max: 2, now: () => now });
    expect(await store.seen('a', 10)).toBe(false);
    expect(await store.seen('a', 10)).toBe(true);
    now = 11_000;
    expect(await store.seen('a', 10)).toBe(false);
    await store.seen('b', 10);
    expect(await store.seen('c', 10)).toBe('full');
    expect(await store.seen('a', 10)).toBe(true); // still remembered
  });
});

describe('errors in user code', () => {
  it('a throwing onMessage is reported and acknowledged with success', async () => {
    const boom = new Error('handler exploded');
    const h = harness({}, () => {
      throw boom;
    });
    const res = await h.handle(safePost(textXml('x')));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('success');
    expect(h.errors).toHaveLength(1);
    expect(h.errors[0]!.error).toBe(boom);
    expect(h.errors[0]!.ctx).toMatchObject({ stage: 'onMessage', message: { kind: 'text', Content: 'x' } });
  });

  it('the default onError prints one line without body or secrets', async () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const handle = createMessageHandler({
      token: TOKEN,
      encodingAESKey: AES_KEY,
      appid: APPID,
      now: () => NOW_MS,
      onMessage: async () => {
        throw new Error('multi\nline failure');
      },
    });
    expect((await handle(safePost(textXml('very private content')))).status).toBe(200);
    expect(spy).toHaveBeenCalledTimes(1);
    const line = String(spy.mock.calls[0]![0]);
    expect(line).toBe('[wxkit] callback onMessage error: Error: multi line failure');
    for (const secret of [TOKEN, AES_KEY, 'very private content']) expect(line).not.toContain(secret);
  });

  it('a throwing onError, an invalid return value and an impossible reply still answer success', async () => {
    const h = createMessageHandler({
      token: TOKEN,
      encodingAESKey: AES_KEY,
      appid: APPID,
      now: () => NOW_MS,
      onMessage: () => {
        throw new Error('x');
      },
      onError: () => {
        throw new Error('hook failed too');
      },
    });
    expect((await h(safePost(textXml('x')))).status).toBe(200);
    const bad = harness({}, () => 42 as unknown as HandlerResult);
    expect(await (await bad.handle(safePost(textXml('x')))).text()).toBe('success');
    expect(bad.errors[0]).toMatchObject({ ctx: { stage: 'reply' } });
    const info =
      '<xml><AppId>wxcomponent</AppId><CreateTime>1700000000</CreateTime><InfoType>component_verify_ticket</InfoType><ComponentVerifyTicket>t</ComponentVerifyTicket></xml>';
    const noTarget = harness({}, () => 'cannot reply to a platform push');
    expect(await (await noTarget.handle(safePost(info))).text()).toBe('success');
    expect(noTarget.calls[0]!.message.kind).toBe('info.component_verify_ticket');
    expect(noTarget.errors[0]).toMatchObject({ ctx: { stage: 'reply' } });
  });

  it('validates its configuration', () => {
    const onMessage = (): undefined => undefined;
    expect(() => createMessageHandler({ token: '', appid: APPID, onMessage })).toThrow(WxConfigError);
    expect(() => createMessageHandler({ token: TOKEN, appid: '', onMessage })).toThrow(WxConfigError);
    expect(() => createMessageHandler({ token: TOKEN, appid: APPID, onMessage, maxBodyBytes: 0 })).toThrow(WxConfigError);
    expect(() => createMessageHandler({ token: TOKEN, appid: APPID, onMessage, encodingAESKey: 'short' })).toThrow();
    expect(createMessageHandler({ token: TOKEN, appid: APPID, onMessage }).maxBodyBytes).toBe(1024 * 1024);
  });
});
