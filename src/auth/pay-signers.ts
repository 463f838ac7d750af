// The two WeChat Pay auth schemes. v3 signs method, path with query, a timestamp, a nonce and the
// final body into the Authorization header; v2 adds mch_id / appid / nonce_str and a `sign` to the
// body fields and re-encodes it (or, on a GET, to the query). Both overwrite what they set, so a
// retried request is re-signed.
import { randomBytes, type KeyObject } from 'node:crypto';
import { WxValidationError } from '../core/errors.js';
import { encodeBody } from '../protocols/encode.js';
import { signV2, signV3, v3Message, type V2SignType } from '../pay/signatures.js';
import type { WireRequest } from '../protocols/types.js';
import type { Authenticator } from './schemes.js';

export interface PayV3Credentials {
  mchid: string;
  /** Serial number of the merchant API certificate. */
  serialNo: string;
  privateKey: string | KeyObject;
  now?: () => number;
  /** Runs first on every attempt, before anything is signed: Pay encrypts sensitive fields here. */
  prepare?: (req: WireRequest) => Promise<void>;
}

export function payV3Authenticator(c: PayV3Credentials): Authenticator {
  const now = c.now ?? Date.now;
  return {
    async apply(req) {
      await c.prepare?.(req);
      const timestamp = Math.floor(now() / 1000);
      const nonce = randomBytes(16).toString('hex');
      // A v3 upload (multipart) is signed over its `meta` part, the JSON that describes the file.
      const body = typeof req.body === 'string' ? req.body : req.body instanceof FormData ? metaOf(req.body) : '';
      const signature = signV3(v3Message({ method: req.method, url: req.url, timestamp, nonce, body }), c.privateKey);
      req.headers['authorization'] =
        `WECHATPAY2-SHA256-RSA2048 mchid="${c.mchid}",nonce_str="${nonce}",timestamp="${timestamp}",serial_no="${c.serialNo}",signature="${signature}"`;
      req.headers['accept'] ??= 'application/json';
      return undefined;
    },
  };
}

function metaOf(form: FormData): string {
  const meta = form.get('meta');
  return typeof meta === 'string' ? meta : '';
}

export interface PayV2Credentials {
  mchid: string;
  /** The API key (APIv2 key), 32 characters. */
  key: string;
  /** Added as `appid` when the request has none. */
  appid?: string;
  /** The client's default; a request's own `sign_type` (a catalog constant on HMAC-only operations) wins. */
  signType?: V2SignType;
}

const SIGN_TYPES: ReadonlySet<string> = new Set<V2SignType>(['MD5', 'HMAC-SHA256']);

/** The algorithm a v2 request names in its own `sign_type` (body field or, on a GET, query parameter), else `fallback`. */
export function v2SignTypeOf(fields: Readonly<Record<string, unknown>>, fallback: V2SignType = 'MD5'): V2SignType {
  const named = fields.sign_type;
  if (named === undefined || named === null || named === '') return fallback;
  if (typeof named !== 'string' || !SIGN_TYPES.has(named)) {
    throw new WxValidationError('request', [`sign_type: expected MD5 or HMAC-SHA256, got ${JSON.stringify(String(named).slice(0, 32))}`]);
  }
  return named as V2SignType;
}

/**
 * v2: mch_id, appid and nonce_str, then `sign` over every field. A POST carries them in its XML
 * body; a GET (H5 signing, the real-name access token) has no body, so they and the sign go into
 * the query, signed over the query's own fields the same way. The algorithm is the one the request
 * names in `sign_type` (HMAC-only operations fix it as a constant), else the client's default.
 */
export function payV2Authenticator(c: PayV2Credentials): Authenticator {
  const fill = (fields: Record<string, unknown>): void => {
    delete fields.sign;
    // Transfers (企业付款) spell them mchid / mch_appid, red packets wxappid: no second spelling is added.
    if (fields.mchid === undefined) fields.mch_id ??= c.mchid;
    if (c.appid && fields.mch_appid === undefined && fields.wxappid === undefined) fields.appid ??= c.appid;
    fields.nonce_str = randomBytes(16).toString('hex');
    const signType = v2SignTypeOf(fields, c.signType ?? 'MD5');
    // MD5 is what WeChat assumes when sign_type is absent, so only HMAC-SHA256 is named.
    if (signType === 'HMAC-SHA256') fields.sign_type = 'HMAC-SHA256';
    fields.sign = signV2(fields, c.key, signType);
  };
  return {
    async apply(req) {
      if (req.fields === undefined && (req.method === 'GET' || req.method === 'DELETE')) {
        const fields: Record<string, unknown> = Object.fromEntries(req.url.searchParams);
        fill(fields);
        for (const [k, v] of Object.entries(fields)) req.url.searchParams.set(k, String(v));
        return undefined;
      }
      const fields: Record<string, unknown> = {};
      // The XML body must carry exactly the text that was signed: objects as their JSON (as
      // v2SignText renders them), booleans as text; null is left out like undefined.
      for (const [k, v] of Object.entries(req.fields ?? {})) {
        if (v === undefined || v === null) continue;
        fields[k] = typeof v === 'object' ? JSON.stringify(v) : typeof v === 'boolean' ? String(v) : v;
      }
      fill(fields);
      req.fields = fields;
      encodeBody(req);
      return undefined;
    },
  };
}
