// WeChat Pay API v3: REST over JSON on api.mch.weixin.qq.com. A success is a 2xx whose signature
// verifies under the key its `Wechatpay-Serial` names; a failure is a 4xx/5xx with
// `{ code, message, detail }`. Data is handed back only after verification: an answer that does not
// verify is an error, whatever it says.
import type { KeyObject } from 'node:crypto';
import { WxCryptoError, WxPayError } from '../core/errors.js';
import { verifyV3 } from '../pay/signatures.js';
import type { BinaryResult, EndpointDescriptor } from '../core/types.js';
import type { TransportResponse } from '../transport/types.js';
import type { Protocol, WireRequest } from './types.js';
import { readBody, tryJson } from './wechat.js';

/** Finds the key for a serial: `PUB_KEY_ID_…` → the WeChat Pay public key, a certificate serial → that certificate. */
export type PayKeyResolver = (serial: string) => Promise<string | KeyObject | undefined> | string | KeyObject | undefined;

export interface PayV3ProtocolOptions {
  keyFor: PayKeyResolver;
  /** Allowed clock difference, in seconds, either side (default 300, as WeChat documents). */
  maxSkewSeconds?: number;
  now?: () => number;
}

export function payV3Protocol(options: PayV3ProtocolOptions): Protocol {
  const skew = options.maxSkewSeconds ?? 300;
  const now = options.now ?? Date.now;
  return {
    name: 'pay_v3',
    isTokenError: () => false,
    async decode(response: TransportResponse, d: EndpointDescriptor, req: WireRequest): Promise<unknown> {
      if (d.response === 'binary' && response.ok) {
        // File downloads (Bill.downloadBill's /v3/billdownload/file) are not signed by WeChat Pay:
        // the bytes are handed back as they came, to be checked against the apply answer's
        // hash_value (pay.downloadBill() streams, gunzips and checks them itself).
        const data = new Uint8Array(await readBody(response, req.url, d, (r) => r.arrayBuffer()));
        return { data, contentType: response.headers.get('content-type') || 'application/octet-stream' } satisfies BinaryResult;
      }
      const text = await readBody(response, req.url, d, (r) => r.text());
      if (!response.ok) {
        const body = tryJson(text) as { code?: unknown; message?: unknown; detail?: unknown } | undefined;
        throw new WxPayError({
          version: 'v3',
          status: response.status,
          code: typeof body?.code === 'string' ? body.code : `HTTP_${response.status}`,
          message: typeof body?.message === 'string' ? body.message : text.slice(0, 200),
          detail: body?.detail,
          endpoint: d.id,
        });
      }
      await verifyAnswer(response.headers, text, d.id, options.keyFor, skew, now());
      if (d.response === 'text') return text;
      if (!text) return {};
      const parsed = tryJson(text);
      if (parsed === undefined)
        throw new WxPayError({ version: 'v3', status: response.status, code: 'INVALID_RESPONSE', message: 'expected JSON', endpoint: d.id });
      return parsed;
    },
  };
}

/** Shared by answers and notifications: the signature headers, checked before anything is parsed. */
export async function verifyAnswer(
  headers: Headers,
  body: string,
  endpoint: string | undefined,
  keyFor: PayKeyResolver,
  skewSeconds: number,
  nowMs: number,
): Promise<void> {
  const timestamp = headers.get('wechatpay-timestamp') ?? '';
  const nonce = headers.get('wechatpay-nonce') ?? '';
  const signature = headers.get('wechatpay-signature') ?? '';
  const serial = headers.get('wechatpay-serial') ?? '';
  const label = endpoint ? `${endpoint}: ` : '';
  if (!timestamp || !nonce || !signature || !serial)
    throw new WxCryptoError('signature', `${label}WeChat Pay answer is not signed (Wechatpay-* headers missing)`);
  if (signature.startsWith('WECHATPAY/SIGNTEST/'))
    throw new WxCryptoError('signature', `${label}WeChat Pay signature probe (WECHATPAY/SIGNTEST): not a real answer`);
  const t = Number(timestamp);
  if (!Number.isInteger(t) || Math.abs(nowMs / 1000 - t) > skewSeconds) {
    throw new WxCryptoError(
      'timestamp',
      `${label}WeChat Pay answer timestamp ${JSON.stringify(timestamp.slice(0, 20))} is more than ${skewSeconds} s from now`,
    );
  }
  const key = await keyFor(serial);
  if (!key) throw new WxCryptoError('key', `${label}no WeChat Pay public key or platform certificate for serial ${JSON.stringify(serial.slice(0, 64))}`);
  if (!verifyV3({ timestamp, nonce, body, signature, serial }, key))
    throw new WxCryptoError('signature', `${label}WeChat Pay answer signature does not verify (serial ${serial.slice(0, 64)})`);
}
