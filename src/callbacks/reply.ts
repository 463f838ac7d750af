// Passive replies: what the server may answer in the HTTP response to a user message or event.
// Builders only assemble fields (sender/recipient swapped from the incoming push); the handler
// renders them as XML or JSON to match the push, and encrypts them in safe mode.

import { WxError } from '../core/errors.js';
import { buildXml, type XmlBuildObject } from '../core/xml-build.js';

export interface ReplyTarget {
  ToUserName: string;
  FromUserName: string;
}

export interface ReplyOptions {
  /** Unix seconds. Defaults to now. */
  createTime?: number;
}

export interface Article {
  Title: string;
  Description?: string;
  PicUrl?: string;
  Url?: string;
}

export type ReplyType = 'text' | 'image' | 'voice' | 'video' | 'music' | 'news' | 'transfer_customer_service';

export interface WxReply {
  readonly kind: 'reply';
  readonly MsgType: ReplyType;
  /** The reply exactly as it will be serialised, WeChat field names included. */
  readonly fields: XmlBuildObject;
}

function reply(to: ReplyTarget, type: ReplyType, body: XmlBuildObject, options: ReplyOptions = {}): WxReply {
  if (typeof to?.FromUserName !== 'string' || typeof to.ToUserName !== 'string') {
    throw new WxError('a reply needs the incoming message (ToUserName and FromUserName)');
  }
  const fields: XmlBuildObject = {
    ToUserName: to.FromUserName,
    FromUserName: to.ToUserName,
    CreateTime: options.createTime ?? Math.floor(Date.now() / 1000),
    MsgType: type,
    ...body,
  };
  return { kind: 'reply', MsgType: type, fields };
}

export function replyText(to: ReplyTarget, content: string, options?: ReplyOptions): WxReply {
  return reply(to, 'text', { Content: content }, options);
}

export function replyImage(to: ReplyTarget, mediaId: string, options?: ReplyOptions): WxReply {
  return reply(to, 'image', { Image: { MediaId: mediaId } }, options);
}

export function replyVoice(to: ReplyTarget, mediaId: string, options?: ReplyOptions): WxReply {
  return reply(to, 'voice', { Voice: { MediaId: mediaId } }, options);
}

export function replyVideo(to: ReplyTarget, video: { MediaId: string; Title?: string; Description?: string }, options?: ReplyOptions): WxReply {
  return reply(to, 'video', { Video: { MediaId: video.MediaId, Title: video.Title, Description: video.Description } }, options);
}

export function replyMusic(
  to: ReplyTarget,
  music: { ThumbMediaId: string; Title?: string; Description?: string; MusicUrl?: string; HQMusicUrl?: string },
  options?: ReplyOptions,
): WxReply {
  const { Title, Description, MusicUrl, HQMusicUrl, ThumbMediaId } = music;
  return reply(to, 'music', { Music: { Title, Description, MusicUrl, HQMusicUrl, ThumbMediaId } }, options);
}

/** WeChat accepts 1 to 8 articles (only 1 when answering a user message). */
export function replyNews(to: ReplyTarget, articles: readonly Article[], options?: ReplyOptions): WxReply {
  if (articles.length < 1 || articles.length > 8) throw new WxError('a news reply needs 1 to 8 articles');
  const item = articles.map(({ Title, Description, PicUrl, Url }) => ({ Title, Description, PicUrl, Url }));
  return reply(to, 'news', { ArticleCount: articles.length, Articles: { item } }, options);
}

/** Hand the conversation to customer service, optionally to one agent (`kf2001@account`). */
export function replyTransferCustomerService(to: ReplyTarget, kf: { KfAccount?: string } = {}, options?: ReplyOptions): WxReply {
  const body = kf.KfAccount === undefined ? {} : { TransInfo: { KfAccount: kf.KfAccount } };
  return reply(to, 'transfer_customer_service', body, options);
}

export function isReply(value: unknown): value is WxReply {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as WxReply).kind === 'reply' &&
    typeof (value as WxReply).fields === 'object' &&
    (value as WxReply).fields !== null
  );
}

export function renderReplyXml(r: WxReply): string {
  return buildXml(r.fields);
}

/** JSON form for pushes that arrived as JSON (mini program "JSON" data format). */
export function renderReplyJson(r: WxReply): string {
  return JSON.stringify(r.fields);
}
