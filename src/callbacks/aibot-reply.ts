// Passive replies to WeCom intelligent-robot callbacks (智能机器人). They are JSON objects of the
// robot's own protocol (`msgtype` + an object of that name), not the XML-shaped replies of apps,
// so they have their own type; the handler seals them in the robot's lower-case JSON envelope.
import { WxError } from '../core/errors.js';

/** The JSON a robot reply carries, e.g. `{ msgtype: 'stream', stream: { id, finish, content } }`. */
export interface AibotReplyBody {
  msgtype: string;
  [field: string]: unknown;
}

export interface AibotReply {
  readonly kind: 'aibot_reply';
  readonly body: AibotReplyBody;
}

/** Any robot reply body; see the builders below for the common ones. */
export function aibotReply(body: AibotReplyBody): AibotReply {
  if (typeof body?.msgtype !== 'string' || !body.msgtype) throw new WxError('a robot reply needs a msgtype');
  return { kind: 'aibot_reply', body };
}

/** A text reply (WeCom accepts it as the welcome of an enter_chat event). */
export function aibotText(content: string): AibotReply {
  return aibotReply({ msgtype: 'text', text: { content } });
}

/**
 * One piece of a streamed answer. Answer the first message with a new `id`; WeCom then asks
 * again (`aibot.stream` callbacks with that id) until a reply says `finish: true`.
 */
export function aibotStream(stream: { id: string; content: string; finish?: boolean; msgItem?: unknown[] }): AibotReply {
  if (typeof stream?.id !== 'string' || !stream.id) throw new WxError('a stream reply needs an id');
  const { id, content, finish, msgItem } = stream;
  return aibotReply({ msgtype: 'stream', stream: { id, finish: finish ?? false, content, ...(msgItem ? { msg_item: msgItem } : {}) } });
}

/** A template card (`template_card` object as WeCom documents it). */
export function aibotTemplateCard(card: Record<string, unknown>): AibotReply {
  return aibotReply({ msgtype: 'template_card', template_card: card });
}

export function isAibotReply(value: unknown): value is AibotReply {
  return typeof value === 'object' && value !== null && (value as AibotReply).kind === 'aibot_reply' && typeof (value as AibotReply).body === 'object';
}
