// WeChat Pay API v2: XML in and out, a `sign` inside the body. An answer is accepted when
// return_code and result_code are SUCCESS and its own `sign` verifies; otherwise it is a
// WxPayError (or a WxCryptoError when the sign is wrong). Some v2 answers are bare data (bills):
// those endpoints are `response: text` and only checked for an XML failure body.
import { WxCryptoError, WxPayError } from '../core/errors.js';
import { signV2, type V2SignType } from '../pay/signatures.js';
import type { EndpointDescriptor } from '../core/types.js';
import type { Protocol, WireRequest } from './types.js';
import { readBody, xmlFields } from './wechat.js';

export function payV2Protocol(options: { key: string; signType?: V2SignType }): Protocol {
  return {
    name: 'pay_v2',
    isTokenError: () => false,
    async decode(response: Response, d: EndpointDescriptor, req: WireRequest): Promise<unknown> {
      const text = await readBody(response, req.url, d, (r) => r.text());
      const looksXml = /^\s*<xml[\s>]/.test(text);
      if (!looksXml) {
        if (response.ok && d.response === 'text') return text;
        throw new WxPayError({
          version: 'v2',
          status: response.status,
          code: `HTTP_${response.status}`,
          message: text.slice(0, 200) || 'not an XML answer',
          endpoint: d.id,
        });
      }
      const fields = xmlFields(text, d) as Record<string, string>;
      if (fields.return_code !== 'SUCCESS') {
        throw new WxPayError({ version: 'v2', status: response.status, code: fields.return_code || 'FAIL', message: fields.return_msg ?? '', endpoint: d.id });
      }
      if (fields.sign !== undefined) {
        const signType = (fields.sign_type as V2SignType | undefined) ?? (req.fields?.sign_type as V2SignType | undefined) ?? options.signType ?? 'MD5';
        if (signV2(fields, options.key, signType) !== fields.sign) throw new WxCryptoError('signature', `${d.id}: WeChat Pay v2 answer sign does not verify`);
      }
      if (fields.result_code !== undefined && fields.result_code !== 'SUCCESS') {
        throw new WxPayError({
          version: 'v2',
          status: response.status,
          code: fields.err_code || 'FAIL',
          message: fields.err_code_des ?? '',
          detail: fields,
          endpoint: d.id,
        });
      }
      return fields;
    },
  };
}
