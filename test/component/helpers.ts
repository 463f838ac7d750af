// A component served on a real node:http server, routed the way wechat-open-toolkit's README
// mounts it: events, authorizer messages, the auth redirect and authorizer web OAuth.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toNodeHandler, type ComponentMessageHandlerOptions, type WxComponent } from '../../src/component/index.js';

export interface Served {
  url: string;
  eventUrl: string;
  messageUrl: string;
  redirectUri: string;
  oauthUrl(authorizerAppid: string): string;
  close(): Promise<void>;
}

export async function serveComponent(component: WxComponent, message: ComponentMessageHandlerOptions = {}): Promise<Served> {
  const c = component.componentAppid;
  const events = toNodeHandler(component.eventHandler());
  const messages = toNodeHandler(component.messageHandler(message));
  const redirect = toNodeHandler(component.authRedirectHandler());
  const oauth = toNodeHandler(
    component.oauthHandler({
      scope: 'snsapi_userinfo',
      onUser: (user) => Response.json({ openid: user.openid, nickname: user.userInfo?.nickname, authorizerAppid: user.authorizerAppid }),
    }),
  );
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/wechat/events') return events(req, res);
    if (path.startsWith(`/wechat/message/${c}/`)) return messages(req, res);
    if (path === '/wechat/auth/callback') return redirect(req, res);
    if (path.startsWith(`/wechat/oauth/${c}/`)) return oauth(req, res);
    res.statusCode = 404;
    res.end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    eventUrl: `${url}/wechat/events`,
    messageUrl: `${url}/wechat/message/${c}/$APPID$`,
    redirectUri: `${url}/wechat/auth/callback`,
    oauthUrl: (a) => `${url}/wechat/oauth/${c}/${a}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function tempDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'wxkit-component-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Serves the component's event URL just long enough for the simulator to push a verify ticket to it. */
export async function deliverTicket(
  sim: { pushVerifyTicket(c: string, url?: string): Promise<{ status: number; ticket: string }> },
  component: WxComponent,
): Promise<string> {
  const events = toNodeHandler(component.eventHandler());
  const server = createServer(events);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const push = await sim.pushVerifyTicket(component.componentAppid, `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`);
    if (push.status !== 200) throw new Error(`ticket push answered ${push.status}`);
    return push.ticket;
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
