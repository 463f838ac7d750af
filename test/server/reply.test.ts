import { describe, expect, it } from 'vitest';
import { WxError } from '../../src/core/errors.js';
import { readEnvelope, sealReply } from '../../src/callbacks/envelope.js';
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
} from '../../src/callbacks/index.js';
import { describeReference, readFixture, readReference } from '../reference.js';

// Incoming message as the expected replies assume it: the reply goes to `to` from `fromName`.
const from = (to: string, fromName: string) => ({ ToUserName: fromName, FromUserName: to });

describe('reply builders match the expected replies (test/fixtures/replies)', () => {
  // The user wrote to the account; the reply goes back from the account to the user.
  const incoming = from('oWxkit_Tu7mZq2Lr9Xc4Vb1Nd8', 'gh_5f3c1e2d9a07');
  const at = { createTime: 1712345999 };
  const expected = (name: string): string => readFixture(`replies/${name}.xml`).trim();

  it('text, image, voice byte for byte', () => {
    expect(renderReplyXml(replyText(incoming, '收到，马上处理', at))).toBe(expected('text'));
    expect(renderReplyXml(replyImage(incoming, 'media_reply_img_Hk4', at))).toBe(expected('image'));
    expect(renderReplyXml(replyVoice(incoming, 'media_reply_voice_Jp7', at))).toBe(expected('voice'));
  });

  it('video, music, news, transfer_customer_service structurally', () => {
    const same = (reply: WxReply, name: string): void => expect(parseXml(renderReplyXml(reply))).toEqual(parseXml(expected(name)));
    same(replyVideo(incoming, { MediaId: 'media_reply_video_Wq2', Title: 'Three-minute setup', Description: 'How to connect your account' }, at), 'video');
    same(
      replyMusic(
        incoming,
        {
          Title: '午后小调',
          Description: 'demo track',
          ThumbMediaId: 'thumb_music_Rr9',
          MusicUrl: 'https://example.com/audio/afternoon.mp3',
          HQMusicUrl: 'https://example.com/audio/afternoon-hq.mp3',
        },
        at,
      ),
      'music',
    );
    same(
      replyNews(
        incoming,
        [
          { Title: 'Spring sale', Description: 'Ten days only', PicUrl: 'https://example.com/img/sale.png', Url: 'https://example.com/sale?from=menu&ref=7' },
          { Title: 'Opening hours', Description: 'Open daily 9:00-21:00', PicUrl: 'https://example.com/img/hours.png', Url: 'https://example.com/hours' },
        ],
        at,
      ),
      'news',
    );
    same(replyTransferCustomerService(incoming, { KfAccount: 'helper01@gh_5f3c1e2d9a07' }, at), 'transfer-customer-service');
  });
});

describeReference('reply builders match the reference replies (../shared/reference)', () => {
  const at = { createTime: 1122 };
  const sample = (name: string): string => readReference(`xml/reply/wxjava-${name}__test_expected.xml`).trim();

  it('text, image, voice byte for byte', () => {
    expect(renderReplyXml(replyText(from('to', 'from'), 'content', at))).toBe(sample('WxMpXmlOutTextMessageTest'));
    expect(renderReplyXml(replyImage(from('to', 'from'), 'ddfefesfsdfef', at))).toBe(sample('WxMpXmlOutImageMessageTest'));
    expect(renderReplyXml(replyVoice(from('to', 'from'), 'ddfefesfsdfef', at))).toBe(sample('WxMpXmlOutVoiceMessageTest'));
  });

  it('video, music, news, transfer_customer_service structurally', () => {
    const same = (reply: WxReply, name: string): void => expect(parseXml(renderReplyXml(reply))).toEqual(parseXml(sample(name)));
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
      const fields = format === 'xml' ? (parseXml(sealed).value as Record<string, string>) : (JSON.parse(sealed) as Record<string, string>);
      expect(String(fields['TimeStamp'])).toBe('1700000002');
      expect(crypto.verify(fields['MsgSignature']!, String(fields['TimeStamp']), fields['Nonce']!, fields['Encrypt']!)).toBe(true);
      expect(readEnvelope(sealed).encrypt).toBe(fields['Encrypt']);
      expect(crypto.decrypt(fields['Encrypt']!)).toEqual({ message: body, receiveId: 'wxappid' });
    }
  });

  it('refuses impossible replies', () => {
    expect(() => replyNews(incoming, [])).toThrow(WxError);
    expect(() =>
      replyNews(
        incoming,
        Array.from({ length: 9 }, () => ({ Title: 't' })),
      ),
    ).toThrow(WxError);
    expect(() => replyText({} as never, 'x')).toThrow(WxError);
  });
});
