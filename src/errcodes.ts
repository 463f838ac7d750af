// `wxkit/errcodes`: the full errcode tables (2,000 rows, ~40 KB gzipped), for apps that want the
// official message of every code, not only of the codes each endpoint documents. Bundled like any
// static import; `useErrcodeTable()` makes the runtime describe errors from it.
import { errcodes, workErrcodes } from '../generated/errcodes.js';
import { registerErrcodeTable } from './protocols/errcodes.js';

export { errcodes, workErrcodes };
export { describeErrcode } from './protocols/errcodes.js';

/** From now on every WxApiError carries the official meaning of its code, documented or not. */
export function useErrcodeTable(): void {
  registerErrcodeTable({ errcodes, workErrcodes });
}
