// The one place that knows where the externally authored reference data is.
//
// CI keeps a `shared/reference` folder beside the repository; a user's clone has no such folder.
// The tests therefore carry their own fixtures (test/fixtures/), and the suites that check wxkit
// against the reference data are declared with describeReference(): they run wherever the folder
// exists and are skipped with a notice (and a skipped test saying so) everywhere else.
//
//   WXKIT_REFERENCE_DIR=/some/dir   look there instead of ../shared/reference
//                                   (WXKIT_REFERENCE_DIR=/nonexistent runs the suite as a fresh clone would)
//   WXKIT_REQUIRE_REFERENCE=1       a missing folder fails the run instead of skipping

import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { describe, it } from 'vitest';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const OVERRIDE = process.env.WXKIT_REFERENCE_DIR;

/** Absolute path of the reference folder this run looks at. */
export const REFERENCE_DIR = OVERRIDE ? resolve(OVERRIDE) : resolve(REPO_ROOT, '..', 'shared', 'reference');

/** True when the reference folder exists: the conformance suites run. */
export const hasReference = existsSync(REFERENCE_DIR) && statSync(REFERENCE_DIR).isDirectory();

/** Name of the placeholder test a skipped conformance suite reports. */
export const SKIPPED_TEST_NAME = '../shared/reference not found: conformance suite skipped';

if (!hasReference && process.env.WXKIT_REQUIRE_REFERENCE === '1') {
  throw new Error(`WXKIT_REQUIRE_REFERENCE=1 but the reference folder ${REFERENCE_DIR} does not exist`);
}

/**
 * A suite that needs the reference data. `body` only runs (and so only reads reference files) when
 * the folder exists; otherwise the suite holds one skipped test named SKIPPED_TEST_NAME and a notice
 * goes to stderr, so a skip is never silent.
 */
export function describeReference(name: string, body: () => void): void {
  if (hasReference) {
    describe(name, body);
    return;
  }
  console.warn(
    `[wxkit tests] ${name}: no reference data at ${REFERENCE_DIR}, conformance suite skipped ` +
      `(the fixtures under test/fixtures still run; set WXKIT_REFERENCE_DIR to use another folder)`,
  );
  describe(name, () => {
    it.skip(SKIPPED_TEST_NAME, () => undefined);
  });
}

/** Text of a file under the reference folder. Only call this inside describeReference(). */
export function readReference(relative: string): string {
  const path = resolve(REFERENCE_DIR, relative);
  if (!existsSync(path)) {
    // The folder is there but this file is not: the data changed shape, which is a real failure.
    throw new Error(`reference file ${relative} is missing from ${REFERENCE_DIR}`);
  }
  return readFileSync(path, 'utf8');
}

export function readReferenceJson<T>(relative: string): T {
  return JSON.parse(readReference(relative)) as T;
}

/** Text of a fixture shipped with the tests (test/fixtures/...). */
export function readFixture(relative: string): string {
  return readFileSync(fileURLToPath(new URL(`fixtures/${relative}`, import.meta.url)), 'utf8');
}

export function readFixtureJson<T>(relative: string): T {
  return JSON.parse(readFixture(relative)) as T;
}

/** A crypto or signature vector: the shape of the reference case files and of test/fixtures/vectors. */
export interface CryptoCase {
  /** Stable id of an embedded vector (test/fixtures/vectors); absent in the reference files. */
  id?: string;
  name?: string;
  title?: string;
  type: string;
  input: Record<string, string>;
  expected: Record<string, string>;
}

/** Same vector whatever the wrapper around it: the type, the inputs and the expected values. */
export function sameVector(a: CryptoCase, b: CryptoCase): boolean {
  return a.type === b.type && isDeepStrictEqual(a.input, b.input) && isDeepStrictEqual(a.expected, b.expected);
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
