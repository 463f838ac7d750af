// Serialises reply objects into WeChat's XML shape: strings in CDATA, numbers as bare text,
// arrays as repeated elements. Element names are checked so no caller-supplied key can inject markup.

import { WxError } from './errors.js';

export type XmlBuildValue = string | number | XmlBuildObject | readonly XmlBuildValue[] | undefined;
export interface XmlBuildObject {
  readonly [name: string]: XmlBuildValue;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
// Characters XML 1.0 cannot carry at all, not even in CDATA (C0 controls, lone surrogates, U+FFFE/F).
const ILLEGAL = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Wrap text in CDATA. `]]>` cannot occur inside one section, so it is split across two. */
export function cdata(text: string): string {
  return `<![CDATA[${text.replace(ILLEGAL, '').replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

export function buildXml(fields: XmlBuildObject, root = 'xml'): string {
  const out: string[] = [];
  writeElement(out, root, fields, 0);
  return out.join('');
}

function writeElement(out: string[], name: string, value: XmlBuildValue, depth: number): void {
  if (value === undefined) return;
  if (!NAME.test(name)) throw new WxError(`invalid XML element name ${JSON.stringify(name.slice(0, 40))}`);
  if (depth > 16) throw new WxError('reply nesting is too deep');
  if (Array.isArray(value)) {
    for (const item of value as readonly XmlBuildValue[]) writeElement(out, name, item, depth + 1);
    return;
  }
  out.push(`<${name}>`);
  if (typeof value === 'string') {
    out.push(cdata(value));
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new WxError(`element <${name}> must be a finite number`);
    out.push(String(value));
  } else {
    for (const [child, childValue] of Object.entries(value as XmlBuildObject)) {
      writeElement(out, child, childValue, depth + 1);
    }
  }
  out.push(`</${name}>`);
}
