// Child process of optional-ioredis.test.ts (run with tsx): ioredis is made unresolvable, every
// package entry point is imported, then redisStorage is used. Prints one JSON line.
import { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';

const { port1, port2 } = new MessageChannel();
const seen = [];
port1.on('message', (m) => seen.push(m));
port1.unref();
register(new URL('./no-ioredis-hooks.mjs', import.meta.url), { data: { port: port2 }, transferList: [port2] });

const entries = JSON.parse(process.argv[2]);
const result = { imported: [], failed: [], ioredisAtImport: 0, redis: undefined };
for (const file of entries) {
  try {
    await import(new URL(file, new URL('../../', import.meta.url)).href);
    result.imported.push(file);
  } catch (e) {
    result.failed.push(`${file}: ${e?.message ?? e}`);
  }
}
await new Promise((r) => setTimeout(r, 50)); // let the hooks thread's messages arrive
result.ioredisAtImport = seen.length;

const { redisStorage, WxConfigError } = await import(new URL('../../src/index.ts', import.meta.url).href);
const storage = redisStorage({ url: 'redis://127.0.0.1:1/0' });
try {
  await storage.get('k');
  result.redis = 'no error';
} catch (e) {
  result.redis = { configError: e instanceof WxConfigError, name: e?.name, message: e?.message };
}
console.log(JSON.stringify(result));
