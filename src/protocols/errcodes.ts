// errcode → official message and category. The table (1,800+ rows) is imported lazily on the
// first error, so bundles of code that never fails pay nothing for it.
import type { ErrcodeCategory, ErrcodeInfo } from '../core/errors.js';

let table: Promise<Map<number, ErrcodeInfo>> | undefined;

function load(): Promise<Map<number, ErrcodeInfo>> {
  table ??= import('../../generated/errcodes.js').then(({ errcodes }) => {
    const map = new Map<number, ErrcodeInfo>();
    for (const [code, category, zh, en] of errcodes) {
      map.set(code, { category: category as ErrcodeCategory, ...(zh ? { zh } : {}), ...(en ? { en } : {}) });
    }
    return map;
  });
  return table;
}

/** Codes after which a fresh access_token and one replay fix the call. */
export const TOKEN_ERRCODES: ReadonlySet<number> = new Set([40001, 40014, 42001]);

export async function describeErrcode(code: number): Promise<ErrcodeInfo> {
  const known = (await load()).get(code);
  if (known) return known;
  return { category: TOKEN_ERRCODES.has(code) ? 'token' : code === -1 ? 'system_busy' : 'other' };
}
