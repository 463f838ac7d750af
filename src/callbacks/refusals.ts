// Small HTTP helpers shared by the handler: refusal responses and the mapping from typed crypto /
// envelope errors to statuses (see the table in handler.ts).

import { WxCryptoError } from '../core/errors.js';

export function textResponse(status: number, body: string, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers } });
}

/** WeChat's "received, nothing to say" answer. */
export const success = (): Response => textResponse(200, 'success');

/** Map an error raised while verifying, decrypting or parsing a push to its refusal, or rethrow it. */
export function refusalFor(error: unknown): Response {
  if (!(error instanceof WxCryptoError)) throw error;
  switch (error.reason) {
    case 'signature':
      return textResponse(401, 'invalid signature');
    case 'timestamp':
      return textResponse(403, 'timestamp outside the accepted window');
    case 'receive_id':
      return textResponse(403, 'message addressed to another app');
    default:
      // Short, fixed texts: never the parser's detail, which could echo the sender's input.
      return textResponse(400, error.reason === 'format' ? 'malformed body' : 'undecryptable body');
  }
}

/** One-line description of an error for logs: name and message only, newlines folded, bounded length. */
export function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : `non-error thrown: ${typeof error}`;
  return text.replace(/\s+/g, ' ').slice(0, 300);
}
