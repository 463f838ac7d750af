// The 全网发布 (release) test. Before a platform goes live, WeChat sends these to the message URL
// of its own test accounts and checks the answers:
//   - an event           → a text reply `<Event>from_callback`
//   - text TESTCOMPONENT_MSG_TYPE_TEXT → a text reply `TESTCOMPONENT_MSG_TYPE_TEXT_callback`
//   - text QUERY_AUTH_CODE:<code>      → an empty answer at once, then `<code>_from_api` sent through
//                                        the customer-service API with the token that code gives
// Events are answered this way only for WeChat's test official account (a real user's events must
// reach your handler); the two texts are answered for any account (no real user sends them).
import type { HandlerResult } from '../callbacks/render-result.js';
import { replyText, type ReplyTarget } from '../callbacks/reply.js';
import type { WxMessage } from '../callbacks/message-types.js';
import * as Platform from '../../generated/component/component.js';
import { WxApiError } from '../core/errors.js';
import { kInternals, type ComponentWithInternals } from './internals.js';

/** WeChat's own accounts used by the 全网发布 test. */
export const RELEASE_TEST_APPIDS = { official_account: 'wx570bc396a51b8ff8', mini_program: 'wxd101a85aa106f53e' } as const;
/** Whose events are answered `<Event>from_callback` unless the handler is told otherwise. */
export const DEFAULT_EVENT_TEST_APPIDS: readonly string[] = [RELEASE_TEST_APPIDS.official_account];

export const TEST_TEXT = 'TESTCOMPONENT_MSG_TYPE_TEXT';
export const QUERY_AUTH_CODE = 'QUERY_AUTH_CODE:';

/** What to answer, or `undefined` when the message is not part of the test. */
export function releaseTestReply(
  component: ComponentWithInternals,
  message: WxMessage,
  authorizerAppid: string | undefined,
  testAppids: readonly string[],
): { result: HandlerResult } | undefined {
  const m = message as unknown as Record<string, unknown>;
  const target = m as unknown as ReplyTarget;
  if (typeof m['FromUserName'] !== 'string' || typeof m['ToUserName'] !== 'string') return undefined;
  if (m['MsgType'] === 'text' && typeof m['Content'] === 'string') {
    const content = m['Content'];
    if (content === TEST_TEXT) return { result: replyText(target, `${TEST_TEXT}_callback`) };
    if (content.startsWith(QUERY_AUTH_CODE)) {
      const code = content.slice(QUERY_AUTH_CODE.length).trim();
      if (!code) return undefined;
      void answerThroughApi(component, code, m['FromUserName'], authorizerAppid);
      return { result: '' };
    }
    return undefined;
  }
  if (m['MsgType'] === 'event' && typeof m['Event'] === 'string' && authorizerAppid !== undefined && testAppids.includes(authorizerAppid)) {
    return { result: replyText(target, `${m['Event']}from_callback`) };
  }
  return undefined;
}

async function answerThroughApi(component: ComponentWithInternals, code: string, openid: string, authorizerAppid: string | undefined): Promise<void> {
  const internals = component[kInternals];
  try {
    // The test account is not stored as an authorizer: its token is used once, for this message.
    const { authorization_info: auth } = await Platform.queryAuth(component.client, { component_appid: component.componentAppid, authorization_code: code });
    const appType = auth.authorizer_appid === RELEASE_TEST_APPIDS.mini_program ? 'mini_program' : 'official_account';
    if (!auth.authorizer_access_token)
      throw new WxApiError({ errcode: 61003, errmsg: 'the test account granted no API permission set', info: { category: 'permission' } });
    const client = internals.fixedTokenClient(auth.authorizer_appid, auth.authorizer_access_token, appType);
    await client.request({
      method: 'POST',
      path: '/cgi-bin/message/custom/send',
      body: { touser: openid, msgtype: 'text', text: { content: `${code}_from_api` } },
    });
  } catch (error) {
    await internals.emitter.report('autotest', error, authorizerAppid);
  }
}
