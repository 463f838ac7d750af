// A whole third-party platform (第三方平台) on plain node:http, against the local simulator.
//
//   npx tsx examples/component-node-http.ts              # serve; the simulator pushes a ticket, then waits
//   npx tsx examples/component-node-http.ts --self-test  # ticket → authorize → calls → 全网发布, exit 0
//
// Routes, as in the platform's settings on open.weixin.qq.com:
//   POST /wechat/events                                授权事件接收URL (verify tickets, authorizations)
//   POST /wechat/message/<componentAppid>/<appid>      消息与事件接收URL (…/$APPID$)
//   GET  /wechat/auth                                  a page that sends the merchant to WeChat's auth page
//   GET  /wechat/auth/callback                         the auth page's redirect_uri (auth_code)
//   GET  /wechat/oauth/<componentAppid>/<appid>        web OAuth of an authorizer's users
//
// Tokens, the verify ticket and refresh tokens live in WXKIT_COMPONENT_DIR (a temporary directory
// by default): restart the process and it carries on without waiting for the next ticket.
// In your app, import from 'wxkit', 'wxkit/component', … instead of the relative paths.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CustomService, Material } from '../generated/official-account/index.js';
import { createComponent, toNodeHandler } from '../src/component/index.js';
import { fileStorage } from '../src/index.js';
import { DEMO_COMPONENTS, startSimulator } from '../src/simulator/index.js';

const selfTest = process.argv.includes('--self-test');
const platform = DEMO_COMPONENTS[0]!; // demo credentials the simulator knows; not real ones
const dir = process.env['WXKIT_COMPONENT_DIR'] ?? mkdtempSync(join(tmpdir(), 'wxkit-component-'));
const sim = await startSimulator();

const component = createComponent({
  componentAppid: platform.componentAppid,
  componentAppsecret: platform.componentAppsecret,
  token: platform.token,
  encodingAESKey: platform.encodingAESKey,
  storage: fileStorage({ dir }),
  baseUrl: sim.url, // omit in production
});

component.on('component_verify_ticket', (e) => console.log(`verify ticket stored (CreateTime ${e.createTime})`));
component.on('authorized', (e) => console.log(`authorized by ${e.authorizerAppid} (${e.authorizer.appType}, "${e.authorizer.nickName}") via ${e.source}`));
component.on('unauthorized', (e) => console.log(`unauthorized by ${e.authorizerAppid}`));
component.on('error', (e) => console.error(`[${e.stage}] ${e.error instanceof Error ? e.error.message : String(e.error)}`));

const c = platform.componentAppid;
const server = createServer((req, res) => route(req, res));
await new Promise<void>((resolve) => server.listen(Number(process.env['PORT'] ?? 0), '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`; // your public https URL in production
console.log(`component ${c} listening on ${base} (store: ${dir})`);

const events = toNodeHandler(component.eventHandler());
const messages = toNodeHandler(
  component.messageHandler({
    // WeChat's 全网发布 test is answered before this runs.
    onMessage(message) {
      if (message.kind === 'text') return `You said: ${message.Content}`;
      return undefined;
    },
  }),
);
const authPage = toNodeHandler(component.authPageHandler({ redirectUri: `${base}/wechat/auth/callback` }));
const authCallback = toNodeHandler(component.authRedirectHandler());
const oauth = toNodeHandler(
  component.oauthHandler({
    scope: 'snsapi_userinfo',
    onUser: (user) => Response.json({ openid: user.openid, nickname: user.userInfo?.nickname }),
  }),
);

function route(req: IncomingMessage, res: ServerResponse): void {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (path === '/wechat/events') return events(req, res);
  if (path.startsWith(`/wechat/message/${c}/`)) return messages(req, res);
  if (path === '/wechat/auth') return authPage(req, res);
  if (path === '/wechat/auth/callback') return authCallback(req, res);
  if (path.startsWith(`/wechat/oauth/${c}/`)) return oauth(req, res);
  res.writeHead(404).end('not found');
}

async function shutdown(code: number): Promise<never> {
  server.closeAllConnections();
  server.close();
  await sim.close();
  if (!process.env['WXKIT_COMPONENT_DIR']) rmSync(dir, { recursive: true, force: true });
  process.exit(code);
}

if (!selfTest) {
  // WeChat pushes a ticket every 10 minutes; the simulator pushes one now.
  await sim.pushVerifyTicket(c, `${base}/wechat/events`);
  console.log(`open ${base}/wechat/auth to see the authorization link; Ctrl-C to stop`);
  process.on('SIGINT', () => void shutdown(0));
} else {
  try {
    await runSelfTest();
    console.log('self-test ok');
    await shutdown(0);
  } catch (error) {
    console.error(`self-test failed: ${error instanceof Error ? error.message : String(error)}`);
    await shutdown(1);
  }
}

async function runSelfTest(): Promise<void> {
  const check = (ok: boolean, what: string) => {
    if (!ok) throw new Error(what);
  };
  // 1. No ticket yet: a clear error, not a call WeChat would refuse.
  const early = await component.getComponentAccessToken().catch((e: Error) => e);
  check(early instanceof Error && /no component_verify_ticket/.test(early.message), 'expected a missing-ticket error');

  // 2. WeChat pushes the ticket to the event URL.
  const push = await sim.pushVerifyTicket(c, `${base}/wechat/events`);
  check(push.status === 200, `ticket push answered ${push.status}`);

  // 3. A merchant opens our auth page, follows the link to WeChat, and authorizes an official account.
  const page = await (await fetch(`${base}/wechat/auth`)).text();
  const authUrl = /href="([^"]+)"/.exec(page)?.[1]?.replaceAll('&amp;', '&');
  check(Boolean(authUrl), 'the auth page has no link');
  const authorizer = 'wx00000000000000a1';
  const auth = await sim.authorize(c, authorizer, { authUrl });
  check(auth.redirect?.status === 200, `redirect answered ${auth.redirect?.status}`);

  // 4. Calls as the authorizer: its access_token is managed like any client's.
  const oa = component.authorizer(authorizer);
  const materials = await Material.batchGetMaterial(oa, { type: 'news', offset: 0, count: 10 });
  console.log(`authorizer has ${materials.total_count} news materials`);
  await CustomService.sendMessage(oa, { touser: 'oUserOfTheAuthorizer', msgtype: 'text', text: { content: 'Hello from the platform' } });
  check(sim.customMessages(authorizer).length === 1, 'customer-service message not received');

  // 5. WeChat's 全网发布 test against the message URL.
  const release = await sim.runReleaseTest(c, `${base}/wechat/message/${c}/$APPID$`);
  for (const step of release.steps) console.log(`全网发布 ${step.name}: ${step.passed ? 'pass' : 'FAIL'} (${step.detail})`);
  check(release.passed, '全网发布 test failed');

  // 6. A restart: a new instance on the same directory works at once.
  const restarted = createComponent({ ...platform, storage: fileStorage({ dir }), baseUrl: sim.url });
  await restarted.storage.delete(`wxkit:${c}:component_access_token`);
  await restarted.createPreAuthCode();
  console.log('restarted instance fetched a component token with the stored ticket');
}
