// Query-string checks that run before the body is read, and the GET URL verification.

import { WxConfigError } from '../core/errors.js';
import type { WxCrypto } from './msg-crypt.js';
import { sha1Signature, verifySignature } from './msg-crypt.js';
import { refusalFor, textResponse } from './refusals.js';

export interface QueryCheck {
  timestamp: string;
  nonce: string;
}

const TIMESTAMP = /^\d{1,12}$/;

/** timestamp + nonce present and well formed (400), timestamp inside the window (403). */
export function checkFreshness(query: URLSearchParams, nowMs: number, windowSeconds: number): QueryCheck | Response {
  const timestamp = query.get('timestamp');
  const nonce = query.get('nonce');
  if (!timestamp || !nonce) return textResponse(400, 'missing timestamp or nonce');
  if (!TIMESTAMP.test(timestamp)) return textResponse(400, 'malformed timestamp');
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > windowSeconds) {
    return textResponse(403, 'timestamp outside the accepted window');
  }
  return { timestamp, nonce };
}

export interface VerifyUrlDeps {
  token: string;
  crypto: WxCrypto | undefined;
  nowMs: number;
  windowSeconds: number;
  reportConfig: (error: Error) => void;
}

/**
 * GET URL verification. Official accounts and mini programs sign token/timestamp/nonce and expect
 * `echostr` back verbatim; WeCom signs the encrypted echostr with msg_signature and expects its plaintext.
 */
export function verifyUrl(query: URLSearchParams, deps: VerifyUrlDeps): Response {
  const echostr = query.get('echostr');
  const msgSignature = query.get('msg_signature');
  const signature = query.get('signature');
  if (!echostr) return textResponse(400, 'missing echostr');
  if (!msgSignature && !signature) return textResponse(400, 'missing signature');
  const fresh = checkFreshness(query, deps.nowMs, deps.windowSeconds);
  if (fresh instanceof Response) return fresh;
  const { timestamp, nonce } = fresh;

  if (msgSignature) {
    // Checked with the token alone first, so only an authentic request can report a missing key.
    if (!verifySignature(sha1Signature([deps.token, timestamp, nonce, echostr]), msgSignature)) {
      return textResponse(401, 'invalid signature');
    }
    if (!deps.crypto) {
      deps.reportConfig(new WxConfigError('encrypted URL verification received but no encodingAESKey is configured'));
      return textResponse(500, 'server not configured for encrypted callbacks');
    }
    try {
      return textResponse(200, deps.crypto.decrypt(echostr).message);
    } catch (error) {
      return refusalFor(error);
    }
  }
  const expected = sha1Signature([deps.token, timestamp, nonce]);
  if (!verifySignature(expected, signature!)) return textResponse(401, 'invalid signature');
  return textResponse(200, echostr);
}
