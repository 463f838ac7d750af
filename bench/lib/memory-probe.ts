// Runs in a fresh `node --expose-gc` process (bundled by bench/memory.ts) and prints one JSON line
// with the process's memory after loading what `mode` says. Each mode is a dynamic import, so
// with code splitting the baseline loads nothing of wxkit.
import 'node:http';

const mode = process.argv[2];
const count = Number(process.argv[3] ?? 1);
// Kept reachable until measured, so the collector cannot free what is being measured.
const keep: unknown[] = [];

async function settle(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('memory probe needs node --expose-gc');
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 10));
  }
}

const token = { get: async () => 'BENCH_TOKEN', invalidate: async () => undefined };

if (mode === 'catalog') {
  const { createClient } = await import('../../src/index.js');
  keep.push(await import('../../generated/official-account/index.js'), await import('../../generated/mini-program/index.js'));
  keep.push(createClient({ appType: 'official_account', appid: 'wxbench000000000', accessToken: token }));
} else if (mode === 'clients') {
  const { createClient } = await import('../../src/index.js');
  // Authorizer clients of a component platform: distinct appids, tokens supplied from outside.
  for (let i = 0; i < count; i++) {
    keep.push(createClient({ appType: 'official_account', appid: `wx${String(i).padStart(16, '0')}`, accessToken: token }));
  }
} else if (mode !== 'baseline') {
  throw new Error(`unknown mode ${mode}`);
}

await settle();
const m = process.memoryUsage();
process.stdout.write(`${JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed, kept: keep.length })}\n`);
