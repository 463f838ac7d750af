// Real WeChat answers (../shared/reference/responses, collected from other SDKs' test suites)
// against the catalog: every sample whose endpoint is catalogued must parse under the schema that
// `validation: 'strict'` applies. Error answers (errcode ≠ 0) are not results and are left out.
import { expect, it } from 'vitest';
import { endpoints, type RegistryEntry } from '../../src/registry/index.js';
import type { SchemaLike } from '../../src/core/types.js';
import { describeReference, readReferenceJson } from '../reference.js';

interface Sample {
  file: string;
  host: string;
  endpoint: string;
  group: string;
}

/** Placeholders compared by position: `/v3/x/{id}` matches `/v3/x/{transaction_id}` and `/v3/x/4200…`. */
function matches(entry: RegistryEntry, host: string, path: string): boolean {
  if (entry.host !== host) return false;
  const a = entry.path.replace(/\/+$/, '').split('/');
  const b = path.replace(/\/+$/, '').split('/');
  return a.length === b.length && a.every((seg, i) => seg === b[i] || /^\{.+\}$/.test(seg) || /^\{.+\}$/.test(b[i]!));
}

async function schemaOf(entry: RegistryEntry): Promise<SchemaLike | undefined> {
  const url = new URL(`../../generated/${entry.module}.schema.ts`, import.meta.url).href;
  const mod = (await import(/* @vite-ignore */ url)) as Record<string, SchemaLike>;
  return mod[entry.name];
}

describeReference('real answers parse under strict validation', () => {
  const index = readReferenceJson<Sample[]>('responses/index.json');
  const cases = index
    .map((s) => ({
      s,
      entry: endpoints.find((e) => matches(e, s.host, s.endpoint) && (e.response ?? 'json') === (s.group === 'pay_v2_fields' ? 'xml' : 'json')),
    }))
    .filter((c): c is { s: Sample; entry: RegistryEntry } => c.entry !== undefined);

  it('finds most samples in the catalog (the check below checks something)', () => {
    expect(cases.length).toBeGreaterThan(200);
  });

  it.each(cases.map((c) => [`${c.s.file} → ${c.entry.id}`, c] as const))('%s', async (_, { s, entry }) => {
    const body = readReferenceJson<Record<string, unknown>>(`responses/${s.file}`);
    if (typeof body.errcode === 'number' && body.errcode !== 0) return;
    const schema = await schemaOf(entry);
    expect(schema, `${entry.id} has a result schema`).toBeDefined();
    const result = schema!.safeParse(body);
    const issues = result.success ? [] : result.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
    expect(issues).toEqual([]);
  });
});
