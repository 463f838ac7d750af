// WeCom callbacks through the handler: the official WeCom WXBizMsgCrypt vectors (URL check and a
// message), the receiveid each URL expects (corpid, suite id, "" for robots), typed events and
// instruction pushes, the robots' lower-case JSON envelope, and passive replies sealed with the corpid.
import { describe, expect, it } from 'vitest';
import { createCrypto, sha1Signature } from '../../src/callbacks/msg-crypt.js';
import { parseMessage, replyNews, replyText, type WxMessage } from '../../src/callbacks/index.js';
import { WxConfigError } from '../../src/core/errors.js';
import { buildXml } from '../../src/core/xml-build.js';
import { aibotStream, createWorkMessageHandler } from '../../src/work/index.js';
import { readFixture, readFixtureJson, type CryptoCase } from '../reference.js';

const vectors = readFixtureJson<CryptoCase[]>('vectors/msg-crypt.json');
const vector = (id: string): CryptoCase => vectors.find((c) => c.id === id)!;

const TOKEN = 'workTestToken';
const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const CORP = 'ww0f1e2d3c4b5a6978';
const SUITE = 'ww5a6b7c8d9e0f1a2b';
const NOW = 1_712_345_800_000;
const TS = String(NOW / 1000);

/** A push as WeCom sends it: msg_signature, timestamp and nonce only; the outer XML (or robot JSON). */
function seal(plaintext: string, receiveId: string, format: 'xml' | 'aibot' = 'xml'): Request {
  const c = createCrypto({ token: TOKEN, encodingAESKey: KEY, receiveId });
  const encrypt = c.encrypt(plaintext);
  const q = new URLSearchParams({ msg_signature: c.signature(TS, '4242', encrypt), timestamp: TS, nonce: '4242' });
  const body = format === 'aibot' ? JSON.stringify({ encrypt }) : buildXml({ ToUserName: receiveId, Encrypt: encrypt, AgentID: '' });
  return new Request(`https://example.com/wecom?${q}`, { method: 'POST', body });
}

function collect(
  options: { corpid: string } | { suiteId: string } | { robot: true },
  reply?: (m: WxMessage) => ReturnType<Parameters<typeof createWorkMessageHandler>[0]['onMessage']>,
) {
  const seen: WxMessage[] = [];
  const errors: unknown[] = [];
  const handler = createWorkMessageHandler({
    ...options,
    token: TOKEN,
    encodingAESKey: KEY,
    now: () => NOW,
    onMessage: (m) => (seen.push(m), reply?.(m)),
    onError: (e) => void errors.push(e),
  } as Parameters<typeof createWorkMessageHandler>[0]);
  return { handler, seen, errors };
}

describe('official WeCom vectors through the handler', () => {
  it('URL verification: the echostr is decrypted and answered (receiveid = corpid)', async () => {
    const { input, expected } = vector('demo/wecom-verify-url');
    const handler = createWorkMessageHandler({
      corpid: expected.receive_id!,
      token: input.token!,
      encodingAESKey: input.encoding_aes_key!,
      now: () => Number(input.timestamp) * 1000,
      onMessage: () => undefined,
    });
    const q = new URLSearchParams({ msg_signature: input.msg_signature!, timestamp: input.timestamp!, nonce: input.nonce!, echostr: input.echostr! });
    const res = await handler(new Request(`https://example.com/wecom?${q}`));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(expected.echostr_plain);
    // The same check for another corp is refused: the ciphertext names this corp.
    const other = createWorkMessageHandler({
      corpid: 'wwsomeoneelse00001',
      token: input.token!,
      encodingAESKey: input.encoding_aes_key!,
      now: () => Number(input.timestamp) * 1000,
      onMessage: () => undefined,
    });
    expect((await other(new Request(`https://example.com/wecom?${q}`))).status).toBe(403);
  });

  it('a message: the official XML push decrypts into a typed text message with its AgentID', async () => {
    const { input, expected } = vector('demo/wecom-decrypt-xml');
    const seen: WxMessage[] = [];
    const handler = createWorkMessageHandler({
      corpid: input.receive_id!,
      token: input.token!,
      encodingAESKey: input.encoding_aes_key!,
      now: () => Number(input.timestamp) * 1000,
      onMessage: (m) => void seen.push(m),
    });
    const q = new URLSearchParams({ msg_signature: input.msg_signature!, timestamp: input.timestamp!, nonce: input.nonce! });
    const res = await handler(new Request(`https://example.com/wecom?${q}`, { method: 'POST', body: input.post_body! }));
    expect(res.status).toBe(200);
    expect(seen).toEqual([parseMessage(expected.msg!)]);
    expect(seen[0]).toMatchObject({ kind: 'text', ToUserName: 'ww1436e0e65a779aee', Content: '你好', AgentID: 1000002 });
  });

  it('the legacy WeCom vectors too', async () => {
    const { input, expected } = vector('demo/legacy-wecom-verify-url');
    const handler = createWorkMessageHandler({
      corpid: expected.receive_id!,
      token: input.token!,
      encodingAESKey: input.encoding_aes_key!,
      now: () => Number(input.timestamp) * 1000,
      onMessage: () => undefined,
    });
    const q = new URLSearchParams({ msg_signature: input.msg_signature!, timestamp: input.timestamp!, nonce: input.nonce!, echostr: input.echostr! });
    expect(await (await handler(new Request(`https://example.com/?${q}`))).text()).toBe(expected.echostr_plain);
  });
});

describe('receiveid per URL', () => {
  it('an app URL takes pushes for its corp only; a suite URL for its suite only', async () => {
    const app = collect({ corpid: CORP });
    const event = readFixture('messages/work/event-change-contact-update-user.xml');
    expect((await app.handler(seal(event, CORP))).status).toBe(200);
    expect((await app.handler(seal(event, SUITE))).status).toBe(403);
    const suite = collect({ suiteId: SUITE });
    const ticket = readFixture('messages/work/info-suite-ticket.xml');
    expect((await suite.handler(seal(ticket, SUITE))).status).toBe(200);
    expect((await suite.handler(seal(ticket, CORP))).status).toBe(403);
    expect(app.seen.map((m) => m.kind)).toEqual(['event.change_contact']);
    expect(suite.seen.map((m) => m.kind)).toEqual(['info.suite_ticket']);
  });

  it('refuses plaintext and wrong options', async () => {
    const app = collect({ corpid: CORP });
    const q = new URLSearchParams({ signature: sha1Signature([TOKEN, TS, '1']), timestamp: TS, nonce: '1' });
    expect((await app.handler(new Request(`https://example.com/?${q}`, { method: 'POST', body: readFixture('messages/work/event-click.xml') }))).status).toBe(
      403,
    );
    const base = { token: TOKEN, encodingAESKey: KEY, onMessage: () => undefined };
    expect(() => createWorkMessageHandler({ ...base } as never)).toThrow(WxConfigError);
    expect(() => createWorkMessageHandler({ ...base, corpid: CORP, suiteId: SUITE } as never)).toThrow(WxConfigError);
    expect(() => createWorkMessageHandler({ ...base, corpid: 'not a corp' })).toThrow(WxConfigError);
  });
});

describe('typed WeCom pushes', () => {
  it('every own sample parses to its kind through the handler', async () => {
    const index = readFixtureJson<Array<{ file: string; kind: string }>>('messages/index.json').filter(
      (e) => e.file.startsWith('work/') && e.file.endsWith('.xml'),
    );
    for (const entry of index) {
      const text = readFixture(`messages/${entry.file}`);
      const suitePush = text.includes('<SuiteId>');
      const sink = suitePush ? collect({ suiteId: text.includes('dk5a6b') ? 'dk5a6b7c8d9e0f1a2b' : SUITE }) : collect({ corpid: CORP });
      const res = await sink.handler(seal(text, suitePush ? (text.includes('dk5a6b') ? 'dk5a6b7c8d9e0f1a2b' : SUITE) : CORP));
      expect([entry.file, res.status]).toEqual([entry.file, 200]);
      expect([entry.file, sink.seen[0]?.kind]).toEqual([entry.file, entry.kind]);
    }
  });

  it('narrows by kind and ChangeType', () => {
    const m = parseMessage(readFixture('messages/work/event-change-external-contact-add.xml'));
    if (m.kind !== 'event.change_external_contact') throw new Error(m.kind);
    // ChangeType is a union: this comparison would not compile against a misspelt literal.
    expect(m.ChangeType === 'add_external_contact' ? m.WelcomeCode : undefined).toBe('WELCOME-MADE-UP-1');
    const info = parseMessage(readFixture('messages/work/info-change-contact-create-user.xml'));
    if (info.kind !== 'info.change_contact') throw new Error(info.kind);
    expect([info.AuthCorpId, info.ChangeType, info.UserID]).toEqual(['wwa1b2c3d4e5f60718', 'create_user', 'wang.wu']);
  });
});

describe('passive replies', () => {
  it('text and news replies to an app message are sealed with the corpid', async () => {
    const app = collect({ corpid: CORP }, (m) =>
      m.kind === 'text'
        ? replyText(m, `收到: ${m.Content}`)
        : m.kind === 'event.click'
          ? replyNews(m, [{ Title: '今日', Url: 'https://example.com/today' }])
          : undefined,
    );
    const res = await app.handler(seal(readFixture('messages/work/text-with-agentid.xml'), CORP));
    const outer = parseMessage(await res.text()) as unknown as { Encrypt: string; MsgSignature: string; TimeStamp: number; Nonce: string };
    const c = createCrypto({ token: TOKEN, encodingAESKey: KEY, receiveId: CORP });
    expect(c.verify(outer.MsgSignature, String(outer.TimeStamp), outer.Nonce, outer.Encrypt)).toBe(true);
    const inner = c.decrypt(outer.Encrypt);
    expect(inner.receiveId).toBe(CORP);
    expect(parseMessage(inner.message)).toMatchObject({ kind: 'text', ToUserName: 'zhang.san', FromUserName: CORP, Content: '收到: 请审批' });
    const news = await app.handler(seal(readFixture('messages/work/event-click.xml'), CORP));
    const sealed = parseMessage(await news.text()) as unknown as { Encrypt: string };
    expect(parseMessage(c.decrypt(sealed.Encrypt).message)).toMatchObject({ MsgType: 'news', ArticleCount: 1 });
  });
});

describe('intelligent robots (JSON, receiveid "")', () => {
  it('decrypts the lower-case envelope, types the message, and answers in kind', async () => {
    const robot = collect({ robot: true }, (m) =>
      m.kind === 'aibot.text'
        ? aibotStream({ id: 'stream-1', content: `echo ${m.text.content}`, finish: true })
        : m.kind === 'aibot.event'
          ? 'welcome'
          : undefined,
    );
    const res = await robot.handler(seal(readFixture('messages/work/aibot-text.json'), '', 'aibot'));
    expect(res.status).toBe(200);
    const outer = JSON.parse(await res.text()) as { encrypt: string; msgsignature: string; timestamp: string; nonce: string };
    expect(Object.keys(outer).sort()).toEqual(['encrypt', 'msgsignature', 'nonce', 'timestamp']);
    const c = createCrypto({ token: TOKEN, encodingAESKey: KEY, receiveId: '' });
    expect(c.verify(outer.msgsignature, outer.timestamp, outer.nonce, outer.encrypt)).toBe(true);
    expect(JSON.parse(c.decrypt(outer.encrypt).message)).toEqual({
      msgtype: 'stream',
      stream: { id: 'stream-1', finish: true, content: 'echo @bot 今天天气' },
    });

    const welcome = await robot.handler(seal(readFixture('messages/work/aibot-event.json'), '', 'aibot'));
    const w = JSON.parse(await welcome.text()) as { encrypt: string };
    expect(JSON.parse(c.decrypt(w.encrypt).message)).toEqual({ msgtype: 'text', text: { content: 'welcome' } });

    // Nothing to say is an empty body, not "success".
    const quiet = await robot.handler(seal(readFixture('messages/work/aibot-image.json'), '', 'aibot'));
    expect([quiet.status, await quiet.text()]).toEqual([200, '']);
    expect(robot.seen.map((m) => m.kind)).toEqual(['aibot.text', 'aibot.event', 'aibot.image']);
    // A ciphertext made for a corp is not a robot's.
    expect((await robot.handler(seal(readFixture('messages/work/aibot-file.json'), CORP, 'aibot'))).status).toBe(403);
  });

  it('the URL check uses receiveid "" too', async () => {
    const c = createCrypto({ token: TOKEN, encodingAESKey: KEY, receiveId: '' });
    const echostr = c.encrypt('8812345');
    const q = new URLSearchParams({ msg_signature: c.signature(TS, '9', echostr), timestamp: TS, nonce: '9', echostr });
    const robot = collect({ robot: true });
    expect(await (await robot.handler(new Request(`https://example.com/bot?${q}`))).text()).toBe('8812345');
  });
});
