// Every TypeScript block in README.md and docs/*.md compiles as written: each block becomes a module
// of its own, with only the imports it writes itself, and one `tsc` run checks them all against the
// sources (`wxkit/...` resolves through package.json's exports, mapped from dist/ back to the .ts
// files). A block preceded by `<!-- snippet: run -->` is also run, against the simulator it starts.
// Errors are reported at the markdown file and line of the block.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT = join(ROOT, '.tmp', 'snippets');

interface Snippet {
  file: string;
  line: number;
  code: string;
  run: boolean;
  name: string;
}

function markdownFiles(): string[] {
  const docs = join(ROOT, 'docs');
  return [
    join(ROOT, 'README.md'),
    ...readdirSync(docs)
      .filter((f) => f.endsWith('.md'))
      .map((f) => join(docs, f)),
  ];
}

export function extractSnippets(path: string): Snippet[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const out: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i]!)) continue;
    const start = i + 1;
    const body: string[] = [];
    for (i = start; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    const run = /<!--\s*snippet:\s*run\s*-->/.test(lines[start - 2] ?? '');
    const file = relative(ROOT, path);
    out.push({ file, line: start, code: body.join('\n'), run, name: `${file.replace(/[^\w]+/g, '_')}_${start}` });
  }
  return out;
}

/** `wxkit/x` → the source file its `exports` entry is built from. */
function pathsFromExports(): Record<string, string[]> {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    name: string;
    exports: Record<string, { default?: string } | string>;
    imports?: Record<string, { node?: string }>;
  };
  const paths: Record<string, string[]> = {};
  for (const [sub, target] of Object.entries(pkg.exports)) {
    const js = typeof target === 'string' ? target : target.default;
    if (!js?.endsWith('.js')) continue;
    const source = js.replace(/^\.\/dist\//, './').replace(/\.js$/, '.ts');
    paths[sub === '.' ? pkg.name : `${pkg.name}/${sub.slice(2)}`] = [relative(OUT, join(ROOT, source))];
  }
  // The package's own #imports, as Node resolves them (the `node` condition).
  for (const [name, target] of Object.entries(pkg.imports ?? {})) {
    if (target.node) paths[name] = [relative(OUT, join(ROOT, target.node.replace(/^\.\/dist\//, './').replace(/\.js$/, '.ts')))];
  }
  return paths;
}

const snippets = markdownFiles().flatMap(extractSnippets);

describe('documentation snippets', () => {
  it('are found (README and docs/ have TypeScript blocks)', () => {
    expect(snippets.length).toBeGreaterThan(10);
  });

  it('every TypeScript block type-checks as written, with its own imports', () => {
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    for (const s of snippets) writeFileSync(join(OUT, `${s.name}.ts`), `${s.code}\nexport {};\n`);
    writeFileSync(
      join(OUT, 'tsconfig.json'),
      JSON.stringify({
        extends: relative(OUT, join(ROOT, 'tsconfig.json')),
        compilerOptions: { noEmit: true, paths: pathsFromExports(), noUnusedLocals: false },
        include: ['./*.ts'],
      }),
    );
    let output = '';
    try {
      execFileSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', join(OUT, 'tsconfig.json')], { encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      output = String((e as { stdout?: string }).stdout ?? e);
    }
    // Map `snippet.ts(line,col)` back to the markdown file and line.
    const byName = new Map(snippets.map((s) => [s.name, s]));
    const errors = output
      .split('\n')
      .filter((l) => /error TS\d+/.test(l))
      .map((l) => {
        const m = /([\w.]+)\.ts\((\d+),(\d+)\): (.*)$/.exec(l);
        const s = m && byName.get(m[1]!);
        return s && m ? `${s.file}:${s.line + Number(m[2]) - 1}: ${m[4]}` : l;
      });
    expect(errors).toEqual([]);
  });

  const runnable = snippets.filter((s) => s.run);
  it.each(runnable.map((s) => [`${s.file}:${s.line}`, s] as const))('%s runs against the simulator', (_where, s) => {
    mkdirSync(OUT, { recursive: true });
    const path = join(OUT, `${s.name}.run.ts`);
    // Run from the repository so `wxkit/...` resolves to the package itself (self-reference needs a
    // build), through the same source mapping as the type check.
    const source = s.code.replace(/from '(wxkit(?:\/[\w/-]+)?)'/g, (_m, spec: string) => {
      const target = pathsFromExports()[spec]?.[0];
      return `from '${target ? `./${target.replace(/\.ts$/, '.js')}` : spec}'`;
    });
    writeFileSync(path, source);
    execFileSync(join(ROOT, 'node_modules', '.bin', 'tsx'), [path], { cwd: ROOT, encoding: 'utf8', stdio: 'pipe', timeout: 60_000 });
  });
});
