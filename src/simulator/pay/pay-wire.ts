// How the simulated WeChat Pay reads requests and writes answers: the v3 Authorization header and
// its signed message, the `meta` part of a v3 upload, v2 XML fields and their `sign`, and answers
// signed the way WeChat Pay signs them.
import { createVerify, randomBytes, type KeyObject } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { buildXml, type XmlBuildObject } from '../../core/xml-build.js';
import { parseXml } from '../../core/xml-parse.js';
import { signV2, signV3, type V2SignType } from '../../pay/signatures.js';

export interface V3Authorization {
  mchid: string;
  serial_no: string;
  nonce_str: string;
  timestamp: string;
  signature: string;
}

/** The fields of `WECHATPAY2-SHA256-RSA2048 mchid="…",serial_no="…",…`, or why it cannot be read. */
export function readAuthorization(header: string | undefined): V3Authorization | string {
  if (!header) return 'Authorization header is missing';
  if (!header.startsWith('WECHATPAY2-SHA256-RSA2048 ')) return 'Authorization is not WECHATPAY2-SHA256-RSA2048';
  const fields = Object.fromEntries([...header.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
  for (const k of ['mchid', 'serial_no', 'nonce_str', 'timestamp', 'signature']) if (!fields[k]) return `Authorization lacks ${k}`;
  return fields as unknown as V3Authorization;
}

/** RSA-SHA256 over `METHOD\nPATH?QUERY\ntimestamp\nnonce\nbody\n` under the merchant's public key. */
export function verifyRequestSignature(method: string, pathWithQuery: string, auth: V3Authorization, body: string, merchantKey: KeyObject): boolean {
  try {
    return createVerify('RSA-SHA256')
      .update(`${method}\n${pathWithQuery}\n${auth.timestamp}\n${auth.nonce_str}\n${body}\n`, 'utf8')
      .verify(merchantKey, auth.signature, 'base64');
  } catch {
    return false;
  }
}

/** The multipart parts of a body by name (their bytes), enough for a v3 upload's `meta` and `file`. */
export function multipartParts(contentType: string, body: Buffer): Map<string, Buffer> {
  const parts = new Map<string, Buffer>();
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  if (!boundary) return parts;
  const text = body.toString('latin1');
  for (const chunk of text.split(`--${boundary[1] ?? boundary[2]}`)) {
    const head = chunk.indexOf('\r\n\r\n');
    if (head < 0) continue;
    const name = /name="([^"]*)"/.exec(chunk.slice(0, head))?.[1];
    if (name === undefined) continue;
    const value = chunk.slice(head + 4).replace(/\r\n$/, '');
    parts.set(name, Buffer.from(value, 'latin1'));
  }
  return parts;
}

/** The top-level fields of a v2 XML body, or undefined when it is not XML. */
export function xmlBodyFields(text: string): Record<string, string> | undefined {
  try {
    const doc = parseXml(text);
    if (typeof doc.value === 'string') return undefined;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(doc.value)) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
    return out;
  } catch {
    return undefined;
  }
}

/** MD5 unless the request names HMAC-SHA256 (or, without sign_type, carries a 64-hex sign). */
export function v2SignTypeOf(fields: Record<string, string>): V2SignType {
  if (fields.sign_type === 'HMAC-SHA256') return 'HMAC-SHA256';
  if (fields.sign_type === undefined && /^[0-9A-Fa-f]{64}$/.test(fields.sign ?? '')) return 'HMAC-SHA256';
  return 'MD5';
}

export interface AnswerSigner {
  serial: string;
  privateKey: KeyObject;
}

/** Wechatpay-* headers over `body`, as WeChat Pay signs answers and notifications. */
export function wechatpayHeaders(body: string, signer: AnswerSigner, nowSeconds: number): Record<string, string> {
  const timestamp = String(nowSeconds);
  const nonce = randomBytes(16).toString('hex').toUpperCase();
  return {
    'wechatpay-timestamp': timestamp,
    'wechatpay-nonce': nonce,
    'wechatpay-serial': signer.serial,
    'wechatpay-signature-type': 'WECHATPAY2-SHA256-RSA2048',
    'wechatpay-signature': signV3(`${timestamp}\n${nonce}\n${body}\n`, signer.privateKey),
  };
}

export function requestId(): string {
  return `08${randomBytes(14).toString('hex').toUpperCase()}`;
}

/** A v3 answer: JSON (or nothing for 204), with the signature headers unless `signed` is false. */
export function sendV3(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    'request-id': requestId(),
    ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}),
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** A v2 XML answer; signed with the merchant's key when `key` is given. */
export function v2Xml(fields: Record<string, unknown>, key?: string, signType: V2SignType = 'MD5'): string {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined || v === null || k === 'sign') continue;
    out[k] = typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  if (key !== undefined) out.sign = signV2(out, key, signType);
  return buildXml(out as XmlBuildObject);
}

export function sendXml(res: ServerResponse, status: number, xml: string): void {
  res.writeHead(status, { 'content-type': 'text/xml; charset=utf-8', 'content-length': Buffer.byteLength(xml) });
  res.end(xml);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** RFC 3339 in China time, as WeChat Pay writes times: `2026-12-02T18:04:05+08:00`. */
export function chinaTime(ms: number): string {
  return `${new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19)}+08:00`;
}

/** `yyyyMMddHHmmss` in China time (v2 time_end). */
export function chinaCompact(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19).replace(/[-:T]/g, '');
}
