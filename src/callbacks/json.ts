// JSON pushes (mini program "JSON" data format, WeCom JSON callbacks) carry ids such as MsgId as
// bare integers that can exceed 2^53. JSON.parse would silently round them, so integer literals
// longer than 15 digits (outside strings) are quoted first. Most pushes have no such run of digits
// at all, which one native regex test establishes before any character-by-character work.
// Nesting depth is bounded by the caller's walk over the result (see message.ts).

import { WxCryptoError } from '../core/errors.js';

const MAX_SAFE_DIGITS = 15;
const LONG_DIGIT_RUN = /\d{16}/;

export function parseJsonPreservingIntegers(text: string): unknown {
  const prepared = LONG_DIGIT_RUN.test(text) ? quoteLongIntegers(text) : text;
  try {
    return JSON.parse(prepared);
  } catch {
    // SyntaxError messages quote the input, which may be decrypted plaintext: drop them.
    throw new WxCryptoError('format', 'malformed JSON');
  }
}

function quoteLongIntegers(text: string): string {
  const out: string[] = [];
  let last = 0;
  const end = text.length;
  let i = 0;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      i = endOfString(text, i + 1);
    } else if (c === 0x2d || isDigit(c)) {
      const start = i;
      if (c === 0x2d) i++;
      const digitsStart = i;
      while (i < end && isDigit(text.charCodeAt(i))) i++;
      const next = text.charCodeAt(i);
      const isInteger = next !== 0x2e && next !== 0x65 && next !== 0x45; // not followed by . e E
      if (isInteger && i - digitsStart > MAX_SAFE_DIGITS) {
        out.push(text.slice(last, start), '"', text.slice(start, i), '"');
        last = i;
      }
      // Skip the rest of a fraction / exponent so its digits are not taken for a new number.
      while (i < end && isNumberChar(text.charCodeAt(i))) i++;
    } else {
      i++;
    }
  }
  if (out.length === 0) return text;
  out.push(text.slice(last));
  return out.join('');
}

/** Index just past the closing quote of the string whose content starts at `from`. */
function endOfString(text: string, from: number): number {
  let quote = text.indexOf('"', from);
  while (quote >= 0) {
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    quote = text.indexOf('"', quote + 1);
  }
  return text.length; // unterminated: JSON.parse reports it
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isNumberChar = (c: number): boolean => isDigit(c) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d;
