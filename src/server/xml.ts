// A deliberately small XML reader for WeChat's push envelopes: elements, text, CDATA and comments.
// Anything that could make a parser do work the sender controls (DTDs, entity declarations,
// processing instructions, external references) is refused outright instead of being ignored,
// so there is nothing to expand and nothing to fetch. One forward pass, recursion bounded by
// `maxDepth`, every search starts where the previous one stopped: time is linear in the input.

import { WxCryptoError } from '../errors.js';

/** An element is a string (text-only) or an object of children; repeated children become arrays. */
export type XmlValue = string | XmlObject | Array<string | XmlObject>;
export interface XmlObject {
  [name: string]: XmlValue;
}

export interface XmlDocument {
  root: string;
  value: XmlObject | string;
}

export interface ParseXmlOptions {
  /** Maximum element nesting, root included. Default 32. */
  maxDepth?: number;
  /** Maximum number of elements. Default 10 000. */
  maxElements?: number;
}

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const CHAR_REF = /^#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}))$/;

function fail(what: string, at: number): never {
  // Offsets only: the document may be decrypted plaintext, which must not reach logs.
  throw new WxCryptoError('format', `malformed XML: ${what} at offset ${at}`);
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
const isNameStart = (c: number): boolean =>
  (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a;
const isNameChar = (c: number): boolean =>
  isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e;

export function parseXml(text: string, options: ParseXmlOptions = {}): XmlDocument {
  const maxDepth = options.maxDepth ?? 32;
  const maxElements = options.maxElements ?? 10_000;
  const end = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let elements = 0;

  const skipSpace = (): void => {
    while (i < end && isSpace(text.charCodeAt(i))) i++;
  };

  const skipComment = (): void => {
    const close = text.indexOf('-->', i + 4);
    if (close < 0) fail('unterminated comment', i);
    i = close + 3;
  };

  // Whitespace and comments are the only things allowed around the root element.
  const skipMisc = (): void => {
    for (;;) {
      skipSpace();
      if (text.startsWith('<!--', i)) skipComment();
      else return;
    }
  };

  const readName = (): string => {
    const start = i;
    if (!isNameStart(text.charCodeAt(i))) fail('invalid element name', i);
    i++;
    while (i < end && isNameChar(text.charCodeAt(i))) i++;
    return text.slice(start, i);
  };

  // Attributes carry nothing in WeChat pushes: they are checked for shape and dropped.
  const skipAttributes = (): boolean => {
    for (;;) {
      const before = i;
      skipSpace();
      const c = text.charCodeAt(i);
      if (c === GT) {
        i++;
        return false;
      }
      if (c === SLASH && text.charCodeAt(i + 1) === GT) {
        i += 2;
        return true;
      }
      if (i === before) fail('expected whitespace, ">" or "/>"', i);
      readName();
      skipSpace();
      if (text.charCodeAt(i) !== 0x3d) fail('expected "=" after attribute name', i);
      i++;
      skipSpace();
      const quote = text[i];
      if (quote !== '"' && quote !== "'") fail('expected a quoted attribute value', i);
      const close = text.indexOf(quote, i + 1);
      if (close < 0) fail('unterminated attribute value', i);
      if (text.slice(i + 1, close).includes('<')) fail('"<" inside an attribute value', i);
      i = close + 1;
    }
  };

  const parseElement = (depth: number): [string, XmlObject | string] => {
    if (depth > maxDepth) fail(`nesting deeper than ${maxDepth}`, i);
    if (++elements > maxElements) fail(`more than ${maxElements} elements`, i);
    i++; // '<'
    const name = readName();
    if (skipAttributes()) return [name, ''];

    let textValue = '';
    let children: XmlObject | undefined;
    for (;;) {
      const lt = text.indexOf('<', i);
      if (lt < 0) fail(`unclosed element <${name}>`, i);
      if (lt > i) textValue += decodeText(text.slice(i, lt), i);
      i = lt;
      const next = text.charCodeAt(i + 1);
      if (next === SLASH) {
        i += 2;
        if (!text.startsWith(name, i) || isNameChar(text.charCodeAt(i + name.length))) {
          fail(`mismatched closing tag for <${name}>`, i);
        }
        i += name.length;
        skipSpace();
        if (text.charCodeAt(i) !== GT) fail('expected ">"', i);
        i++;
        break;
      }
      if (next === BANG) {
        if (text.startsWith('<![CDATA[', i)) {
          const close = text.indexOf(']]>', i + 9);
          if (close < 0) fail('unterminated CDATA section', i);
          textValue += text.slice(i + 9, close);
          i = close + 3;
        } else if (text.startsWith('<!--', i)) {
          skipComment();
        } else {
          fail('markup declarations (DOCTYPE, ENTITY, ...) are not allowed', i);
        }
        continue;
      }
      if (next === QUESTION) fail('processing instructions are not allowed', i);
      const [childName, childValue] = parseElement(depth + 1);
      children ??= Object.create(null) as XmlObject;
      const previous = children[childName];
      if (previous === undefined) children[childName] = childValue;
      else if (Array.isArray(previous)) previous.push(childValue);
      else children[childName] = [previous, childValue];
    }
    // WeChat never mixes text with child elements; the indentation between children is dropped.
    return [name, children ?? textValue];
  };

  skipSpace();
  if (text.startsWith('<?xml', i) && isSpace(text.charCodeAt(i + 5))) {
    const close = text.indexOf('?>', i);
    if (close < 0 || close - i > 256) fail('unterminated XML declaration', i);
    i = close + 2;
  }
  skipMisc();
  if (text.charCodeAt(i) !== LT) fail('expected the root element', i);
  const next = text.charCodeAt(i + 1);
  if (next === BANG) fail('markup declarations (DOCTYPE, ENTITY, ...) are not allowed', i);
  if (next === QUESTION) fail('processing instructions are not allowed', i);
  const [root, value] = parseElement(1);
  skipMisc();
  if (i !== end) fail('content after the root element', i);
  return { root, value };
}

/** Decode the five predefined entities and numeric references; any other `&` is an error. */
function decodeText(raw: string, offset: number): string {
  let amp = raw.indexOf('&');
  if (amp < 0) return raw;
  let out = '';
  let last = 0;
  while (amp >= 0) {
    // Look for ';' only a few characters ahead, so a run of bare '&' cannot make this quadratic.
    const semi = raw.slice(amp + 1, amp + 12).indexOf(';');
    if (semi < 0) fail('"&" that does not start a character reference', offset + amp);
    const ref = raw.slice(amp + 1, amp + 1 + semi);
    out += raw.slice(last, amp) + decodeReference(ref, offset + amp);
    last = amp + semi + 2;
    amp = raw.indexOf('&', last);
  }
  return out + raw.slice(last);
}

function decodeReference(ref: string, at: number): string {
  const named = PREDEFINED[ref];
  if (named !== undefined && Object.hasOwn(PREDEFINED, ref)) return named;
  const match = CHAR_REF.exec(ref);
  if (!match) fail('unknown entity reference', at);
  const code = match[1] !== undefined ? parseInt(match[1], 16) : parseInt(match[2]!, 10);
  const legal =
    code === 0x9 || code === 0xa || code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
  if (!legal) fail('character reference to a character XML does not allow', at);
  return String.fromCodePoint(code);
}
