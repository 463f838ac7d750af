// The two WeChat Pay auth schemes. v3 signs method, path with query, a timestamp, a nonce and the
// final body into the Authorization header; v2 adds mch_id / appid / nonce_str and a `sign` to the
// body fields and re-encodes it. Both overwrite what they set, so a retried request is re-signed.
import { randomBytes, type KeyObject } from 'node:crypto';
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
  signType?: V2SignType;
}

export function payV2Authenticator(c: PayV2Credentials): Authenticator {
  return {
    async apply(req) {
      const fields = { ...req.fields };
      delete fields.sign;
      fields.mch_id ??= c.mchid;
      if (c.appid) fields.appid ??= c.appid;
      fields.nonce_str = randomBytes(16).toString('hex');
      const signType = (fields.sign_type as V2SignType | undefined) ?? c.signType ?? 'MD5';
      // MD5 is what WeChat assumes when sign_type is absent, so only HMAC-SHA256 is named.
      if (signType === 'HMAC-SHA256') fields.sign_type = 'HMAC-SHA256';
      fields.sign = signV2(fields, c.key, signType);
      req.fields = fields;
      encodeBody(req);
      return undefined;
    },
  };
}
