// The classic WeChat wire (api.weixin.qq.com, qyapi.weixin.qq.com): failures are HTTP 200 with a
// non-zero errcode, also on endpoints that normally return an image, so every response kind checks
// for a JSON error body before handing bytes or text back.
import { describeEndpointErrcode, TOKEN_ERRCODES } from './errcodes.js';
import { errorLocation, requestCredentials, WxApiError, WxError, WxHttpError, WxNetworkError, WxValidationError } from '../core/errors.js';
import type { TransportResponse } from '../transport/types.js';
import { parseXml } from '../core/xml-parse.js';
import type { AppType } from '../core/enums.js';
import type { BinaryResult, EndpointDescriptor } from '../core/types.js';
import type { Protocol, WireRequest } from './types.js';

export const wechatProtocol: Protocol = {
  name: 'wechat',
  decode: decodeWechat,
  isTokenError: (error) => error instanceof WxApiError && TOKEN_ERRCODES.has(error.errcode),
};

async function decodeWechat(response: TransportResponse, d: EndpointDescriptor, req: WireRequest, appType?: AppType): Promise<unknown> {
  const kind = d.response ?? 'json';
  // Read only when needed: most answers are JSON to JSON endpoints, which never look at it.
  const contentType = () => response.headers.get('content-type') ?? '';

  if ((kind === 'binary' || kind === 'json_or_binary') && response.ok && !/json|text\/plain/i.test(contentType())) {
    const type = contentType();
    const data = new Uint8Array(await readBody(response, req.url, d, (r) => r.arrayBuffer()));
    const result: BinaryResult = { data, contentType: type || 'application/octet-stream' };
    const filename = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(response.headers.get('content-disposition') ?? '')?.[1];
    if (filename) result.filename = decodeURIComponent(filename);
    return result;
  }

  const text = await readBody(response, req.url, d, (r) => r.text());
  const parsed = tryJson(text);
  if (isErrorBody(parsed)) {
    const info = await describeEndpointErrcode(parsed.errcode, d, appType);
    throw new WxApiError({
      errcode: parsed.errcode,
      errmsg: String(parsed.errmsg ?? ''),
      info,
      endpoint: d.id,
      status: response.status,
      secrets: requestCredentials(req),
    });
  }
  if (!response.ok) throw new WxHttpError(response.status, errorLocation(req.url), d.id);
  switch (kind) {
    case 'text':
      return text;
    case 'binary':
      // A JSON answer without an errcode to a binary endpoint: hand back the bytes as they came.
      return { data: new TextEncoder().encode(text), contentType: contentType() } satisfies BinaryResult;
    case 'json_or_binary':
      if (parsed !== undefined) return parsed;
      return { data: new TextEncoder().encode(text), contentType: contentType() } satisfies BinaryResult;
    case 'xml':
      return xmlFields(text, d);
    case 'json':
      if (parsed === undefined)
        throw new WxValidationError('response', [`expected JSON, got ${contentType() || 'no content type'} (${text.length} bytes)`], d.id);
      return parsed;
  }
}

/** An XML answer as an object of its root's children (text values stay strings). */
export function xmlFields(text: string, d: EndpointDescriptor): Record<string, unknown> {
  try {
    const doc = parseXml(text);
    return typeof doc.value === 'string' ? { [doc.root]: doc.value } : doc.value;
  } catch {
    throw new WxValidationError('response', [`expected XML (${text.length} bytes)`], d.id);
  }
}

/**
 * Reads the body; a connection cut half-way (undici's `TypeError: terminated`, a reset) is a
 * network error like any other, so an idempotent call retries it. An abort is left as it is for
 * the call loop to name (deadline or caller).
 */
export async function readBody<T>(response: TransportResponse, url: URL, d: EndpointDescriptor, read: (r: TransportResponse) => Promise<T>): Promise<T> {
  try {
    return await read(response);
  } catch (error) {
    if ((error as Error)?.name === 'AbortError' || error instanceof WxError) throw error;
    throw new WxNetworkError(errorLocation(url), error, d.id);
  }
}

export function tryJson(text: string): unknown {
  // Look at the first non-blank character instead of copying the body with trimStart().
  let i = 0;
  while (i < text.length && (text.charCodeAt(i) <= 32 || text.charCodeAt(i) === 0xfeff)) i++;
  const first = text.charCodeAt(i);
  if (first !== 0x7b && first !== 0x5b) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isErrorBody(v: unknown): v is { errcode: number; errmsg?: unknown } {
  return typeof v === 'object' && v !== null && typeof (v as { errcode?: unknown }).errcode === 'number' && (v as { errcode: number }).errcode !== 0;
}
