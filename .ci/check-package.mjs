// Checks the package as npm would publish it, after `npm run build`: packs it, then
//   - the tarball holds no TypeScript sources (only .d.ts) and no declaration maps;
//   - every .js.map carries its sources' text (sourcesContent), since the .ts files are not shipped;
//   - every export and bin target is in the tarball; LICENSE, CHANGELOG.md and README.md are;
//   - attw (ESM-only profile) and publint (--strict) pass on the tarball.
// attw and publint come from the registry through npx: offline, those two are skipped with a message.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ATTW = '@arethetypeswrong/cli@0.18.5';
const PUBLINT = 'publint@0.3.25';
const root = new URL('..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'wxkit-pack-'));
const problems = [];
try {
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
  const tarball = join(dir, packed.filename);
  const files = new Set(packed.files.map((f) => f.path));
  const mb = (n) => `${(n / 1e6).toFixed(2)} MB`;
  console.log(`${packed.filename}: ${mb(packed.size)} packed, ${mb(packed.unpackedSize)} unpacked, ${packed.entryCount} files`);

  for (const f of files) {
    if (/\.[cm]?ts$/.test(f) && !/\.d\.[cm]?ts$/.test(f)) problems.push(`TypeScript source in the tarball: ${f}`);
    if (f.endsWith('.d.ts.map')) problems.push(`declaration map in the tarball (points at unshipped .ts): ${f}`);
  }
  let maps = 0;
  for (const f of files) {
    if (!f.endsWith('.js.map')) continue;
    maps++;
    const map = JSON.parse(readFileSync(join(root, f), 'utf8'));
    const content = map.sourcesContent ?? [];
    if (!map.sources?.length || content.length !== map.sources.length || content.some((c) => typeof c !== 'string')) {
      problems.push(`${f}: sourcesContent missing (its sources ${JSON.stringify(map.sources)} are not shipped)`);
    }
  }
  if (maps === 0) problems.push('no source maps in the tarball');
  for (const f of ['LICENSE', 'README.md', 'CHANGELOG.md', 'package.json']) if (!files.has(f)) problems.push(`${f} is not in the tarball`);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const targets = [];
  const walk = (v) => (typeof v === 'string' ? targets.push(v) : v && typeof v === 'object' && Object.values(v).forEach(walk));
  walk(pkg.exports);
  walk(pkg.imports);
  walk(pkg.bin);
  for (const t of targets) {
    if (t.includes('*')) continue;
    if (!files.has(t.replace(/^\.\//, ''))) problems.push(`package.json points at ${t}, which is not in the tarball`);
  }
  console.log(`contents: ${maps} source maps with sourcesContent, ${targets.length} export/import/bin targets present`);

  let online = true;
  try {
    execFileSync('npm', ['ping'], { stdio: 'ignore', timeout: 20_000 });
  } catch {
    online = false;
  }
  if (!online) {
    console.log('SKIPPED attw and publint: the npm registry is not reachable (npx cannot fetch them)');
  } else {
    for (const [name, args] of [
      ['attw', [ATTW, tarball, '--profile', 'esm-only', '--format', 'table-flipped']],
      ['publint', [PUBLINT, 'run', tarball, '--strict']],
    ]) {
      console.log(`-- ${name}`);
      try {
        execFileSync('npx', ['-y', ...args], { cwd: root, stdio: 'inherit', timeout: 300_000 });
      } catch {
        problems.push(`${name} reported problems (above)`);
      }
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (problems.length) {
  console.error(`package check: ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(1);
}
console.log('package check passed');
