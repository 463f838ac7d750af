// Kept so existing imports of './reference.js' keep working: everything lives in test/reference.ts.
export * from '../reference.js';
