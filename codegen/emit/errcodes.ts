// generated/errcodes.ts: the errcode table the runtime reads (lazily) to describe an API error.
import type { Catalog } from '../model.js';
import { block, printModule, quote } from './common.js';

export function emitErrcodes(catalog: Catalog): string {
  const codes = [...catalog.errcodes.values()].sort((a, b) => a.code - b.code);
  return printModule(
    catalog.errcodesFile ?? 'errcodes.yaml',
    [
      block((w) => {
        w.write('export const errcodes: readonly (readonly [number, string, string, string])[] = [').newLine();
        w.indent(() => {
          for (const c of codes) w.write(`[${c.code}, ${quote(c.category)}, ${quote(c.zh ?? '')}, ${quote(c.en ?? '')}],`).newLine();
        });
        w.write('];').newLine();
      }),
    ],
    '[errcode, category, official Chinese message, official English message]; loaded lazily on the first API error.',
  );
}
