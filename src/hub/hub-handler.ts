// The hub's web handler: the open /health route, the open callback routes (WeCom pushes suite
// tickets to `/callback/work/suite/<suiteId>`, signed with the suite's token: WeCom cannot send the
// hub secret), the shared-secret check, then the route table (routes.ts) with its method,
// parameter and appid checks; any failure becomes a JSON answer.
import { createHash, timingSafeEqual } from 'node:crypto';
import { APPID } from '../core/appid.js';
import type { Logger } from '../core/runtime.js';
import { error, failure, json } from './answers.js';
import type { HubRoute } from './routes.js';

const MAX_BODY = 16 * 1024;

/** A handler that authenticates its own requests (a callback URL), found by path. */
export type OpenRoutes = (path: string) => ((request: Request) => Promise<Response>) | undefined;

export function createHubHandler(
  secret: string,
  routes: Record<string, HubRoute>,
  logger: Logger,
  openRoutes?: OpenRoutes,
): (request: Request) => Promise<Response> {
  const secretDigest = digest(secret);

  async function route(request: Request, url: URL): Promise<Response> {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (path === '/health') {
      if (request.method !== 'GET' && request.method !== 'HEAD') return error(405, 'method_not_allowed', 'use GET /health');
      return json(200, { status: 'ok' });
    }
    const open = openRoutes?.(path);
    if (open) return open(request);
    if (!authorized(request.headers.get('authorization'), secretDigest)) {
      return error(401, 'unauthorized', 'missing or wrong hub secret (send Authorization: Bearer <secret>)');
    }
    const entry = routes[path];
    if (!entry) return error(404, 'not_found', `no route ${request.method} ${path}`);
    const method = entry.method;
    if (request.method !== method) return error(405, 'method_not_allowed', `use ${method} ${path}`);

    const params = method === 'GET' ? Object.fromEntries(url.searchParams) : await readParams(request);
    if (params instanceof Response) return params;
    const appid = params.appid;
    const authorizerAppid = params.authorizer_appid || undefined;
    if (!appid || !APPID.test(appid)) return error(400, 'bad_request', 'appid is required');
    if (authorizerAppid !== undefined && !APPID.test(authorizerAppid)) return error(400, 'bad_request', 'authorizer_appid is malformed');
    return entry.answer({ params, appid, authorizerAppid });
  }

  return async function handler(request: Request): Promise<Response> {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return error(400, 'bad_request', 'bad request URL');
    }
    try {
      return await route(request, url);
    } catch (e) {
      return failure(e, logger);
    }
  };
}

async function readParams(request: Request): Promise<Record<string, string> | Response> {
  const text = await request.text();
  if (text.length > MAX_BODY) return error(413, 'bad_request', 'body too large');
  const type = request.headers.get('content-type') ?? '';
  if (type.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  if (!text.trim()) return {};
  try {
    const body = JSON.parse(text) as unknown;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return error(400, 'bad_request', 'body must be a JSON object');
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(body)) if (typeof v === 'string') out[k] = v;
    return out;
  } catch {
    return error(400, 'bad_request', 'body must be JSON (or form-encoded)');
  }
}

function authorized(header: string | null, expected: Buffer): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  // Hashing first gives equal lengths, so the comparison time says nothing about the secret.
  return timingSafeEqual(digest(match?.[1]?.trim() ?? ''), expected) && match !== null;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
