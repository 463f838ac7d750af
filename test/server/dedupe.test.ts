// Callback de-duplication: which pushes count as the same delivery, how long a delivery is
// remembered (as long as a captured copy of it would pass the timestamp check), and what the
// in-memory seen-set does when it is full of live keys.
import { describe, expect, it } from 'vitest';
import { WxConfigError, WxStorageError } from '../../src/core/errors.js';
import { dedupeKey } from '../../src/callbacks/dedupe.js';
import {
  createMessageHandler,
  memorySeenStore,
  parseMessage,
  type ErrorContext,
  type MessageContext,
  type MessageHandlerOptions,
  type WxMessage,
} from '../../src/callbacks/index.js';
import { AES_KEY, APPID, NOW_MS, NOW_S, TOKEN, eventXml, safePost, textXml } from './helpers.js';

const WINDOW_S = 300;

interface Harness {
  handle: (request: Request) => Promise<Response>;
  calls: Array<{ message: WxMessage; ctx: MessageContext }>;
  errors: Array<{ error: unknown; ctx: ErrorContext }>;
  clock: { ms: number };
}

/** A handler whose clock (and, unless overridden, whose seen-store clock) the test moves by hand. */
function harness(overrides: Partial<MessageHandlerOptions> & { startMs?: number; max?: number } = {}): Harness {
  const { startMs, max, ...options } = overrides;
  const clock = { ms: startMs ?? NOW_MS };
  const now = (): number => clock.ms;
  const calls: Harness['calls'] = [];
  const errors: Harness['errors'] = [];
  const handle = createMessageHandler({
    token: TOKEN,
    encodingAESKey: AES_KEY,
    appid: APPID,
    now,
    dedupe: memorySeenStore({ now, ...(max !== undefined ? { max } : {}) }),
    onMessage: (message, ctx) => {
      calls.push({ message, ctx });
    },
    onError: (error, ctx) => {
      errors.push({ error, ctx });
    },
    ...options,
  });
  return { handle, calls, errors, clock };
}

const xml = (fields: Record<string, string | number>): string =>
  `<xml>${Object.entries(fields)
    .map(([k, v]) => (typeof v === 'number' ? `<${k}>${v}</${k}>` : `<${k}><![CDATA[${v}]]></${k}>`))
    .join('')}</xml>`;

const event = (name: string, extra: Record<string, string | number>): string =>
  xml({ ToUserName: 'gh_account', FromUserName: 'openid_user', CreateTime: 1700000000, MsgType: 'event', Event: name, ...extra });

const info = (infoType: string, extra: Record<string, string | number>): string => xml({ AppId: APPID, CreateTime: 1700000000, InfoType: infoType, ...extra });

describe('distinct pushes are never taken for retries', () => {
  // Pairs that share account, sender, CreateTime and event/info type, and differ only in the ids
  // WeChat puts elsewhere in the push.
  const pairs: Array<[string, string, string]> = [
    ['two CLICKs with different EventKeys in one second', eventXml('CLICK', 'MENU_A'), eventXml('CLICK', 'MENU_B')],
    [
      'two SCANs of different QR codes in one second',
      event('SCAN', { EventKey: '1', Ticket: 'ticket-a' }),
      event('SCAN', { EventKey: '2', Ticket: 'ticket-b' }),
    ],
    [
      'two TEMPLATESENDJOBFINISH with different MsgID',
      event('TEMPLATESENDJOBFINISH', { MsgID: '200163836', Status: 'success' }),
      event('TEMPLATESENDJOBFINISH', { MsgID: '200163840', Status: 'success' }),
    ],
    [
      'two MASSSENDJOBFINISH with different MsgID',
      event('MASSSENDJOBFINISH', { MsgID: '1000001625', Status: 'send success', TotalCount: 10 }),
      event('MASSSENDJOBFINISH', { MsgID: '1000001626', Status: 'send success', TotalCount: 10 }),
    ],
    [
      'a TEMPLATESENDJOBFINISH whose status differs',
      event('TEMPLATESENDJOBFINISH', { MsgID: '200163836', Status: 'success' }),
      event('TEMPLATESENDJOBFINISH', { MsgID: '200163836', Status: 'failed:user block' }),
    ],
    [
      'two authorized pushes for different authorizers',
      info('authorized', { AuthorizerAppid: 'wxauthorizer0001', AuthorizationCode: 'code-1' }),
      info('authorized', { AuthorizerAppid: 'wxauthorizer0002', AuthorizationCode: 'code-2' }),
    ],
    [
      'two unauthorized pushes for different authorizers',
      info('unauthorized', { AuthorizerAppid: 'wxauthorizer0001' }),
      info('unauthorized', { AuthorizerAppid: 'wxauthorizer0002' }),
    ],
    [
      'two verify tickets stamped with the same second',
      info('component_verify_ticket', { ComponentVerifyTicket: 'ticket@@@one' }),
      info('component_verify_ticket', { ComponentVerifyTicket: 'ticket@@@two' }),
    ],
    [
      'two WeCom contact changes for different members',
      event('change_contact', { ChangeType: 'update_user', UserID: 'zhangsan' }),
      event('change_contact', { ChangeType: 'update_user', UserID: 'lisi' }),
    ],
    [
      'two pushes without any CreateTime',
      xml({ ToUserName: 'gh_account', MsgType: 'event', Event: 'custom', Id: 'a' }),
      xml({ ToUserName: 'gh_account', MsgType: 'event', Event: 'custom', Id: 'b' }),
    ],
  ];

  it.each(pairs)('%s both reach onMessage', async (_, first, second) => {
    const h = harness();
    for (const [i, body] of [first, second].entries()) {
      const res = await h.handle(safePost(body, { nonce: `n${i}` }));
      expect(res.status).toBe(200);
    }
    expect(h.calls).toHaveLength(2);
    expect(h.calls[0]!.ctx.dedupeKey).not.toBe(h.calls[1]!.ctx.dedupeKey);
  });

  it.each(pairs)('%s: a byte-identical retry of each is still dropped', async (_, first, second) => {
    const h = harness();
    // Every retry is a fresh request: new nonce, new random AES prefix, same plaintext.
    for (let i = 0; i < 3; i++) {
      await h.handle(safePost(first, { nonce: `a${i}` }));
      await h.handle(safePost(second, { nonce: `b${i}` }));
    }
    expect(h.calls).toHaveLength(2);
  });

  it('messages with the same MsgId and different content are both delivered', async () => {
    const h = harness();
    await h.handle(safePost(textXml('one', '6054768590064713728')));
    await h.handle(safePost(textXml('two', '6054768590064713728')));
    expect(h.calls).toHaveLength(2);
  });

  it('dedupeKey names the account and hashes the whole plaintext, nothing else', () => {
    const body = eventXml('CLICK', 'MENU_A');
    const key = dedupeKey(parseMessage(body), body);
    expect(key).toMatch(/^wx:push:\["gh_account","[0-9a-f]{64}"\]$/);
    expect(dedupeKey(parseMessage(body), body)).toBe(key);
    const other = eventXml('CLICK', 'MENU_B');
    expect(dedupeKey(parseMessage(other), other)).not.toBe(key);
  });
});

describe('a push is remembered for as long as its timestamp is accepted', () => {
  it('an exact captured request replayed at +61 s and +181 s does not run onMessage again', async () => {
    const h = harness();
    const captured = safePost(textXml('pay 100'));
    const replay = (): Request => captured.clone();
    const keep = replay();
    expect((await h.handle(keep)).status).toBe(200);
    for (const later of [61, 181, 299]) {
      h.clock.ms = NOW_MS + later * 1000;
      const res = await h.handle(replay());
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('success');
    }
    expect(h.calls).toHaveLength(1);
    h.clock.ms = NOW_MS + (WINDOW_S + 1) * 1000;
    expect((await h.handle(replay())).status).toBe(403); // the timestamp check takes over
    expect(h.calls).toHaveLength(1);
  });

  it('covers both sides of the window: first seen with a timestamp 300 s ahead, replayed 600 s later', async () => {
    // Our clock is 300 s behind the sender's: the push is accepted at once and stays acceptable
    // until our clock reaches its timestamp + 300 s, 600 s after it was first remembered.
    const h = harness({ startMs: NOW_MS - WINDOW_S * 1000 });
    const captured = safePost(eventXml('CLICK', 'MENU_A'));
    await h.handle(captured.clone());
    h.clock.ms = NOW_MS + WINDOW_S * 1000;
    const res = await h.handle(captured.clone());
    expect(res.status).toBe(200);
    expect(h.calls).toHaveLength(1);
  });

  it('retention follows a custom window', async () => {
    const h = harness({ timestampWindowSeconds: 1000 });
    const captured = safePost(textXml('x'));
    await h.handle(captured.clone());
    h.clock.ms = NOW_MS + 999_000;
    await h.handle(captured.clone());
    expect(h.calls).toHaveLength(1);
  });

  it('the default in-memory store runs on the handler clock', async () => {
    const clock = { ms: NOW_MS };
    const calls: WxMessage[] = [];
    const handle = createMessageHandler({
      token: TOKEN,
      encodingAESKey: AES_KEY,
      appid: APPID,
      now: () => clock.ms,
      onMessage: (m) => void calls.push(m),
    });
    const captured = safePost(textXml('x'));
    await handle(captured.clone());
    clock.ms = NOW_MS + 299_000;
    await handle(captured.clone());
    expect(calls).toHaveLength(1);
    // Past the retention on the handler clock the key is gone, whatever the wall clock says: the
    // same content under a fresh, in-window timestamp is a new delivery.
    clock.ms = NOW_MS + 661_000;
    await handle(safePost(textXml('x'), { timestamp: String(Number(NOW_S) + 661) }));
    expect(calls).toHaveLength(2);
  });

  it('a replay is refused however many other pushes arrived in between', async () => {
    const h = harness({ max: 5 });
    const captured = safePost(textXml('pay 100', '1'));
    await h.handle(captured.clone());
    for (let i = 0; i < 20; i++) await h.handle(safePost(textXml(`other ${i}`, String(100 + i))));
    h.clock.ms = NOW_MS + 61_000;
    const res = await h.handle(captured.clone());
    expect(await res.text()).toBe('success');
    expect(h.calls.filter((c) => (c.message as { Content?: string }).Content === 'pay 100')).toHaveLength(1);
  });

  it('refuses a dedupeTtlSeconds shorter than the window covers, and an unbounded window', () => {
    const onMessage = (): undefined => undefined;
    const base = { token: TOKEN, appid: APPID, onMessage };
    expect(() => createMessageHandler({ ...base, dedupeTtlSeconds: 60 })).toThrow(WxConfigError);
    expect(() => createMessageHandler({ ...base, timestampWindowSeconds: 10, dedupeTtlSeconds: 79 })).toThrow(WxConfigError);
    expect(() => createMessageHandler({ ...base, timestampWindowSeconds: 10, dedupeTtlSeconds: 80 })).not.toThrow();
    expect(() => createMessageHandler({ ...base, dedupeTtlSeconds: 3600 })).not.toThrow();
    expect(() => createMessageHandler({ ...base, dedupeTtlSeconds: Infinity })).toThrow(WxConfigError);
    expect(() => createMessageHandler({ ...base, timestampWindowSeconds: Infinity })).toThrow(WxConfigError);
    expect(() => createMessageHandler({ ...base, dedupe: false, dedupeTtlSeconds: 60 })).not.toThrow();
  });

  it('passes 2 × window + 60 s to the store by default', async () => {
    const ttls: number[] = [];
    const store = { seen: async (_: string, ttl: number) => (ttls.push(ttl), false) };
    const h = harness({ dedupe: store });
    await h.handle(safePost(textXml('x')));
    const w = harness({ dedupe: store, timestampWindowSeconds: 30 });
    await w.handle(safePost(textXml('x')));
    expect(ttls).toEqual([660, 120]);
  });
});

describe('a full in-memory store refuses rather than forgets', () => {
  it('answers 503 without running onMessage, reports it, and accepts the push once keys expire', async () => {
    const h = harness({ max: 2 });
    await h.handle(safePost(textXml('a', '1')));
    await h.handle(safePost(textXml('b', '2')));
    const refused = await h.handle(safePost(textXml('c', '3')));
    expect(refused.status).toBe(503);
    expect(h.calls.map((c) => (c.message as { Content?: string }).Content)).toEqual(['a', 'b']);
    expect(h.errors).toHaveLength(1);
    expect(h.errors[0]!.ctx).toMatchObject({ stage: 'dedupe', message: { kind: 'text', Content: 'c' } });
    const error = h.errors[0]!.error as Error;
    expect(error).toBeInstanceOf(WxStorageError);
    const text = `${error.message} ${await refused.text()}`;
    for (const secret of [TOKEN, AES_KEY]) expect(text).not.toContain(secret);

    // Retries of what it already holds are still recognised while full.
    const retry = await h.handle(safePost(textXml('a', '1'), { nonce: 'retry' }));
    expect(retry.status).toBe(200);
    expect(h.calls).toHaveLength(2);

    // WeChat retries the refused push; by then (here: after the retention) there is room again.
    h.clock.ms = NOW_MS + 661_000;
    const later = await h.handle(safePost(textXml('c', '3'), { timestamp: String(Number(NOW_S) + 661) }));
    expect(later.status).toBe(200);
    expect(h.calls).toHaveLength(3);
  });

  it('memorySeenStore answers "full" instead of evicting a live key', async () => {
    let now = 0;
    const store = memorySeenStore({ max: 2, now: () => now });
    expect(await store.seen('a', 10)).toBe(false);
    expect(await store.seen('b', 10)).toBe(false);
    expect(await store.seen('c', 10)).toBe('full');
    expect(await store.seen('a', 10)).toBe(true);
    expect(await store.seen('b', 10)).toBe(true);
    now = 10_000;
    expect(await store.seen('c', 10)).toBe(false);
  });

  it('sweeps expired keys, so a steady load below capacity is never refused', async () => {
    let now = 0;
    const store = memorySeenStore({ max: 3, now: () => now });
    // One push every 4 s, each remembered 10 s: never more than 3 alive at once.
    for (let i = 0; i < 1000; i++) {
      now = i * 4000;
      expect(await store.seen(`k${i}`, 10)).toBe(false);
    }
  });

  it('finds expired keys behind a longer-lived one (mixed TTLs)', async () => {
    let now = 0;
    const store = memorySeenStore({ max: 3, now: () => now });
    expect(await store.seen('long', 1000)).toBe(false);
    expect(await store.seen('s1', 10)).toBe(false);
    expect(await store.seen('s2', 10)).toBe(false);
    now = 11_000;
    expect(await store.seen('s3', 10)).toBe(false);
    expect(await store.seen('s4', 10)).toBe(false);
    expect(await store.seen('s5', 10)).toBe('full');
    expect(await store.seen('long', 1000)).toBe(true);
  });

  it('stays correct under concurrent deliveries of one key', async () => {
    const store = memorySeenStore({ max: 10 });
    const results = await Promise.all(Array.from({ length: 20 }, () => store.seen('same', 60)));
    expect(results.filter((r) => r === false)).toHaveLength(1);
    expect(results.filter((r) => r === true)).toHaveLength(19);
  });
});
