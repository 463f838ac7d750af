import type { AppType, AuthKind } from './types.js';

/** A catalog field as the registry carries it (see catalog/README.md). */
export interface RegistryField {
  type: 'string' | 'integer' | 'number' | 'boolean' | 'any' | 'file' | 'object' | 'array' | 'map';
  optional?: boolean;
  description?: string;
  enum?: readonly (string | number)[];
  items?: RegistryField;
  values?: RegistryField;
  properties?: Readonly<Record<string, RegistryField>>;
}

export interface RegistryEntry {
  id: string;
  namespace: string;
  name: string;
  summary: string;
  docs?: string;
  appTypes: readonly AppType[];
  method: 'GET' | 'POST';
  host: string;
  path: string;
  auth: AuthKind;
  idempotent: boolean;
  response: 'json' | 'binary' | 'text';
  params: { query: Readonly<Record<string, RegistryField>>; body: Readonly<Record<string, RegistryField>>; form: Readonly<Record<string, RegistryField>> };
  result?: Readonly<Record<string, RegistryField>>;
  errcodes?: readonly number[];
  example?: unknown;
  /** Module path inside generated/, e.g. `official-account/material`. */
  module: string;
}
