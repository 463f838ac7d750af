// generated/errcodes.ts: the errcode tables the runtime reads (lazily) to describe an API error:
// `errcodes` (official accounts, mini programs, the platform) and, when the catalog has any,
// `workErrcodes` (WeCom's meanings where they differ, and the WeCom-only codes).
import type { Catalog, Errcode } from '../model.js';
import { block, printModule, quote } from './common.js';

export function emitErrcodes(catalog: Catalog): string {
  const table = (name: string, map: Map<number, Errcode>) =>
    block((w) => {
      w.write(`export const ${name}: readonly (readonly [number, string, string, string])[] = [`).newLine();
      w.indent(() => {
        for (const c of [...map.values()].sort((a, b) => a.code - b.code))
          w.write(`[${c.code}, ${quote(c.category)}, ${quote(c.zh ?? '')}, ${quote(c.en ?? '')}],`).newLine();
      });
      w.write('];').newLine();
    });
  const blocks = [table('errcodes', catalog.errcodes)];
  if (catalog.workErrcodes.size) blocks.push(table('workErrcodes', catalog.workErrcodes));
  return printModule(
    catalog.errcodesFile ?? 'errcodes.yaml',
    blocks,
    '[errcode, category, official Chinese message, official English message]; loaded lazily on the first API error.',
  );
}
