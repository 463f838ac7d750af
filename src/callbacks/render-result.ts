// Turns what onMessage returned into the HTTP answer: "success", or the rendered reply, sealed with
// a fresh msg_signature when the push came encrypted.

import { WxError } from '../core/errors.js';
import type { WxCrypto } from './msg-crypt.js';
import { sealReply } from './envelope.js';
import { success } from './refusals.js';
import type { PushFormat } from './message.js';
import type { WxMessage } from './message-types.js';
import { isReply, renderReplyJson, renderReplyXml, replyText, type ReplyTarget, type WxReply } from './reply.js';

/**
 * A reply from the builders; a string, sent as a text reply to the sender; or nothing (`undefined`,
 * `null`, `''` or `'success'`), answered with "success".
 */
export type HandlerResult = WxReply | string | void | undefined | null;

export interface RenderContext {
  message: WxMessage;
  format: PushFormat;
  /** Set when the push was encrypted, so the reply is too. */
  crypto: WxCrypto | undefined;
  nowSeconds: number;
  onError: (error: unknown) => void;
}

export function renderResult(result: HandlerResult, ctx: RenderContext): Response {
  if (result === undefined || result === null || result === '' || result === 'success') return success();
  try {
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
