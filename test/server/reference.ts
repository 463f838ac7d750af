// Loads the externally authored reference data that sits beside the repository (../shared/reference).
// Missing data is a hard failure, not a skip: these vectors are the point of the tests.

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = new URL('../../../shared/reference/', import.meta.url);

export function readReference(relative: string): string {
  const url = new URL(relative, ROOT);
  if (!existsSync(url)) {
    throw new Error(
      `wxkit server tests need the shared reference data: ${fileURLToPath(url)} is missing. ` +
        `Expected a "shared/reference" folder beside the repository root (${fileURLToPath(ROOT)}).`,
    );
  }
  return readFileSync(url, 'utf8');
}

export function readReferenceJson<T>(relative: string): T {
  return JSON.parse(readReference(relative)) as T;
}

export interface CryptoCase {
  name: string;
  type: string;
  input: Record<string, string>;
  expected: Record<string, string>;
}

export interface XmlIndexEntry {
  file: string;
  category: 'mp' | 'miniprogram' | 'component' | 'work' | 'pay' | 'reply';
  format: 'xml' | 'json';
  msg_type?: string;
  event?: string;
  info_type?: string;
  top_level_fields: Record<string, string | number>;
}
