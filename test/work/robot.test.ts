// Intelligent robots (智能机器人): JSON callbacks with receiveid "", a streamed answer over several
// refresh callbacks, template cards, the reply builders' checks, and replies that do not fit the
// callback (a robot reply to an app message, an XML reply to a robot) refused rather than sent.
import { describe, expect, it } from 'vitest';
import { createCrypto } from '../../src/callbacks/msg-crypt.js';
import { parseMessage, replyText, type WxMessage } from '../../src/callbacks/index.js';
import { buildXml } from '../../src/core/xml-build.js';
import { aibotReply, aibotStream, aibotTemplateCard, aibotText, createWorkMessageHandler, type AibotReply } from '../../src/work/index.js';
import { readFixture } from '../reference.js';

const TOKEN = 'robotToken';
const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const CORP = 'wwrobotcorp0000001';
const NOW = 1_712_345_800_000;
const TS = String(NOW / 1000);
let nonce = 0;

function seal(plaintext: string, receiveId: string, format: 'json' | 'xml' = 'json'): Request {
  const c = createCrypto({ token: TOKEN, encodingAESKey: KEY, receiveId });
  const encrypt = c.encrypt(plaintext);
  const n = String(++nonce);
  const q = new URLSearchParams({ msg_signature: c.signature(TS, n, encrypt), timestamp: TS, nonce: n });
  const body = format === 'json' ? JSON.stringify({ encrypt }) : buildXml({ ToUserName: receiveId, Encrypt: encrypt, AgentID: '' });
  return new Request(`https://bot.example/callback?${q}`, { method: 'POST', body });
}

async function open(res: Response, receiveId = ''): Promise<unknown> {
  const text = await res.text();
  if (!text) return undefined;
  const outer = JSON.parse(text) as { encrypt: string; msgsignature: string; timestamp: string; nonce: string };
  const c = createCrypto({ token: TOKEN, encodingAESKey: KEY, receiveId });
  expect(c.verify(outer.msgsignature, outer.timestamp, outer.nonce, outer.encrypt)).toBe(true);
  return JSON.parse(c.decrypt(outer.encrypt).message);
}

const text = (content: string, msgid: string) => JSON.stringify({ ...JSON.parse(readFixture('messages/work/aibot-text.json')), msgid, text: { content } });
const refresh = (id: string, msgid: string) => JSON.stringify({ ...JSON.parse(readFixture('messages/work/aibot-stream.json')), msgid, stream: { id } });

describe('a streamed robot answer', () => {
  it('answers the question with a stream id, then each refresh with the next piece until finish', async () => {
    const pieces = ['今天', '今天晴，', '今天晴，25°C'];
    const asked = new Map<string, number>();
    const seen: string[] = [];
    const errors: unknown[] = [];
    const handler = createWorkMessageHandler({
      robot: true,
      token: TOKEN,
      encodingAESKey: KEY,
      now: () => NOW,
      onError: (e) => void errors.push(e),
      onMessage: (m: WxMessage): AibotReply | undefined => {
        seen.push(m.kind);
        if (m.kind === 'aibot.text') {
          asked.set('s-1', 0);
          return aibotStream({ id: 's-1', content: pieces[0]! });
        }
        if (m.kind === 'aibot.stream') {
          const i = (asked.get(m.stream.id) ?? 0) + 1;
          asked.set(m.stream.id, i);
          return aibotStream({ id: m.stream.id, content: pieces[i]!, finish: i === pieces.length - 1 });
        }
        return undefined;
      },
    });
    expect(await open(await handler(seal(text('天气?', 'm1'), '')))).toEqual({ msgtype: 'stream', stream: { id: 's-1', finish: false, content: '今天' } });
    expect(await open(await handler(seal(refresh('s-1', 'm2'), '')))).toEqual({ msgtype: 'stream', stream: { id: 's-1', finish: false, content: '今天晴，' } });
    expect(await open(await handler(seal(refresh('s-1', 'm3'), '')))).toEqual({
      msgtype: 'stream',
      stream: { id: 's-1', finish: true, content: '今天晴，25°C' },
    });
    expect(seen).toEqual(['aibot.text', 'aibot.stream', 'aibot.stream']);
    expect(errors).toEqual([]);
  });

  it('template cards, mixed content and any reply body are sealed as given', async () => {
    const card = { card_type: 'text_notice', main_title: { title: '审批' }, task_id: 'T1' };
    const replies: AibotReply[] = [
      aibotTemplateCard(card),
      aibotStream({ id: 's-2', content: 'x', finish: true, msgItem: [{ msgtype: 'image', image: { base64: 'AA==', md5: 'd41d' } }] }),
      aibotReply({ msgtype: 'markdown', markdown: { content: '**ok**' } }),
    ];
    let i = 0;
    const handler = createWorkMessageHandler({ robot: true, token: TOKEN, encodingAESKey: KEY, now: () => NOW, onMessage: () => replies[i++] });
    expect(await open(await handler(seal(text('a', 'n1'), '')))).toEqual({ msgtype: 'template_card', template_card: card });
    expect(await open(await handler(seal(text('b', 'n2'), '')))).toEqual({
      msgtype: 'stream',
      stream: { id: 's-2', finish: true, content: 'x', msg_item: [{ msgtype: 'image', image: { base64: 'AA==', md5: 'd41d' } }] },
    });
    expect(await open(await handler(seal(text('c', 'n3'), '')))).toEqual({ msgtype: 'markdown', markdown: { content: '**ok**' } });
  });

  it('the builders refuse what WeCom would not take', () => {
    expect(() => aibotReply({} as never)).toThrow(/msgtype/);
    expect(() => aibotStream({ id: '', content: 'x' })).toThrow(/id/);
    expect(aibotText('hi')).toEqual({ kind: 'aibot_reply', body: { msgtype: 'text', text: { content: 'hi' } } });
  });
});

describe('replies that do not fit the callback', () => {
  it('an XML reply to a robot is refused (empty answer, onError), never sealed', async () => {
    const errors: unknown[] = [];
    const handler = createWorkMessageHandler({
      robot: true,
      token: TOKEN,
      encodingAESKey: KEY,
      now: () => NOW,
      onError: (e) => void errors.push(e),
      onMessage: (m) => replyText(m as never, 'xml text'),
    });
    const res = await handler(seal(text('x', 'q1'), ''));
    expect([res.status, await res.text()]).toEqual([200, '']);
    expect(errors).toHaveLength(1);
  });

  it('a robot reply to an app message is refused, and the app gets no reply', async () => {
    const errors: unknown[] = [];
    const handler = createWorkMessageHandler({
      corpid: CORP,
      token: TOKEN,
      encodingAESKey: KEY,
      now: () => NOW,
      onError: (e) => void errors.push(e),
      onMessage: () => aibotText('wrong channel'),
    });
    const res = await handler(seal(readFixture('messages/work/text-with-agentid.xml'), CORP, 'xml'));
    const body = await res.text();
    expect(body).not.toContain('<Encrypt>');
    expect(errors.length).toBe(1);
  });

  it('an unknown robot msgtype is kind unknown and still acknowledged', async () => {
    const seen: WxMessage[] = [];
    const handler = createWorkMessageHandler({ robot: true, token: TOKEN, encodingAESKey: KEY, now: () => NOW, onMessage: (m) => void seen.push(m) });
    const res = await handler(seal(JSON.stringify({ msgid: 'z1', aibotid: 'aib1', from: { userid: 'u' }, msgtype: 'hologram', hologram: {} }), ''));
    expect(res.status).toBe(200);
    expect(seen.map((m) => m.kind)).toEqual(['unknown']);
    expect(parseMessage(JSON.stringify({ msgid: 'z1', aibotid: 'aib1', msgtype: 'text', text: { content: 'x' }, from: { userid: 'u' } })).kind).toBe(
      'aibot.text',
    );
  });
});

describe('robot acknowledgements', () => {
  it('a failing handler and a duplicate callback are acknowledged with an empty body, not "success"', async () => {
    const handler = createWorkMessageHandler({
      robot: true,
      token: TOKEN,
      encodingAESKey: KEY,
      now: () => NOW,
      onError: () => undefined,
      onMessage: () => {
        throw new Error('handler bug');
      },
    });
    const failed = await handler(seal(text('boom', 'f1'), ''));
    expect([failed.status, await failed.text()]).toEqual([200, '']);
    const quiet = createWorkMessageHandler({ robot: true, token: TOKEN, encodingAESKey: KEY, now: () => NOW, onMessage: () => aibotText('once') });
    const request = seal(text('dup', 'd1'), '');
    const copy = request.clone();
    expect(await open(await quiet(request))).toEqual({ msgtype: 'text', text: { content: 'once' } });
    const again = await quiet(copy);
    expect([again.status, await again.text()]).toEqual([200, '']);
  });
});
