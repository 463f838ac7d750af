// JSON pushes (mini program "JSON" data format, WeCom JSON callbacks) carry ids such as MsgId as
// bare integers that can exceed 2^53. JSON.parse would silently round them, so one pass over the
// text first quotes every integer literal longer than 15 digits (outside strings) and checks the
// nesting depth, which also keeps the recursive normalisation after it bounded.

import { WxCryptoError } from '../errors.js';

const MAX_SAFE_DIGITS = 15;

export function parseJsonPreservingIntegers(text: string, maxDepth = 32): unknown {
  const quoted = quoteLongIntegers(text, maxDepth);
  try {
    return JSON.parse(quoted);
  } catch {
    // SyntaxError messages quote the input, which may be decrypted plaintext: drop them.
    throw new WxCryptoError('format', 'malformed JSON');
  }
}

function quoteLongIntegers(text: string, maxDepth: number): string {
  let out: string[] | undefined;
  let last = 0;
  let depth = 0;
  const end = text.length;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip the string, honouring backslash escapes.
      i++;
      while (i < end) {
        const s = text.charCodeAt(i);
        if (s === 0x5c) i += 2;
        else if (s === 0x22) break;
        else i++;
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) throw new WxCryptoError('format', `JSON nesting deeper than ${maxDepth}`);
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      const start = i;
      if (c === 0x2d) i++;
      const digitsStart = i;
      while (i < end && isDigit(text.charCodeAt(i))) i++;
      const digits = i - digitsStart;
      const next = text.charCodeAt(i);
      const isInteger = next !== 0x2e && next !== 0x65 && next !== 0x45;
      if (isInteger && digits > MAX_SAFE_DIGITS) {
        out ??= [];
        out.push(text.slice(last, start), '"', text.slice(start, i), '"');
        last = i;
      }
      // Let the outer loop see the character that ended the number.
      while (i < end && /[0-9.eE+-]/.test(text[i]!)) i++;
      i--;
    }
  }
  if (!out) return text;
  out.push(text.slice(last));
  return out.join('');
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
