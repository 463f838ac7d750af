// WeChat Pay API v2: XML in and out, a `sign` inside the body (or, on the few GET operations, in
// the query). An answer is accepted when return_code and result_code are SUCCESS and its own `sign`
// verifies; otherwise it is a WxPayError (or a WxCryptoError when the sign is wrong). The sign is
// checked with the algorithm the answer names in `sign_type`, else the one the request was signed
// with (the request's own sign_type: a catalog constant on HMAC-only operations, else the client's
// default, which the authenticator names when it is HMAC-SHA256).
//
// By the endpoint's `response`:
// - `xml`: the answer's root elements as strings; anything else is refused.
// - `json` (the default, e.g. RealNameV2.getRealNameAccessToken): the parsed object; a non-zero
//   `retcode` or a `return_code` other than SUCCESS is a WxPayError, a `sign` in it is verified. An
//   XML answer is handled as for `xml` (XML failures, and raw requests that did not say `xml`).
// - `text` (bills, comments): the file as a string. A gzip answer (`tar_type: GZIP`; content type
//   application/x-gzip or the magic bytes 1f 8b) is gunzipped and handed back as its UTF-8 text,
//   so the result is a string either way. XML is a failure body, checked as for `xml`.
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { v2SignTypeOf } from '../auth/pay-signers.js';
import { WxCryptoError, WxPayError, WxValidationError } from '../core/errors.js';
import { signV2, type V2SignType } from '../pay/signatures.js';
import type { EndpointDescriptor } from '../core/types.js';
import type { TransportResponse } from '../transport/types.js';
import type { Protocol, WireRequest } from './types.js';
import { readBody, tryJson, xmlFields } from './wechat.js';

const gunzipAsync = promisify(gunzip);

/** `<xml>` as the root, after an optional BOM and XML declaration. */
const XML_ROOT = /^\uFEFF?\s*(?:<\?xml[^>]*\?>\s*)?<xml[\s>]/;

async function gunzipText(bytes: Uint8Array, response: TransportResponse, d: EndpointDescriptor): Promise<string> {
  try {
    return (await gunzipAsync(bytes)).toString('utf8');
  } catch {
    throw new WxPayError({ version: 'v2', status: response.status, code: 'INVALID_RESPONSE', message: 'the gzip answer does not decompress', endpoint: d.id });
  }
}

// The answer is checked with the algorithm the request itself was signed with, so the protocol
// needs only the key.
export function payV2Protocol(options: { key: string }): Protocol {
  /** The algorithm the request was signed with: the `sign_type` it sent (body or query); none sent means MD5. */
  const requestSignType = (req: WireRequest): V2SignType => {
    try {
      return v2SignTypeOf(req.fields ?? Object.fromEntries(req.url.searchParams), 'MD5');
    } catch {
      return 'MD5';
    }
  };

  const verify = (fields: Record<string, unknown>, d: EndpointDescriptor, req: WireRequest): void => {
    if (typeof fields.sign !== 'string') return;
    const own = fields.sign_type;
    const signType = own === 'MD5' || own === 'HMAC-SHA256' ? own : requestSignType(req);
    if (signV2(fields, options.key, signType) !== fields.sign.toUpperCase())
      throw new WxCryptoError('signature', `${d.id}: WeChat Pay v2 answer sign does not verify (${signType})`);
  };

  const fromXml = (text: string, response: TransportResponse, d: EndpointDescriptor, req: WireRequest): Record<string, string> => {
    const fields = xmlFields(text, d) as Record<string, string>;
    if (fields.return_code !== 'SUCCESS') {
      throw new WxPayError({ version: 'v2', status: response.status, code: fields.return_code || 'FAIL', message: fields.return_msg ?? '', endpoint: d.id });
    }
    verify(fields, d, req);
    if (fields.result_code !== undefined && fields.result_code !== 'SUCCESS') {
      throw new WxPayError({
        version: 'v2',
        status: response.status,
        // The real-name check spells them error_code / error_code_des.
        code: fields.err_code || fields.error_code || 'FAIL',
        message: fields.err_code_des ?? fields.error_code_des ?? fields.return_msg ?? '',
        detail: fields,
        endpoint: d.id,
      });
    }
    return fields;
  };

  const notUnderstood = (response: TransportResponse, d: EndpointDescriptor, text: string, what: string): WxPayError =>
    new WxPayError({
      version: 'v2',
      status: response.status,
      code: response.ok ? 'INVALID_RESPONSE' : `HTTP_${response.status}`,
      message: text.slice(0, 200) || what,
      endpoint: d.id,
    });

  return {
    name: 'pay_v2',
    isTokenError: () => false,
    async decode(response: TransportResponse, d: EndpointDescriptor, req: WireRequest): Promise<unknown> {
      const kind = d.response ?? 'json';
      let text: string;
      if (kind === 'text') {
        const bytes = new Uint8Array(await readBody(response, req.url, d, (r) => r.arrayBuffer()));
        const magic = bytes[0] === 0x1f && bytes[1] === 0x8b;
        if (response.ok && magic) return gunzipText(bytes, response, d);
        text = new TextDecoder().decode(bytes);
        // Labelled gzip without the magic bytes: a failure is still XML, anything else is refused.
        if (response.ok && /gzip/i.test(response.headers.get('content-type') ?? '') && !XML_ROOT.test(text)) return gunzipText(bytes, response, d);
      } else {
        text = await readBody(response, req.url, d, (r) => r.text());
      }
      if (XML_ROOT.test(text)) return fromXml(text, response, d, req);
      if (kind === 'text' && response.ok) return text;
      if (kind === 'json' || kind === 'json_or_binary') {
        const parsed = tryJson(text);
        if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return fromJson(parsed as Record<string, unknown>, response, d, req);
        if (response.ok) throw new WxValidationError('response', [`expected JSON or XML (${text.length} bytes)`], d.id);
      }
      throw notUnderstood(response, d, text, kind === 'xml' ? 'not an XML answer' : 'not a WeChat Pay v2 answer');
    },
  };

  function fromJson(body: Record<string, unknown>, response: TransportResponse, d: EndpointDescriptor, req: WireRequest): Record<string, unknown> {
    const retcode = body.retcode;
    const failed =
      (retcode !== undefined && retcode !== null && String(retcode) !== '0') || (typeof body.return_code === 'string' && body.return_code !== 'SUCCESS');
    if (failed || !response.ok) {
      const code =
        retcode !== undefined && retcode !== null && String(retcode) !== '0'
          ? String(retcode)
          : typeof body.return_code === 'string'
            ? body.return_code
            : `HTTP_${response.status}`;
      const message = body.retmsg ?? body.return_msg ?? body.err_code_des ?? '';
      throw new WxPayError({ version: 'v2', status: response.status, code, message: String(message), detail: body, endpoint: d.id });
    }
    verify(body, d, req);
    return body;
  }
}
