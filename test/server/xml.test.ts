import { describe, expect, it } from 'vitest';
import { WxCryptoError } from '../../src/core/errors.js';
import { buildXml, cdata, parseXml } from '../../src/callbacks/index.js';

const reason = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(WxCryptoError);
    return (error as WxCryptoError).reason;
  }
  return undefined;
};

describe('parseXml', () => {
  it('reads text, CDATA, nesting and repeated children', () => {
    const doc = parseXml(
      '<?xml version="1.0" encoding="UTF-8"?>\n<xml><A><![CDATA[ a<b>&amp; ]]></A><B>1</B>' +
        '<L><item><X>1</X></item><item><X>2</X></item></L><E/><F></F><!-- note --></xml>',
    );
    expect(doc.root).toBe('xml');
    expect(doc.value).toEqual({
      A: ' a<b>&amp; ',
      B: '1',
      L: { item: [{ X: '1' }, { X: '2' }] },
      E: '',
      F: '',
    });
  });

  it('decodes the predefined entities and numeric references only', () => {
    const doc = parseXml('<x><a>&lt;&gt;&amp;&quot;&apos;&#65;&#x4e2d;&#x1F30F;</a></x>');
    expect(doc.value).toEqual({ a: '<>&"\'A中🌏' });
    expect(reason(() => parseXml('<x><a>&nbsp;</a></x>'))).toBe('format');
    expect(reason(() => parseXml('<x><a>AT&T</a></x>'))).toBe('format');
    expect(reason(() => parseXml('<x><a>&#0;</a></x>'))).toBe('format');
    expect(reason(() => parseXml('<x><a>&#xD800;</a></x>'))).toBe('format');
    expect(reason(() => parseXml('<x><a>&__proto__;</a></x>'))).toBe('format');
  });

  it('accepts whitespace in closing tags and attributes it then drops', () => {
    expect(parseXml('<xml ><a k="v" j=\'w\'>1</a ></xml >').value).toEqual({ a: '1' });
  });

  it('keeps element names like __proto__ as plain data', () => {
    const doc = parseXml('<xml><__proto__><polluted>1</polluted></__proto__><constructor>c</constructor></xml>');
    const value = doc.value as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['__proto__', 'constructor']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it.each([
    ['DOCTYPE', '<!DOCTYPE xml [<!ENTITY x "boom">]><xml><a>&x;</a></xml>'],
    ['DOCTYPE after declaration', '<?xml version="1.0"?><!DOCTYPE xml SYSTEM "file:///etc/passwd"><xml/>'],
    ['ENTITY inside', '<xml><!ENTITY x "y"><a/></xml>'],
    ['external entity ref', '<xml><a>&xxe;</a></xml>'],
    ['processing instruction', '<xml><?php echo 1; ?></xml>'],
    ['stylesheet PI', '<?xml-stylesheet href="a"?><xml/>'],
    ['declaration not first', '<xml/><?xml version="1.0"?>'],
    ['unbalanced', '<xml><a></xml>'],
    ['mismatched', '<xml><a></b></xml>'],
    ['prefix-mismatched', '<xml><ab></a></xml>'],
    ['unclosed', '<xml><a>1</a>'],
    ['two roots', '<xml/><xml/>'],
    ['trailing text', '<xml/>junk'],
    ['unterminated CDATA', '<xml><a><![CDATA[x</a></xml>'],
    ['unterminated comment', '<xml><!-- x</xml>'],
    ['bad name', '<xml><1a>1</1a></xml>'],
    ['lt in attribute', '<xml a="<">1</xml>'],
    ['empty', ''],
    ['not xml', 'hello'],
  ])('refuses %s', (_, text) => {
    expect(reason(() => parseXml(text))).toBe('format');
  });

  it('bounds depth and element count', () => {
    const deep = (n: number): string => '<a>'.repeat(n) + '</a>'.repeat(n);
    expect(() => parseXml(deep(32))).not.toThrow();
    expect(reason(() => parseXml(deep(33)))).toBe('format');
    expect(reason(() => parseXml(deep(100_000)))).toBe('format');
    expect(reason(() => parseXml(`<x>${'<i/>'.repeat(10_000)}</x>`))).toBe('format');
    expect(() => parseXml(`<x>${'<i/>'.repeat(9_000)}</x>`)).not.toThrow();
  });

  it('stays fast on adversarial runs (no quadratic scans)', () => {
    const started = performance.now();
    for (const text of [
      `<x><a>${'&'.repeat(200_000)}</a></x>`,
      `<x a="1"${' b="2"'.repeat(100_000)}`,
      `<x>${'<![CDATA['.repeat(50_000)}`,
      `<x>${'<!--'.repeat(50_000)}`,
      `<x>${'x'.repeat(500_000)}`,
    ]) {
      expect(reason(() => parseXml(text))).toBe('format');
    }
    // Generous bound: this is a smoke check for O(n^2) blow-ups, not a benchmark.
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('error messages carry offsets, not content', () => {
    try {
      parseXml('<xml><secret>top secret value &bogus;</secret></xml>');
    } catch (error) {
      expect((error as Error).message).not.toContain('top secret');
      expect((error as Error).message).toMatch(/offset \d+/);
    }
  });
});

describe('buildXml', () => {
  it('writes CDATA strings, bare numbers, nested objects and repeated arrays', () => {
    expect(buildXml({ A: 'x', N: 3, O: { B: 'y' }, L: { item: [{ T: 'a' }, { T: 'b' }] }, U: undefined })).toBe(
      '<xml><A><![CDATA[x]]></A><N>3</N><O><B><![CDATA[y]]></B></O><L><item><T><![CDATA[a]]></T></item><item><T><![CDATA[b]]></T></item></L></xml>',
    );
  });

  it('splits ]]> so CDATA cannot be closed early, and round-trips through the parser', () => {
    const tricky = 'a]]>b]]]]>c<xml/>&amp;\u0001';
    const xml = buildXml({ Content: tricky });
    expect(xml).not.toContain('\u0001');
    expect(parseXml(xml).value).toEqual({ Content: 'a]]>b]]]]>c<xml/>&amp;' });
    expect(cdata(']]>')).toBe('<![CDATA[]]]]><![CDATA[>]]>');
  });

  it('refuses element names that would inject markup and non-finite numbers', () => {
    expect(() => buildXml({ 'a><b': 'x' })).toThrow();
    expect(() => buildXml({ N: Number.NaN })).toThrow();
  });
});
