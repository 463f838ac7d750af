// WeChat's 全网发布 (release) test script against a component's message URL: a LOCATION event, a
// text, then QUERY_AUTH_CODE answered later through the customer-service API.
import { randomBytes } from 'node:crypto';
import { createCrypto } from '../../callbacks/msg-crypt.js';
import { parseMessage } from '../../callbacks/message.js';
import { push } from './pushes.js';
import type { PlatformState } from './platform-state.js';
import { RELEASE_TEST_APPIDS, type CustomMessage, type ReleaseTestResult, type ReleaseTestStep } from './platform-types.js';

export async function runReleaseTest(
  p: PlatformState,
  componentAppid: string,
  messageUrl: string,
  options: { timeoutMs?: number } = {},
): Promise<ReleaseTestResult> {
  const c = p.component(componentAppid);
  const appid = RELEASE_TEST_APPIDS.official_account;
  p.ensureApp(appid, 'official_account');
  const key = `${componentAppid}/${appid}`;
  if (!p.authorizers.has(key)) {
    p.authorizers.set(key, {
      appType: 'official_account',
      refreshToken: `refreshtoken@@@SIM_${randomBytes(18).toString('base64url')}`,
      authTime: p.seconds(),
      funcInfo: [1, 2, 3],
      options: {},
    });
  }
  const url = messageUrl.includes('$APPID$') ? messageUrl.replaceAll('$APPID$', appid) : `${messageUrl.replace(/\/+$/, '')}/${appid}`;
  const user = 'ozy4qt5QUADNXORxCVipKMV9dss0';
  const account = 'gh_3c884a361561';
  const crypto = createCrypto({ token: c.token, encodingAESKey: c.encodingAESKey, receiveId: componentAppid });
  const base = { ToUserName: account, FromUserName: user, CreateTime: p.seconds() };
  const steps: ReleaseTestStep[] = [];

  const expectText = async (name: ReleaseTestStep['name'], inner: Record<string, string | number>, expected: string) => {
    try {
      const r = await push(p, c, url, inner);
      if (r.status !== 200) return steps.push({ name, passed: false, detail: `HTTP ${r.status}: ${r.body.slice(0, 100)}` });
      const reply = readReply(crypto, r.body);
      const ok = reply?.MsgType === 'text' && reply.Content === expected && reply.ToUserName === user && reply.FromUserName === account;
      steps.push({
        name,
        passed: ok,
        detail: ok ? `replied ${expected}` : `expected a text reply ${JSON.stringify(expected)}, got ${describeReply(reply, r.body)}`,
      });
    } catch (e) {
      steps.push({ name, passed: false, detail: (e as Error).message });
    }
  };

  await expectText(
    'event',
    { ...base, MsgType: 'event', Event: 'LOCATION', Latitude: 23.137466, Longitude: 113.352425, Precision: 119.38504 },
    'LOCATIONfrom_callback',
  );
  await expectText(
    'text',
    { ...base, MsgType: 'text', Content: 'TESTCOMPONENT_MSG_TYPE_TEXT', MsgId: String(Date.now()) },
    'TESTCOMPONENT_MSG_TYPE_TEXT_callback',
  );

  // Step 3: an auth code in a text; the handler must answer at once (empty) and later send
  // `<code>_from_api` through the customer-service API with the token the code gives.
  try {
    const code = p.issueAuthCode(componentAppid, appid);
    const started = Date.now();
    const r = await push(p, c, url, { ...base, MsgType: 'text', Content: `QUERY_AUTH_CODE:${code}`, MsgId: String(Date.now() + 1) });
    const elapsed = Date.now() - started;
    const emptyAnswer = r.status === 200 && (r.body === '' || r.body === 'success');
    if (!emptyAnswer || elapsed > 5000) {
      steps.push({
        name: 'api',
        passed: false,
        detail: `expected an empty answer within 5 s, got HTTP ${r.status} ${JSON.stringify(r.body.slice(0, 60))} after ${elapsed} ms`,
      });
    } else {
      const expected = `${code}_from_api`;
      const deadline = Date.now() + (options.timeoutMs ?? 5000);
      let found: CustomMessage | undefined;
      while (!found && Date.now() < deadline) {
        found = p.customMessages.find((m) => m.appid === appid && m.touser === user && m.content === expected);
        if (!found) await new Promise((res) => setTimeout(res, 20));
      }
      steps.push({
        name: 'api',
        passed: Boolean(found),
        detail: found
          ? `customer-service message ${expected} received`
          : `no customer-service message ${JSON.stringify(expected)} to ${user} within ${options.timeoutMs ?? 5000} ms`,
      });
    }
  } catch (e) {
    steps.push({ name: 'api', passed: false, detail: (e as Error).message });
  }
  return { passed: steps.every((s) => s.passed), steps };
}

function readReply(crypto: ReturnType<typeof createCrypto>, body: string): Record<string, unknown> | undefined {
  if (!body || body === 'success') return undefined;
  const outer = parseMessage(body) as Record<string, unknown>;
  const sealed = outer.Encrypt;
  if (typeof sealed !== 'string') throw new Error('the reply is not encrypted');
  if (!crypto.verify(String(outer.MsgSignature), String(outer.TimeStamp), String(outer.Nonce), sealed)) throw new Error('the reply signature does not verify');
  return parseMessage(crypto.decrypt(sealed).message) as Record<string, unknown>;
}

function describeReply(reply: Record<string, unknown> | undefined, raw: string): string {
  if (!reply) return JSON.stringify(raw.slice(0, 60));
  return `${String(reply.MsgType)} ${JSON.stringify(reply.Content ?? '')}`;
}
