// The encrypted envelope: `<xml><ToUserName/><Encrypt/></xml>` or `{"ToUserName","Encrypt"}` on the
// way in (compatible mode adds the plaintext fields next to Encrypt), and
// Encrypt/MsgSignature/TimeStamp/Nonce on the way out.

import { randomInt } from 'node:crypto';
import { WxCryptoError } from '../core/errors.js';
import type { WxCrypto } from './msg-crypt.js';
import { parseJsonPreservingIntegers } from './json.js';
import { detectFormat, type PushFormat } from './message.js';
import { parseXml } from '../core/xml-parse.js';
import { buildXml } from '../core/xml-build.js';

export interface IncomingEnvelope {
  format: PushFormat;
  /** The Encrypt field, if there is one. */
  encrypt: string | undefined;
  /** Compatible mode: plaintext message fields travel next to Encrypt. */
  hasPlainFields: boolean;
  /**
   * WeCom's JSON callbacks (intelligent robots) spell the envelope in lower case, `{ "encrypt" }`,
   * and expect the sealed reply in lower case too.
   */
  lowercase: boolean;
}

/** Read just enough of the outer body to find Encrypt. Throws WxCryptoError('format') when malformed. */
export function readEnvelope(text: string): IncomingEnvelope {
  const format = detectFormat(text);
  let fields: Record<string, unknown>;
  if (format === 'xml') {
    const { value } = parseXml(text);
    fields = typeof value === 'string' ? {} : value;
  } else {
    const parsed = parseJsonPreservingIntegers(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new WxCryptoError('format', 'JSON push is not an object');
    }
    fields = parsed as Record<string, unknown>;
  }
  const lowercase = format === 'json' && !Object.hasOwn(fields, 'Encrypt') && Object.hasOwn(fields, 'encrypt');
  const encrypt = Object.hasOwn(fields, 'Encrypt') ? fields['Encrypt'] : lowercase ? fields['encrypt'] : undefined;
  if (encrypt !== undefined && typeof encrypt !== 'string') {
    throw new WxCryptoError('format', 'Encrypt must be a text field');
  }
  const hasPlainFields = Object.hasOwn(fields, 'MsgType') || Object.hasOwn(fields, 'InfoType');
  return { format, encrypt, hasPlainFields, lowercase };
}

/** Encrypt a rendered reply and wrap it with a fresh msg_signature, timestamp and nonce. */
export function sealReply(crypto: WxCrypto, plaintext: string, format: PushFormat, nowSeconds: number, lowercase = false): string {
  const encrypt = crypto.encrypt(plaintext);
  const timestamp = String(nowSeconds);
  const nonce = String(randomInt(100_000_000, 2_000_000_000));
  const signature = crypto.signature(timestamp, nonce, encrypt);
  if (lowercase) return JSON.stringify({ encrypt, msgsignature: signature, timestamp: timestamp, nonce });
  if (format === 'json') {
    return JSON.stringify({ Encrypt: encrypt, MsgSignature: signature, TimeStamp: nowSeconds, Nonce: nonce });
  }
  return buildXml({ Encrypt: encrypt, MsgSignature: signature, TimeStamp: nowSeconds, Nonce: nonce });
}
