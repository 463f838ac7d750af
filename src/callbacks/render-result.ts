// Turns what onMessage returned into the HTTP answer: "success", or the rendered reply, sealed with
// a fresh msg_signature when the push came encrypted.

import { WxError } from '../core/errors.js';
import type { WxCrypto } from './msg-crypt.js';
import { sealReply } from './envelope.js';
import { success } from './refusals.js';
import type { PushFormat } from './message.js';
import type { WxMessage } from './message-types.js';
import { isAibotReply, type AibotReply } from './aibot-reply.js';
import { isReply, renderReplyJson, renderReplyXml, replyText, type ReplyTarget, type WxReply } from './reply.js';

/**
 * A reply from the builders; a string, sent as a text reply to the sender; or nothing (`undefined`,
 * `null`, `''` or `'success'`), answered with "success".
 */
export type HandlerResult = WxReply | AibotReply | string | void | undefined | null;

export interface RenderContext {
  message: WxMessage;
  format: PushFormat;
  /** Set when the push was encrypted, so the reply is too. */
  crypto: WxCrypto | undefined;
  nowSeconds: number;
  onError: (error: unknown) => void;
  /** A WeCom robot push (lower-case JSON envelope): replies are robot JSON, "nothing" is an empty body. */
  aibot?: boolean;
}

export function renderResult(result: HandlerResult, ctx: RenderContext): Response {
  if (ctx.aibot) return renderAibot(result, ctx);
  if (result === undefined || result === null || result === '' || result === 'success') return success();
  try {
    if (isAibotReply(result)) throw new WxError('a robot reply (aibotText, aibotStream…) answers only a robot callback');
    let reply: WxReply;
    if (typeof result === 'string') {
      reply = replyText(ctx.message as unknown as ReplyTarget, result, { createTime: ctx.nowSeconds });
    } else if (isReply(result)) {
      reply = result;
    } else {
      throw new WxError('onMessage must return a reply from the reply builders, a string, or nothing');
    }
    const body = ctx.format === 'json' ? renderReplyJson(reply) : renderReplyXml(reply);
    const payload = ctx.crypto ? sealReply(ctx.crypto, body, ctx.format, ctx.nowSeconds) : body;
    const type = ctx.format === 'json' ? 'application/json' : 'application/xml';
    return new Response(payload, { status: 200, headers: { 'content-type': `${type}; charset=utf-8` } });
  } catch (error) {
    ctx.onError(error);
    return success();
  }
}

/** The robot wants an empty body for "nothing to say", and its replies sealed in lower case. */
function renderAibot(result: HandlerResult, ctx: RenderContext): Response {
  const empty = (): Response => new Response('', { status: 200 });
  if (result === undefined || result === null || result === '' || result === 'success') return empty();
  try {
    let body: unknown;
    if (typeof result === 'string') body = { msgtype: 'text', text: { content: result } };
    else if (isAibotReply(result)) body = result.body;
    else throw new WxError('a robot callback is answered with aibotText / aibotStream / aibotTemplateCard / aibotReply, a string, or nothing');
    if (!ctx.crypto) throw new WxError('robot callbacks are always encrypted');
    const payload = sealReply(ctx.crypto, JSON.stringify(body), 'json', ctx.nowSeconds, true);
    return new Response(payload, { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' } });
  } catch (error) {
    ctx.onError(error);
    return empty();
  }
}
