// A WeChat callback endpoint on plain node:http.
//
//   npx tsx examples/callback-node-http.ts              # serve; point the WeChat console at the URL
//   npx tsx examples/callback-node-http.ts --self-test  # push one encrypted message to itself, exit 0
//
// Configuration comes from the environment: WX_TOKEN, WX_ENCODING_AES_KEY, WX_APPID, PORT (default 0,
// any free port), HOST (default 127.0.0.1). The defaults below are demo values, not real credentials.

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCrypto, createMessageHandler, parseMessage, replyNews, toNodeHandler, type HandlerResult, type WxMessage } from '../src/callbacks/index.js';

const token = process.env['WX_TOKEN'] ?? 'wxkitDemoToken';
const encodingAESKey = process.env['WX_ENCODING_AES_KEY'] ?? 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const appid = process.env['WX_APPID'] ?? 'wx0000000000demo';
const host = process.env['HOST'] ?? '127.0.0.1';
const port = Number(process.env['PORT'] ?? 0);
const selfTest = process.argv.includes('--self-test');

function onMessage(message: WxMessage): HandlerResult {
  switch (message.kind) {
    case 'text':
      return `You said: ${message.Content}`;
    case 'event.CLICK':
      return replyNews(message, [{ Title: `Menu ${message.EventKey}`, Description: 'Sent by wxkit', Url: 'https://developers.weixin.qq.com/' }]);
    default:
      return undefined; // answered with "success"
  }
}

// With an encodingAESKey set, unencrypted pushes are refused (403) unless `allowPlaintext: true`:
// their signature covers only the URL, not the body.
const handler = createMessageHandler({ token, encodingAESKey, appid, onMessage });
const server = createServer(toNodeHandler(handler));
await new Promise<void>((resolve) => server.listen(port, host, resolve));
const { port: actualPort } = server.address() as AddressInfo;
const url = `http://${host}:${actualPort}/wechat`;
console.log(`WeChat callback listening on ${url}`);

if (selfTest) {
  try {
    await runSelfTest(url);
    server.close();
    process.exit(0);
  } catch (error) {
    console.error(`self-test failed: ${error instanceof Error ? error.message : String(error)}`);
    server.close();
    process.exit(1);
  }
}

/** Play WeChat: encrypt and sign a text push, send it, then verify and decrypt the reply. */
async function runSelfTest(target: string): Promise<void> {
  const crypto = createCrypto({ token, encodingAESKey, receiveId: appid });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = String(Math.floor(Math.random() * 1e9));
  const inner =
    '<xml><ToUserName><![CDATA[gh_demo]]></ToUserName><FromUserName><![CDATA[openid_demo]]></FromUserName>' +
    `<CreateTime>${timestamp}</CreateTime><MsgType><![CDATA[text]]></MsgType>` +
    `<Content><![CDATA[hello from the self-test]]></Content><MsgId>${Date.now()}</MsgId></xml>`;
  const encrypt = crypto.encrypt(inner);
  const query = new URLSearchParams({
    signature: crypto.signature(timestamp, nonce),
    timestamp,
    nonce,
    encrypt_type: 'aes',
    msg_signature: crypto.signature(timestamp, nonce, encrypt),
  });
  const body = `<xml><ToUserName><![CDATA[gh_demo]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`;
  const response = await fetch(`${target}?${query}`, { method: 'POST', body, headers: { 'content-type': 'text/xml' } });
  if (response.status !== 200) throw new Error(`HTTP ${response.status}`);

  const envelope = parseMessage(await response.text()) as Record<string, unknown>;
  const sealed = String(envelope['Encrypt']);
  if (!crypto.verify(String(envelope['MsgSignature']), String(envelope['TimeStamp']), String(envelope['Nonce']), sealed)) {
    throw new Error('reply signature does not verify');
  }
  const reply = crypto.decrypt(sealed).message;
  console.log('decrypted reply:', reply);
  const parsed = parseMessage(reply);
  if (parsed.kind !== 'text' || parsed.Content !== 'You said: hello from the self-test') {
    throw new Error('unexpected reply content');
  }
  console.log('self-test ok');
}
