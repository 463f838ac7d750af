// The fast YAML reader must never disagree with the `yaml` library: on any text it either gives up
// (and the library reads the file) or returns the same values and lines.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fastYaml } from '../../codegen/fast-yaml.js';
import { parseYamlFully } from '../../codegen/load.js';
import { Problems } from '../../codegen/problems.js';

function full(text: string) {
  const problems = new Problems();
  const tree = parseYamlFully('x.yaml', text, problems);
  return problems.size ? undefined : tree;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : yamlFiles(path);
    return name.endsWith('.yaml') ? [path] : [];
  });
}

describe('the fast YAML reader', () => {
  it('reads every catalog file itself, exactly as the yaml library does', () => {
    const files = [...yamlFiles('catalog'), ...yamlFiles('test/fixtures')];
    expect(files.length).toBeGreaterThan(25);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const fast = fastYaml(text);
      // The catalog stays inside the subset, or the generator loses its speed without anyone noticing.
      if (file.startsWith('catalog/')) expect(fast, file).toBeDefined();
      if (fast) expect(fast, file).toEqual(full(text));
    }
  });

  const agree = [
    'a: 1\nb: -2\nc: +3\nd: 007\ne: 1.5\nf: .5\ng: 1e3\nh: 2.',
    'a: true\nb: False\nc: TRUE\nd: null\ne: ~\nf:\ng: Null',
    'a: "x \\"q\\" \\\\ \\n \\t \\u00e9 \\/"\nb: \'it\'\'s\'\nc: plain text, with commas [and] {braces}\nd: x#y',
    'a: 1 # comment\n# whole line\nb: [1, "two", three] # c\nc: { k: v, "q k": 2, n: { m: [] } }\nd: {}\ne: []',
    'list:\n- a\n- b\nnext: 1',
    'list:\n  - a\n  - { b: 1 }\n  - c: 1\n    d: 2\n  -\n    e: 3\n  - - x\n    - y\n  -',
    '"0": zero\n1: one\ntrue: yes\n1.50: f',
    'key:\n  nested:\n    deep: 1\n  other: x\ntop: y',
    'url: https://example.com/a?b=c&d#frag\ntime: 12:30\nempty: ""',
    '- 1\n- two',
    'scalar',
    '',
    '# only a comment\n',
    'a:\n  lone scalar\nb: 1',
  ];
  it.each(agree.map((t) => [JSON.stringify(t).slice(0, 60), t]))('reads %s as the library does', (_, text) => {
    const fast = fastYaml(text);
    expect(fast).toBeDefined();
    expect(fast).toEqual(full(text));
  });

  const outside = [
    'a: &x 1\nb: *x',
    'a: !!str 1',
    'a: |\n  block',
    'a: >\n  folded',
    'a: multi\n  line',
    'a: "multi\n  line"',
    'a: [1,\n  2]',
    'a: b: c',
    'a: { b, c }',
    'a: 0x10\nb: 0o7',
    'a: .inf',
    'a: 1\na: 2',
    '---\na: 1',
    'a:\n\tb: 1',
    'a: 1\r\nb: 2',
    'a: 12345678901234567890',
    'a: @x',
    '? complex\n: key',
    'a: "unclosed',
    'a: [1, 2',
    '- a\nb: 1',
    'a: 1\n  b: 2',
  ];
  it.each(outside.map((t) => [JSON.stringify(t).slice(0, 60), t]))('gives %s to the library', (_, text) => {
    expect(fastYaml(text)).toBeUndefined();
  });
});
