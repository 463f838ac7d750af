import { describe, expect, it } from 'vitest';
import { WxError } from '../../src/errors.js';
import { readEnvelope, sealReply } from '../../src/server/envelope.js';
import {
  createCrypto,
  parseMessage,
  parseXml,
  renderReplyJson,
  renderReplyXml,
  replyImage,
  replyMusic,
  replyNews,
  replyText,
  replyTransferCustomerService,
  replyVideo,
  replyVoice,
  type WxReply,
} from '../../src/server/index.js';
import { readReference } from './reference.js';

// Incoming message as the reference replies assume it: the reply goes to "to"/"toUser" from "from"/"fromUser".
const from = (to: string, fromName: string) => ({ ToUserName: fromName, FromUserName: to });
const at = { createTime: 1122 };
const sample = (name: string): string => readReference(`xml/reply/wxjava-${name}__test_expected.xml`).trim();

describe('reply builders match the reference replies', () => {
  it('text, image, voice byte for byte', () => {
    expect(renderReplyXml(replyText(from('to', 'from'), 'content', at))).toBe(sample('WxMpXmlOutTextMessageTest'));
    expect(renderReplyXml(replyImage(from('to', 'from'), 'ddfefesfsdfef', at))).toBe(sample('WxMpXmlOutImageMessageTest'));
    expect(renderReplyXml(replyVoice(from('to', 'from'), 'ddfefesfsdfef', at))).toBe(sample('WxMpXmlOutVoiceMessageTest'));
  });

  it('video, music, news, transfer_customer_service structurally', () => {
    const same = (reply: WxReply, name: string): void =>
      expect(parseXml(renderReplyXml(reply))).toEqual(parseXml(sample(name)));
    same(replyVideo(from('toUser', 'fromUser'), { MediaId: 'media_id', Title: 'title', Description: 'ddfff' }, at), 'WxMpXmlOutVideoMessageTest');
    same(
      replyMusic(
        from('toUser', 'fromUser'),
        { Title: 'title', Description: 'ddfff', ThumbMediaId: 'thumbMediaId', MusicUrl: 'musicUrl', HQMusicUrl: 'hQMusicUrl' },
        at,
      ),
      'WxMpXmlOutMusicMessageTest',
    );
    const article = { Title: 'title', Description: 'description', PicUrl: 'picUrl', Url: 'url' };
    same(replyNews(from('toUser', 'fromUser'), [article, article], at), 'WxMpXmlOutNewsMessageTest');
    same(replyTransferCustomerService(from('touser', 'fromuser'), {}, { createTime: 1399197672 }), 'WxMpXmlOutTransferKefuMessageTest');
  });
});

describe('reply round trips', () => {
  const incoming = parseMessage(
    '<xml><ToUserName><![CDATA[gh_account]]></ToUserName><FromUserName><![CDATA[openid_user]]></FromUserName>' +
      '<CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hi]]></Content><MsgId>1</MsgId></xml>',
  );
  if (incoming.kind !== 'text') throw new Error('fixture should be a text message');

  it('swaps sender and recipient and parses back', () => {
    const reply = replyText(incoming, 'reply with ]]> and <tags> & 表情 🌏', { createTime: 1700000001 });
    const back = parseMessage(renderReplyXml(reply));
    expect(back).toMatchObject({
      kind: 'text',
      ToUserName: 'openid_user',
      FromUserName: 'gh_account',
      CreateTime: 1700000001,
      Content: 'reply with ]]> and <tags> & 表情 🌏',
    });
    expect(parseMessage(renderReplyJson(reply))).toMatchObject({ kind: 'text', Content: reply.fields['Content'] });
  });

  it('every builder renders XML that parses back with the same fields', () => {
    const replies = [
      replyImage(incoming, 'm1'),
      replyVoice(incoming, 'm2'),
      replyVideo(incoming, { MediaId: 'm3' }),
      replyMusic(incoming, { ThumbMediaId: 't', MusicUrl: 'http://x/y?a=1&b=2' }),
      replyNews(incoming, [{ Title: 'T', Url: 'https://example.com/?q=1&r=2' }]),
      replyTransferCustomerService(incoming, { KfAccount: 'kf2001@account' }),
    ];
    for (const reply of replies) {
      const back = parseMessage(renderReplyXml(reply)) as Record<string, unknown>;
      expect(back['MsgType']).toBe(reply.MsgType);
      expect(back['ToUserName']).toBe('openid_user');
      expect(typeof back['CreateTime']).toBe('number');
    }
    expect(parseMessage(renderReplyXml(replies[5]!))).toMatchObject({ TransInfo: { KfAccount: 'kf2001@account' } });
    expect(parseMessage(renderReplyXml(replies[4]!))).toMatchObject({ ArticleCount: 1, Articles: { item: { Url: 'https://example.com/?q=1&r=2' } } });
  });

  it('an encrypted reply decrypts back to the rendered reply', () => {
    const crypto = createCrypto({ token: 'tok', encodingAESKey: 'A'.repeat(43), receiveId: 'wxappid' });
    const body = renderReplyXml(replyText(incoming, '加密回复'));
    for (const format of ['xml', 'json'] as const) {
      const sealed = sealReply(crypto, body, format, 1700000002);
      const fields = format === 'xml'
        ? (parseXml(sealed).value as Record<string, string>)
        : (JSON.parse(sealed) as Record<string, string>);
      expect(String(fields['TimeStamp'])).toBe('1700000002');
      expect(crypto.verify(fields['MsgSignature']!, String(fields['TimeStamp']), fields['Nonce']!, fields['Encrypt']!)).toBe(true);
      expect(readEnvelope(sealed).encrypt).toBe(fields['Encrypt']);
      expect(crypto.decrypt(fields['Encrypt']!)).toEqual({ message: body, receiveId: 'wxappid' });
    }
  });

  it('refuses impossible replies', () => {
    expect(() => replyNews(incoming, [])).toThrow(WxError);
    expect(() => replyNews(incoming, Array.from({ length: 9 }, () => ({ Title: 't' })))).toThrow(WxError);
    expect(() => replyText({} as never, 'x')).toThrow(WxError);
  });
});
