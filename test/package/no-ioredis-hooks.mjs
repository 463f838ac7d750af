// Module hooks for optional-ioredis.test.ts: every import of ioredis fails as it does in an app that
// never installed it, and is counted, so the test sees which entry points reach for it.
let attempts = 0;
let port;

export function initialize(data) {
  port = data?.port;
}

export async function resolve(specifier, context, next) {
  if (specifier === 'ioredis' || specifier.startsWith('ioredis/')) {
    attempts++;
    port?.postMessage({ ioredisImports: attempts, parent: context.parentURL });
    const e = new Error(`Cannot find package '${specifier}' imported from ${context.parentURL}`);
    e.code = 'ERR_MODULE_NOT_FOUND';
    throw e;
  }
  return next(specifier, context);
}
