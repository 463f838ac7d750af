// Answering like WeChat, shared by the catalog routes (server.ts) and the platform routes
// (platform/): `{ errcode, errmsg }` bodies carrying a request id, and the required-parameter check.
import type { RegistryEntry } from '../registry/index.js';

/** What a component route answers; `undefined` lets the ordinary catalog route answer. */
export type ComponentAnswer = { status?: number; body: unknown } | undefined;

export function wxErrorBody(errcode: number, errmsg: string): { errcode: number; errmsg: string } {
  return { errcode, errmsg: `${errmsg} rid: sim-${Date.now().toString(16)}` };
}

export function ok(body: unknown): ComponentAnswer {
  return { body };
}

export function wx(errcode: number, errmsg: string, status = 200): ComponentAnswer {
  return { status, body: wxErrorBody(errcode, errmsg) };
}

/** Required query and JSON body fields of `entry` the request lacks, query first. */
export function missingFields(entry: RegistryEntry, url: URL, json: Record<string, unknown> | undefined): string[] {
  const missing: string[] = [];
  for (const [k, f] of Object.entries(entry.params.query)) if (!f.optional && !url.searchParams.has(k)) missing.push(k);
  for (const [k, f] of Object.entries(entry.params.body)) if (!f.optional && json?.[k] === undefined) missing.push(k);
  return missing;
}
