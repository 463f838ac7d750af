// errcode → official message and category. Three sources, in this order:
//
// 1. The endpoint's descriptor: the codes its catalog entry documents, with their official
//    meaning (a few per endpoint), so a bundle of typed calls needs no table for them.
// 2. The full tables (generated/errcodes.ts, 2,000 rows), when at hand: registered by
//    `useErrcodeTable()` from `wxkit/errcodes` (bundled with the app, as any static import), or
//    else imported on the first undocumented error by a specifier computed at run time, which no
//    bundler follows: it loads unbundled (Node from npm, tsx, vitest) and fails quietly in a bundle.
// 3. Otherwise a few built-in rules give the codes that drive behaviour their category (token
//    codes, -1 system busy, the API quota codes); the message is WeChat's own errmsg, which every
//    WxApiError carries.
//
// WeCom (企业微信) gives some codes other meanings (40082 is a banner size for official accounts,
// an invalid suite_token in WeCom) and has codes of its own: a `work` client reads its table first.
import type { AppType } from '../core/enums.js';
import type { ErrcodeCategory, ErrcodeInfo } from '../core/errors.js';
import type { EndpointDescriptor } from '../core/types.js';

type Row = readonly [number, string, string, string];
interface Tables {
  base: Map<number, ErrcodeInfo>;
  work: Map<number, ErrcodeInfo>;
}
/** The shape of generated/errcodes.ts. */
export interface ErrcodeTableModule {
  errcodes: readonly Row[];
  workErrcodes?: readonly Row[];
}

let given: Tables | undefined;
let tables: Promise<Tables | undefined> | undefined;

function toMap(rows: readonly Row[]): Map<number, ErrcodeInfo> {
  const map = new Map<number, ErrcodeInfo>();
  for (const [code, category, zh, en] of rows) {
    map.set(code, { category: category as ErrcodeCategory, ...(zh ? { zh } : {}), ...(en ? { en } : {}) });
  }
  return map;
}

function toTables(m: ErrcodeTableModule): Tables {
  return { base: toMap(m.errcodes), work: toMap(m.workErrcodes ?? []) };
}

/** Makes the full tables the source of meanings (`useErrcodeTable()` in `wxkit/errcodes` calls this). */
export function registerErrcodeTable(m: ErrcodeTableModule): void {
  given = toTables(m);
}

function load(): Promise<Tables | undefined> {
  if (given) return Promise.resolve(given);
  tables ??= (async () => {
    try {
      // Computed, so bundlers leave it alone (esbuild inlines a literal import() without code splitting).
      const url = new URL(['..', '..', 'generated', 'errcodes.js'].join('/'), import.meta.url).href;
      return toTables((await import(/* @vite-ignore */ /* webpackIgnore: true */ url)) as ErrcodeTableModule);
    } catch {
      return undefined;
    }
  })();
  return tables.then((t) => given ?? t);
}

/** Codes after which a fresh access_token and one replay fix the call. */
export const TOKEN_ERRCODES: ReadonlySet<number> = new Set([40001, 40014, 42001]);

/** The category of a code no table describes: only the codes whose meaning changes what callers do. */
function builtIn(code: number, appType?: AppType): ErrcodeInfo {
  const work = appType === 'work';
  let category: ErrcodeCategory = 'other';
  if (code === -1 || code === -1000) category = 'system_busy';
  else if (work ? [40014, 41001, 42001, 40082, 42009].includes(code) : TOKEN_ERRCODES.has(code) || code === 41001) category = 'token';
  else if (code === 45009 || code === 45011 || (work && code === 45033)) category = 'rate_limit';
  return { category };
}

/**
 * The official meaning of an errcode, from the full tables. `appType: 'work'` (a WeCom client)
 * gives WeCom's meaning where it differs, and knows the WeCom-only codes; every other app type
 * reads the shared table. Without the tables (a bundle that did not call `useErrcodeTable()`),
 * only the category of the behaviour-driving codes, and no message.
 */
export async function describeErrcode(code: number, appType?: AppType): Promise<ErrcodeInfo> {
  const t = await load();
  return (t && lookup(t, code, appType)) ?? builtIn(code, appType);
}

function lookup({ base, work }: Tables, code: number, appType?: AppType): ErrcodeInfo | undefined {
  return (appType === 'work' ? work.get(code) : undefined) ?? base.get(code);
}

/** What an API error of this endpoint means: its documented codes first, then describeErrcode(). */
export async function describeEndpointErrcode(code: number, d: EndpointDescriptor, appType?: AppType): Promise<ErrcodeInfo> {
  const own = d.errcodes?.[code];
  const documented: ErrcodeInfo | undefined = own && { category: own[0], ...(own[1] ? { zh: own[1] } : {}), ...(own[2] ? { en: own[2] } : {}) };
  // The descriptor of an endpoint shared with other app types holds the shared meaning: a WeCom
  // client asks the tables for WeCom's.
  if (documented && !(appType === 'work' && d.appTypes.some((t) => t !== 'work'))) return documented;
  const t = await load();
  return (t && lookup(t, code, appType)) ?? documented ?? builtIn(code, appType);
}
