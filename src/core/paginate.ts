// Iterators over WeChat's paged lists, driven by the catalog's `pagination:` description. Each
// page is an ordinary call through the one call loop (token, replay, retries, deadline), so an
// iterator is only the bookkeeping between pages: what to send next and when to stop.
//
//   for await (const item of Material.batchGetMaterial.iterate(oa, { type: 'news' })) …
//   for await (const page of User.getUserList.pages(oa)) …
import { callEndpoint } from './call.js';
import type { Client } from './client.js';
import { runtimeOf } from './runtime.js';
import type { AppType, CallOptions, EndpointDescriptor } from './types.js';

/** Options of `iterate()` and `pages()`: call options for every page, plus where to stop. */
export interface PageOptions extends CallOptions {
  /**
   * Items asked for per page (the endpoint's `count` parameter). Default: the caller's own value
   * when the list takes one and it is optional, else 10 (every catalogued list accepts 10).
   */
  pageSize?: number;
  /** Stop after this many items (the last page is cut). */
  maxItems?: number;
  /** Stop after this many pages. */
  maxPages?: number;
}

/** The element type of the list at dotted `path` in R (`'data.openid'` → string). */
export type PageItem<R, P extends string> = NonNullable<At<R, P>> extends readonly (infer E)[] ? E : never;
type At<T, P extends string> = P extends `${infer H}.${infer Rest}` ? At<Field<T, H>, Rest> : Field<T, P>;
type Field<T, K extends string> = NonNullable<T> extends infer O ? (O extends readonly (infer E)[] ? Field<E, K> : K extends keyof O ? O[K] : never) : never;

type Paged<Q, A extends AppType, Out> = {} extends Q
  ? (client: Client<A>, params?: Q, options?: PageOptions) => Out
  : (client: Client<A>, params: Q, options?: PageOptions) => Out;

/**
 * What a paged endpoint adds to its function. `Q` is the endpoint's parameters without the ones
 * the iterator sets itself (offset, cursor, count).
 */
export interface PagedFunctions<Q, R, I, A extends AppType> {
  /** Every item of every page, fetched one page at a time as the loop asks for them. */
  iterate: Paged<Q, A, AsyncGenerator<I, void, undefined>>;
  /** Every page (the whole answer of each call), one call at a time. */
  pages: Paged<Q, A, AsyncGenerator<R, void, undefined>>;
}

/** Reads dotted `path` from an answer; lists on the way are looked through (first element). */
export function valueAt(value: unknown, path: string): unknown {
  let v: unknown = value;
  for (const key of path.split('.')) {
    if (Array.isArray(v)) v = v[0];
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/** Pages of `d` for `params`: the runtime's own calls, one after the other. */
export async function* pagesOf(
  client: Client,
  d: EndpointDescriptor,
  params: Record<string, unknown> | undefined,
  options: PageOptions = {},
): AsyncGenerator<Record<string, unknown>, void, undefined> {
  const p = d.pagination;
  if (!p) throw new TypeError(`${d.id} is not a paged list`);
  const { pageSize, maxItems, maxPages, ...call } = options;
  const rt = runtimeOf(client);
  const base: Record<string, unknown> = { ...(params ?? {}) };
  if (p.count) {
    const required = d.required?.includes(p.count);
    if (pageSize !== undefined) base[p.count] = pageSize;
    else if (base[p.count] === undefined && required) base[p.count] = 10;
  }
  let offset = typeof base[p.offset ?? ''] === 'number' ? (base[p.offset!] as number) : 0;
  let cursor: unknown = p.cursor ? base[p.cursor] : undefined;
  let seen = 0;
  const seenCursors = new Set<string>();
  for (let page = 0; maxPages === undefined || page < maxPages; page++) {
    const request = { ...base };
    if (p.style === 'offset') request[p.offset!] = offset;
    // The first page goes with the caller's cursor, if any (lists whose cursor is required start
    // from a documented value, e.g. msgid 1); later pages with the answer's.
    else if (page > 0) request[p.cursor!] = cursor;
    const answer = (await callEndpoint<Record<string, unknown>>(rt, d, request, call)) as Record<string, unknown>;
    const items = valueAt(answer, p.items);
    const list = Array.isArray(items) ? items : [];
    yield answer;
    seen += list.length;
    if (!list.length || (maxItems !== undefined && seen >= maxItems)) return;
    if (p.style === 'offset') {
      offset += list.length;
      const total = p.total ? valueAt(answer, p.total) : undefined;
      if (typeof total === 'number' && offset >= total) return;
      continue;
    }
    if (p.more) {
      const more = valueAt(answer, p.more);
      if (more === false || more === 0) return;
    }
    const total = p.total ? valueAt(answer, p.total) : undefined;
    if (typeof total === 'number' && seen >= total) return;
    cursor = valueAt(answer, p.next!);
    if (cursor === undefined || cursor === null || cursor === '') return;
    // A list that hands back the cursor it was given would loop for ever: stop instead.
    const key = JSON.stringify(cursor);
    if (seenCursors.has(key)) return;
    seenCursors.add(key);
  }
}

/** Items of every page, cut at `maxItems`. */
export async function* itemsOf(
  client: Client,
  d: EndpointDescriptor,
  params: Record<string, unknown> | undefined,
  options: PageOptions = {},
): AsyncGenerator<unknown, void, undefined> {
  let left = options.maxItems ?? Number.POSITIVE_INFINITY;
  for await (const page of pagesOf(client, d, params, options)) {
    const items = valueAt(page, d.pagination!.items);
    for (const item of Array.isArray(items) ? items : []) {
      if (left-- <= 0) return;
      yield item;
    }
  }
}
