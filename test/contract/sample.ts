// A value for every required field of a registry field map, for the contract tests that call each
// catalogued endpoint with made-up parameters. `special` answers the keys a test must control (ids
// the simulator checks); everything else gets a placeholder of its type.
import type { RegistryField } from '../../src/registry/index.js';

export interface SampleOptions {
  /** A value for `key`, or undefined for the placeholder. */
  special?: (key: string) => unknown;
  /** The bytes of a `file` field. */
  file?: Uint8Array;
}

export function sample(f: RegistryField, key: string, o: SampleOptions = {}): unknown {
  if (f.enum) return f.enum[0];
  const chosen = o.special?.(key);
  if (chosen !== undefined) return chosen;
  switch (f.type) {
    case 'string':
      return `sample-${key}`;
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return true;
    case 'any':
      return {};
    case 'file':
      return { data: o.file ?? new Uint8Array([1, 2, 3]), filename: `${key}.png` };
    case 'array':
      return [sample(f.items!, key, o)];
    case 'map':
      return { k: sample(f.values!, key, o) };
    case 'object':
      return requiredSamples(f.properties!, o);
  }
}

/** Samples of the required, non-constant fields of `fields`. */
export function requiredSamples(fields: Readonly<Record<string, RegistryField>>, o: SampleOptions = {}): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(fields)
      .filter(([, p]) => !p.optional && p.const === undefined)
      .map(([k, p]) => [k, sample(p, k, o)]),
  );
}
