// The WeCom wire is WeChat's (errcode envelopes on HTTP 200); only the errcodes that mean "this
// token was refused" differ for the suite and provider tokens: 40082 (invalid suite or provider
// token) and 42009 (suite token expired) besides 40001 / 40014 / 42001. Runtimes that send those
// tokens register this protocol under the name `wechat`, so a refused one is replaced once.
import { WxApiError } from '../core/errors.js';
import { TOKEN_ERRCODES } from '../protocols/errcodes.js';
import type { Protocol } from '../protocols/types.js';
import { wechatProtocol } from '../protocols/wechat.js';

export const WORK_TOKEN_ERRCODES: ReadonlySet<number> = new Set([...TOKEN_ERRCODES, 40082, 42009]);

export const workProtocol: Protocol = {
  name: 'wechat',
  decode: wechatProtocol.decode,
  isTokenError: (error) => error instanceof WxApiError && WORK_TOKEN_ERRCODES.has(error.errcode),
};
