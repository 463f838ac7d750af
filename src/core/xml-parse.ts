// A deliberately small XML reader for WeChat's push envelopes: elements, text, CDATA and comments.
// Anything that could make a parser do work the sender controls (DTDs, entity declarations,
// processing instructions, external references) is refused outright instead of being ignored,
// so there is nothing to expand and nothing to fetch. One forward pass, recursion bounded by
// `maxDepth`, every character read a bounded number of times: time is linear in the input.

import { WxCryptoError } from './errors.js';

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
const isNameStart = (c: number): boolean => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a;
const isNameChar = (c: number): boolean => isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e;

export function parseXml(text: string, options: ParseXmlOptions = {}): XmlDocument {
  return new Reader(text, options.maxDepth ?? 32, options.maxElements ?? 10_000).document();
}

// A class rather than closures inside parseXml: the methods exist once, not once per call.
class Reader {
  private i: number;
  private elements = 0;
  /** Name of the element `element()` just read (returned this way to avoid a tuple per element). */
  private lastName = '';
  private readonly end: number;
  private readonly text: string;
  private readonly maxDepth: number;
  private readonly maxElements: number;

  constructor(text: string, maxDepth: number, maxElements: number) {
    this.text = text;
    this.end = text.length;
    this.maxDepth = maxDepth;
    this.maxElements = maxElements;
    this.i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  }

  document(): XmlDocument {
    const { text } = this;
    this.skipSpace();
    if (text.startsWith('<?xml', this.i) && isSpace(text.charCodeAt(this.i + 5))) {
      const close = text.indexOf('?>', this.i);
      if (close < 0 || close - this.i > 256) fail('unterminated XML declaration', this.i);
      this.i = close + 2;
    }
    this.skipMisc();
    if (text.charCodeAt(this.i) !== LT) fail('expected the root element', this.i);
    const next = text.charCodeAt(this.i + 1);
    if (next === BANG) fail('markup declarations (DOCTYPE, ENTITY, ...) are not allowed', this.i);
    if (next === QUESTION) fail('processing instructions are not allowed', this.i);
    const value = this.element(1);
    const root = this.lastName;
    this.skipMisc();
    if (this.i !== this.end) fail('content after the root element', this.i);
    return { root, value };
  }

  private skipSpace(): void {
    while (this.i < this.end && isSpace(this.text.charCodeAt(this.i))) this.i++;
  }

  private skipComment(): void {
    const close = this.text.indexOf('-->', this.i + 4);
    if (close < 0) fail('unterminated comment', this.i);
    this.i = close + 3;
  }

  /** Whitespace and comments are the only things allowed around the root element. */
  private skipMisc(): void {
    for (;;) {
      this.skipSpace();
      if (this.text.startsWith('<!--', this.i)) this.skipComment();
      else return;
    }
  }

  private name(): string {
    const { text } = this;
    const start = this.i;
    if (!isNameStart(text.charCodeAt(start))) fail('invalid element name', start);
    let i = start + 1;
    while (i < this.end && isNameChar(text.charCodeAt(i))) i++;
    this.i = i;
    return text.slice(start, i);
  }

  /** Attributes carry nothing in WeChat pushes: they are checked for shape and dropped. True for `/>`. */
  private attributes(): boolean {
    const { text } = this;
    for (;;) {
      const before = this.i;
      this.skipSpace();
      const c = text.charCodeAt(this.i);
      if (c === GT) {
        this.i++;
        return false;
      }
      if (c === SLASH && text.charCodeAt(this.i + 1) === GT) {
        this.i += 2;
        return true;
      }
      if (this.i === before) fail('expected whitespace, ">" or "/>"', this.i);
      this.name();
      this.skipSpace();
      if (text.charCodeAt(this.i) !== 0x3d) fail('expected "=" after attribute name', this.i);
      this.i++;
      this.skipSpace();
      const quote = text[this.i];
      if (quote !== '"' && quote !== "'") fail('expected a quoted attribute value', this.i);
      const close = text.indexOf(quote, this.i + 1);
      if (close < 0) fail('unterminated attribute value', this.i);
      if (text.slice(this.i + 1, close).includes('<')) fail('"<" inside an attribute value', this.i);
      this.i = close + 1;
    }
  }

  private element(depth: number): XmlObject | string {
    const { text } = this;
    if (depth > this.maxDepth) fail(`nesting deeper than ${this.maxDepth}`, this.i);
    if (++this.elements > this.maxElements) fail(`more than ${this.maxElements} elements`, this.i);
    this.i++; // '<'
    const name = this.name();
    if (this.attributes()) {
      this.lastName = name;
      return '';
    }
    const leaf = this.simpleLeaf(name);
    if (leaf !== undefined) {
      this.lastName = name;
      return leaf;
    }

    let textValue = '';
    let children: XmlObject | undefined;
    for (;;) {
      const lt = text.indexOf('<', this.i);
      if (lt < 0) fail(`unclosed element <${name}>`, this.i);
      if (lt > this.i) textValue += decodeText(text.slice(this.i, lt), this.i);
      this.i = lt;
      const next = text.charCodeAt(lt + 1);
      if (next === SLASH) {
        this.i = lt + 2;
        if (!text.startsWith(name, this.i) || isNameChar(text.charCodeAt(this.i + name.length))) {
          fail(`mismatched closing tag for <${name}>`, this.i);
        }
        this.i += name.length;
        this.skipSpace();
        if (text.charCodeAt(this.i) !== GT) fail('expected ">"', this.i);
        this.i++;
        break;
      }
      if (next === BANG) {
        if (text.startsWith('<![CDATA[', lt)) {
          const close = text.indexOf(']]>', lt + 9);
          if (close < 0) fail('unterminated CDATA section', lt);
          textValue += text.slice(lt + 9, close);
          this.i = close + 3;
        } else if (text.startsWith('<!--', lt)) {
          this.skipComment();
        } else {
          fail('markup declarations (DOCTYPE, ENTITY, ...) are not allowed', lt);
        }
        continue;
      }
      if (next === QUESTION) fail('processing instructions are not allowed', lt);
      const childValue = this.element(depth + 1);
      children ??= {};
      addChild(children, this.lastName, childValue);
    }
    this.lastName = name;
    // WeChat never mixes text with child elements; the indentation between children is dropped.
    return children ?? textValue;
  }

  /**
   * Fast path for the shape nearly every WeChat field has: one CDATA section or entity-free text,
   * then the closing tag. Anything else returns undefined with `i` untouched and takes the general
   * path, which re-reads at most what was scanned here, so parsing stays linear.
   */
  private simpleLeaf(name: string): string | undefined {
    const { text } = this;
    const start = this.i;
    let value: string;
    let after: number;
    if (text.startsWith('<![CDATA[', start)) {
      const close = text.indexOf(']]>', start + 9);
      if (close < 0) return undefined;
      value = text.slice(start + 9, close);
      after = close + 3;
    } else {
      after = text.indexOf('<', start);
      if (after < 0) return undefined;
      value = text.slice(start, after);
      if (value.includes('&')) return undefined;
    }
    const closeName = after + 2;
    if (
      text.charCodeAt(after) !== LT ||
      text.charCodeAt(after + 1) !== SLASH ||
      !text.startsWith(name, closeName) ||
      text.charCodeAt(closeName + name.length) !== GT
    ) {
      return undefined;
    }
    this.i = closeName + name.length + 1;
    return value;
  }
}

function addChild(children: XmlObject, name: string, value: XmlObject | string): void {
  const previous = children[name];
  // A plain lookup answers for new names; only names that exist on Object.prototype (constructor,
  // toString, __proto__...) need the own-property check.
  if (previous === undefined || !Object.hasOwn(children, name)) {
    // defineProperty, not assignment, so an element named __proto__ stays an ordinary field.
    if (name === '__proto__') Object.defineProperty(children, name, { value, enumerable: true, writable: true, configurable: true });
    else children[name] = value;
    return;
  }
  if (Array.isArray(previous)) previous.push(value);
  else children[name] = [previous as XmlObject | string, value];
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
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff);
  if (!legal) fail('character reference to a character XML does not allow', at);
  return String.fromCodePoint(code);
}
