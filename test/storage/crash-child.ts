// A child process for the file-storage crash tests: runs one fileStorage operation and SIGKILLs
// itself right after its Nth file-system call, which leaves exactly the files a crash at that point
// would leave. Prints "finished" when the operation completed before reaching that call.
//   WXKIT_CRASH_DIR     the storage directory
//   WXKIT_CRASH_OP      set:<value> | deleteIf:<expected>   (always on key "k")
//   WXKIT_CRASH_AT      N: die after the Nth fs/promises call of the operation
import { createRequire, syncBuiltinESMExports } from 'node:module';

const require = createRequire(import.meta.url);
const fs = require('node:fs') as typeof import('node:fs');
const dir = process.env.WXKIT_CRASH_DIR!;
const [op, arg] = process.env.WXKIT_CRASH_OP!.split(/:(.*)/s, 2) as [string, string];
const crashAt = Number(process.env.WXKIT_CRASH_AT);

let armed = false;
let calls = 0;
const promises = fs.promises as unknown as Record<string, unknown>;
for (const name of Object.keys(promises)) {
  const original = promises[name];
  if (typeof original !== 'function' || name === 'constants') continue;
  promises[name] = async function (this: unknown, ...args: unknown[]) {
    const result = await (original as (...a: unknown[]) => Promise<unknown>).apply(this, args);
    if (armed && ++calls === crashAt) process.kill(process.pid, 'SIGKILL');
    return result;
  };
}
// Make `import { rename } from 'node:fs/promises'` in the storage see the wrapped functions.
syncBuiltinESMExports();

const { fileStorage } = await import('../../src/storage/file.js');
const storage = fileStorage({ dir });
await storage.get('warm-up'); // first use of the directory (its sweep) happens before arming
armed = true;
if (op === 'set') await storage.set('k', arg);
else if (op === 'deleteIf') await storage.deleteIf!('k', arg);
else throw new Error(`crash-child: unknown op ${op}`);
armed = false;
console.log(`finished after ${calls} calls`);
