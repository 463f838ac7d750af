// catalog/README.md documents the format; these tables are what the generator enforces. Adding a
// key or an enumeration value without documenting it fails here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DEFAULTS_KEYS,
  ENDPOINT_KEYS,
  ERRCODE_KEYS,
  FIELD_KEYS,
  FILE_KEYS,
  PAGINATION_KEYS,
  TYPES_FILE_KEYS,
  WRITTEN_ENCODINGS,
} from '../../codegen/format.js';
import {
  APP_TYPE_FOLDERS,
  APP_TYPES,
  AUTH_SCHEMES,
  ERRCODE_CATEGORIES,
  FIELD_KINDS,
  HTTP_METHODS,
  PAGINATION_STYLES,
  PROTOCOLS,
  REQUEST_ENCODINGS,
  RESPONSE_KINDS,
} from '../../src/core/enums.js';

const readme = readFileSync('catalog/README.md', 'utf8');

describe('catalog/README.md', () => {
  it.each(
    Object.entries({ FILE_KEYS, DEFAULTS_KEYS, TYPES_FILE_KEYS, ENDPOINT_KEYS, FIELD_KEYS, PAGINATION_KEYS, ERRCODE_KEYS }).flatMap(([table, keys]) =>
      keys.map((k) => [table, k]),
    ),
  )('documents %s key %s', (_, key) => {
    expect(readme).toContain(`| \`${key}\` |`);
  });

  it.each(
    Object.entries({
      APP_TYPES,
      AUTH_SCHEMES,
      PROTOCOLS,
      HTTP_METHODS,
      REQUEST_ENCODINGS,
      WRITTEN_ENCODINGS,
      RESPONSE_KINDS,
      PAGINATION_STYLES,
      ERRCODE_CATEGORIES,
      FIELD_KINDS,
      FOLDERS: Object.values(APP_TYPE_FOLDERS).map((f) => `${f}/`),
    }).flatMap(([list, values]) => values.map((v) => [list, v])),
  )('names %s value %s', (_, value) => {
    expect(readme).toContain(`\`${value}\``);
  });
});
