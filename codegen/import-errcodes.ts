// One-off importer: turns the merged global errcode tables into catalog/errcodes.yaml.
// Run it again when the tables change; afterwards the YAML is the source of truth and may be
// corrected by hand (the generator reads only the YAML).
//   npx tsx codegen/import-errcodes.ts ../shared/reference/errcodes/merged_by_code.json
import { readFileSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { ERRCODE_CATEGORIES, type ErrcodeCategory } from '../src/core/enums.js';

interface Row {
  errcode: number;
  zh?: Record<string, string>;
  en?: string;
  name?: string;
}

// Which table's Chinese text wins when several describe the same code: the official
// account and mini program tables are transcribed from the official pages most closely.
const PREFERENCE = ['official_account', 'miniprogram', 'open_platform', 'wecom', 'wechatpy'];

const TOKEN = new Set([40001, 40014, 42001, 41001, 42007, 40082, 42002]);
const CREDENTIAL = new Set([40002, 40013, 40125, 40164, 40243, 41002, 41004, 61023, 40029, 40163, 61004, 61005, 61006]);
const RATE = new Set([45009, 45011, 45033, 45047, 45015, 45102, 45104, 89503, 45002]);

export function categorize(code: number, zh: string, en: string | undefined): ErrcodeCategory {
  if (code === 0) return 'ok';
  if (code === -1 || /系统繁忙|system (busy|error)/i.test(zh + (en ?? ''))) return 'system_busy';
  if (TOKEN.has(code)) return 'token';
  if (CREDENTIAL.has(code)) return 'credential';
  if (RATE.has(code) || /频率|次数.*(限制|上限|超过)|超过.*(限制|上限)|reach max|limit/i.test(zh + (en ?? ''))) return 'rate_limit';
  if (/权限|未授权|没有授权|无权|unauthorized|permission/i.test(zh + (en ?? ''))) return 'permission';
  if (/不存在|not exist|not found/i.test(zh + (en ?? ''))) return 'not_found';
  if (/违规|敏感|内容|risky|content/i.test(zh)) return 'content';
  if (/不合法|无效|缺少|参数|格式|invalid|missing|illegal/i.test(zh + (en ?? ''))) return 'parameter';
  return 'other';
}

function main(path: string): void {
  const rows = JSON.parse(readFileSync(path, 'utf8')) as Row[];
  const out: Record<string, { zh?: string; en?: string; category: string }> = {};
  for (const row of [...rows].sort((a, b) => a.errcode - b.errcode)) {
    const table = PREFERENCE.find((t) => row.zh?.[t]);
    const zh = table ? row.zh![table]!.trim() : undefined;
    const entry: { zh?: string; en?: string; category: string } = { category: categorize(row.errcode, zh ?? '', row.en) };
    if (zh) entry.zh = zh;
    if (row.en) entry.en = row.en.trim();
    out[String(row.errcode)] = entry;
  }
  const header =
    '# errcode → official message and category. Imported from the global errcode tables by\n' +
    '# codegen/import-errcodes.ts; corrections by hand are welcome.\n' +
    `# categories: ${ERRCODE_CATEGORIES.join(', ')}\n`;
  writeFileSync('catalog/errcodes.yaml', header + stringify(out, { lineWidth: 0 }));
  console.log(`wrote ${Object.keys(out).length} errcodes to catalog/errcodes.yaml`);
}

if (process.argv[1]?.endsWith('import-errcodes.ts')) {
  const path = process.argv[2];
  if (!path) {
    console.error('usage: npx tsx codegen/import-errcodes.ts <merged_by_code.json>');
    process.exit(2);
  }
  main(path);
}
