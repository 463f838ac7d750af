// Section 5: what wxkit adds to a bundle. esbuild (bundle, minify, ESM, code splitting, platform
// neutral with Node built-ins external) builds three entries; each output chunk is gzipped on its
// own. "Eager" is the entry chunk plus the chunks it imports statically (what loads before the
// first call); "lazy" is every chunk reached only through import(): the zod schemas (validation
// on) and the errcode table (first error). Baseline: ky alone, called once: the smallest HTTP
// client library with retries and hooks. The portable builds resolve `#default-transport` to
// default-portable.ts (fetch), as a worker bundler does through the package's "imports";
// the Node build (platform node) resolves it to default-node.ts (undici), as Node's condition does.
// "No code splitting" is one file, as a bundler that inlines import() makes it: the issue's goal
// is ≤ 16 KB for a Node target and for a worker target (no `node:` import, no ioredis).
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Metafile, type OutputFile, type Plugin } from 'esbuild';
import { REPO } from './lib/proc.js';
import type { Row } from './lib/row.js';

const ONE_ENDPOINT = `
import { createClient } from './src/index.js';
import { batchGetMaterial } from './generated/official-account/material.js';
const client = createClient({ appType: 'official_account', appid: 'wx0123456789abcdef', appsecret: 'secret' });
console.log(await batchGetMaterial(client, { type: 'image', offset: 0, count: 20 }));
`;

const KY_ONLY = `
import ky from 'ky';
console.log(await ky.post('https://api.weixin.qq.com/cgi-bin/material/batchget_material', { json: { type: 'image', offset: 0, count: 20 } }).json());
`;

const ENTRY_NAME = 'bench-entry.ts';

interface Sizes {
  eager: number;
  lazy: number;
  chunks: number;
  zodEager: boolean;
  zodAnywhere: boolean;
  /** `node:` / built-in modules the output still imports (after tree-shaking). */
  nodeImports: string[];
  /** Input packages and files of note that ended up in the output. */
  ioredis: boolean;
  errcodeTable: boolean;
  undici: boolean;
}

type Target = 'neutral' | 'node' | 'worker';

const PORTABLE = join(REPO, 'src/transport/default-portable.ts');
const NODE_DEFAULT = join(REPO, 'src/transport/default-node.ts');

export async function benchBundle(): Promise<Row[]> {
  const ky = await measure(KY_ONLY);
  const one = await measure(ONE_ENDPOINT);
  const entries = publicEntries();
  const all = await measure(entries.map(([, file], i) => `export * as entry${i} from '${file}';`).join('\n'));
  // Which public entry points load zod up front (validation is lazy; a config loader may not be).
  const zodEntries: string[] = [];
  for (const [key, file] of entries) if ((await measure(`export * from '${file}';`)).zodEager) zodEntries.push(key);
  const single = await measure(ONE_ENDPOINT, false);
  const worker = await measure(ONE_ENDPOINT, false, [], 'worker');
  const node = await measure(ONE_ENDPOINT, false, [], 'node');
  const nodeNoUndici = await measure(ONE_ENDPOINT, false, [], 'node', ['undici']);
  const kb = (b: number) => b / 1024;
  const zodNote = (s: Sizes) => (s.zodEager ? 'zod IS in the eager chunks' : `zod not in the eager chunks${s.zodAnywhere ? ' (lazy only)' : ''}`);
  return [
    {
      name: 'bundle: one endpoint + createClient, eager',
      value: kb(one.eager),
      baseline: kb(ky.eager),
      ratio: one.eager / ky.eager,
      goal: '≤ 12 KB',
      unit: 'KB',
      baselineLabel: 'ky alone, called once',
      met: kb(one.eager) <= 12 && !one.zodEager,
      note: zodNote(one),
    },
    {
      name: 'bundle: every entry point, eager',
      value: kb(all.eager),
      baseline: kb(ky.eager),
      ratio: all.eager / ky.eager,
      goal: '—',
      unit: 'KB',
      baselineLabel: 'ky alone, called once',
      note: zodEntries.length ? `zod loaded up front only by ${zodEntries.join(', ')}` : "zod in no entry point's eager chunks",
    },
    {
      name: 'bundle: every entry point, lazy chunks',
      value: kb(all.lazy),
      baseline: kb(ky.eager),
      ratio: all.lazy / ky.eager,
      goal: '—',
      unit: 'KB',
      baselineLabel: 'ky alone, called once',
    },
    {
      name: 'bundle: one endpoint, no code splitting',
      value: kb(single.eager),
      baseline: kb(ky.eager),
      ratio: single.eager / ky.eager,
      goal: '—',
      unit: 'KB',
      baselineLabel: 'ky alone, called once',
      note: `${contents(single)}`,
    },
    {
      name: 'bundle: one endpoint, no code splitting, worker target',
      value: kb(worker.eager),
      baseline: kb(ky.eager),
      ratio: worker.eager / ky.eager,
      goal: '≤ 16 KB',
      unit: 'KB',
      baselineLabel: 'ky alone, called once',
      met: kb(worker.eager) <= 16 && !worker.nodeImports.length && !worker.zodAnywhere && !worker.ioredis,
      note: `platform neutral, conditions worker; ${worker.nodeImports.length ? `imports ${worker.nodeImports.join(', ')}` : 'no node: import'}; ${contents(worker)}`,
    },
    {
      name: 'bundle: one endpoint, no code splitting, Node target',
      value: kb(node.eager),
      baseline: kb(ky.eager),
      ratio: node.eager / ky.eager,
      goal: '≤ 16 KB',
      unit: 'KB',
      baselineLabel: 'ky alone, called once',
      met: kb(node.eager) <= 16 && !node.zodAnywhere && !node.ioredis,
      note: `platform node, #default-transport → undici; ${contents(node)}; ${kb(nodeNoUndici.eager).toFixed(1)} KB with undici left to node_modules`,
    },
  ];
}

function contents(s: Sizes): string {
  const has = [s.zodAnywhere && 'zod', s.errcodeTable && 'the errcode table', s.ioredis && 'ioredis', s.undici && 'undici'].filter(Boolean);
  return has.length ? `carries ${has.join(', ')}` : 'no zod, no errcode table, no ioredis';
}

/** Every public entry point in package.json as [export key, source path]. */
function publicEntries(): [string, string][] {
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { exports: Record<string, { default?: string } | string> };
  const out: [string, string][] = [];
  for (const [key, target] of Object.entries(pkg.exports)) {
    const file = typeof target === 'string' ? target : target.default;
    if (!file?.endsWith('.js') || key === './package.json' || key.includes('*')) continue;
    // ./dist/src/index.js → ./src/index.js (esbuild finds the .ts next to it).
    out.push([key, file.replace(/^\.\/dist\//, './')]);
  }
  return out;
}

async function measure(contents: string, splitting = true, plugins: Plugin[] = [], target: Target = 'neutral', keepExternal: string[] = []): Promise<Sizes> {
  const result = await build({
    stdin: { contents, resolveDir: REPO, sourcefile: ENTRY_NAME, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    splitting,
    platform: target === 'node' ? 'node' : 'neutral',
    ...(target === 'worker' ? { conditions: ['worker', 'browser'] } : {}),
    mainFields: ['module', 'main'],
    target: 'es2022',
    // Built-ins stay imports, so the output says whether any is still reached after tree-shaking.
    external: ['node:*', ...builtinModules, ...keepExternal],
    // tsconfig paths map #default-transport to the Node one for source runs; bundles pick by target.
    alias: { '#default-transport': target === 'node' ? NODE_DEFAULT : PORTABLE },
    outdir: join(REPO, '.bench-bundle-out'),
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins,
  });
  const files = new Map<string, OutputFile>(result.outputFiles.map((f) => [f.path, f]));
  const outputs = result.metafile.outputs;
  // Chunks behind import() are entry points in the metafile too; ours is the one built from stdin.
  const entry = Object.keys(outputs).find((k) => outputs[k]!.entryPoint === ENTRY_NAME);
  if (!entry) throw new Error('esbuild produced no entry chunk');
  const eager = closure(outputs, entry, false);
  // Chunks nothing reaches are dead code esbuild still emits (an import() in a tree-shaken function).
  const reachable = closure(outputs, entry, true);
  const gz = (key: string) => gzipSync(files.get(join(REPO, key))!.contents).length;
  const hasZod = (keys: Iterable<string>) => [...keys].some((k) => Object.keys(outputs[k]!.inputs).some((i) => i.includes('node_modules/zod/')));
  const js = [...reachable];
  const lazyKeys = js.filter((k) => !eager.has(k));
  const inputs = js.flatMap((k) => Object.keys(outputs[k]!.inputs));
  const builtins = new Set(builtinModules);
  const nodeImports = [
    ...new Set(js.flatMap((k) => outputs[k]!.imports.filter((i) => i.external && (i.path.startsWith('node:') || builtins.has(i.path))).map((i) => i.path))),
  ];
  return {
    eager: [...eager].reduce((n, k) => n + gz(k), 0),
    lazy: lazyKeys.reduce((n, k) => n + gz(k), 0),
    chunks: js.length,
    zodEager: hasZod(eager),
    zodAnywhere: hasZod(js),
    nodeImports,
    ioredis: inputs.some((i) => i.includes('node_modules/ioredis/')),
    errcodeTable: inputs.some((i) => i.endsWith('generated/errcodes.ts')),
    undici: inputs.some((i) => i.includes('node_modules/undici/')),
  };
}

/** The entry chunk and every chunk it reaches through static imports (and import(), if asked). */
function closure(outputs: Metafile['outputs'], entry: string, dynamic: boolean): Set<string> {
  const seen = new Set<string>();
  const visit = (k: string) => {
    if (seen.has(k)) return;
    seen.add(k);
    for (const imp of outputs[k]!.imports) {
      if (!imp.external && (imp.kind === 'import-statement' || (dynamic && imp.kind === 'dynamic-import'))) visit(imp.path);
    }
  };
  visit(entry);
  return seen;
}
