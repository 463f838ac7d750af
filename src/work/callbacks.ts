// The callback handler for WeCom, with the receiveid each kind of URL expects: the corpid for a
// self-built app's URL, the suite id for a suite's instruction URL, "" for an intelligent robot.
// It is the shared handler (verification, replay window, dedupe, replies) with WeCom's rules:
// pushes are always encrypted, so plaintext is refused.
import { WxConfigError } from '../core/errors.js';
import { createMessageHandler, type MessageHandler, type MessageHandlerOptions } from '../callbacks/message-handler.js';

export type WorkMessageHandlerOptions = Omit<MessageHandlerOptions, 'appid' | 'encodingAESKey' | 'allowPlaintext'> & {
  /** The 43-character EncodingAESKey of the callback settings; WeCom always encrypts. */
  encodingAESKey: string;
} & (
    | { /** A self-built (or 代开发) app's receive URL: receiveid = corpid. */ corpid: string; suiteId?: never; robot?: never }
    | { /** A third-party app's instruction URL: receiveid = the suite id. */ suiteId: string; corpid?: never; robot?: never }
    | { /** An intelligent robot's URL (JSON callbacks): receiveid = "". */ robot: true; corpid?: never; suiteId?: never }
  );

/**
 * A web handler for one WeCom callback URL: GET echostr verification (decrypted and answered),
 * POST pushes verified, decrypted with the right receiveid, parsed into typed messages
 * (`event.change_contact`, `info.create_auth`, `aibot.text`, …) and answered with your reply.
 *
 * @example
 * ```ts
 * import { createWorkMessageHandler } from 'wxkit/work';
 * import { replyText } from 'wxkit/server';
 *
 * const handler = createWorkMessageHandler({
 *   corpid: 'ww…', token: process.env.WECOM_TOKEN!, encodingAESKey: process.env.WECOM_AES_KEY!,
 *   onMessage: (m) => (m.kind === 'text' ? replyText(m, `received: ${m.Content}`) : undefined),
 * });
 * ```
 */
export function createWorkMessageHandler(options: WorkMessageHandlerOptions): MessageHandler {
  const o = options as WorkMessageHandlerOptions & { corpid?: string; suiteId?: string; robot?: boolean };
  const given = [o.corpid !== undefined, o.suiteId !== undefined, o.robot === true].filter(Boolean).length;
  if (given !== 1) throw new WxConfigError('createWorkMessageHandler: give exactly one of corpid, suiteId or robot: true');
  const receiveId = o.robot ? '' : (o.corpid ?? o.suiteId)!;
  if (!o.robot && (typeof receiveId !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(receiveId))) {
    throw new WxConfigError(
      `createWorkMessageHandler: ${o.corpid !== undefined ? 'corpid' : 'suiteId'} must be letters and digits, got ${JSON.stringify(receiveId)}`,
    );
  }
  if (typeof o.encodingAESKey !== 'string') throw new WxConfigError('createWorkMessageHandler: encodingAESKey is required (WeCom encrypts every push)');
  const { corpid: _c, suiteId: _s, robot: _r, ...rest } = o;
  return createMessageHandler({ ...rest, appid: receiveId, allowPlaintext: false });
}
