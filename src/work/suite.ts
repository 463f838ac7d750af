// createSuite(): one WeCom third-party app (第三方应用) or 代开发 template. Like the official
// platform's component it keeps its ticket, its token and every authorized corp in the storage it
// is given, so a restarted process, or another node on the same store, works at once:
//   - the suite_ticket WeCom pushes every 10 minutes, stored the moment it arrives (only from
//     pushes whose SuiteId is this suite's);
//   - the suite_access_token (get_suite_token) and each corp's access_token (get_corp_token, or
//     gettoken with the permanent code for 代开发 apps), in TokenManagers whose keys name the
//     suite and the corp, so nothing is ever shared across suites or corps;
//   - the permanent code of each corp (no TTL), and its record (corp name, agentid, auth info).
// The handlers (instruction URL, data URL, install redirect) are in suite-handlers.ts.
import { tokenInQuery } from '../auth/schemes.js';
import { TokenManager, type FetchedToken } from '../auth/token-manager.js';
import { cachedBy, clientFor, type Client } from '../core/client.js';
import { execute } from '../core/call.js';
import { WxApiError, WxConfigError } from '../core/errors.js';
import { Runtime, runtimeSettings, type RuntimeSettings, type RuntimeSettingsOptions, type TokenProvider } from '../core/runtime.js';
import { createCrypto } from '../callbacks/msg-crypt.js';
import type { MessageHandler } from '../callbacks/message-handler.js';
import type { CreateAuthInfo, ResetPermanentCodeInfo } from '../callbacks/work-message-types.js';
import type { HubStorage } from '../hub/hub-storage.js';
import type { Storage } from '../storage/types.js';
import { getAuthInfo, getCorpToken, getPermanentCode, getPreAuthCode, getSuiteToken, getToken, setSessionInfo, WORK_HOST } from './endpoints.js';
import { workProtocol } from './protocol.js';
import { SuiteEmitter, type SuiteEventName, type SuiteListener } from './suite-events.js';
import {
  suiteDataHandler,
  suiteEventHandler,
  suiteRedirectHandler,
  type SuiteDataHandlerOptions,
  type SuiteEventHandlerOptions,
  type SuiteRedirectHandlerOptions,
} from './suite-handlers.js';
import { SuiteStore, suiteKeys, type StoredSuiteTicket, type SuiteCorpRecord, type SuiteKeys } from './suite-store.js';
import { checkTicketType, noCardTicket, registerWorkClient, workTicketManager, type WorkTicketType } from './tickets.js';

export interface SuiteOptions extends RuntimeSettingsOptions {
  /** The suite id (第三方应用 SuiteID, `ww…`/`wx…`), or a 代开发 template id (`dk…`). */
  suiteId: string;
  /** The suite's secret; not needed when tokens come from a hub (`hub`). */
  suiteSecret?: string;
  /** Token of the callback settings; needed by the handlers. */
  token?: string;
  /** EncodingAESKey of the callback settings (43 characters); needed by the handlers. */
  encodingAESKey?: string;
  /**
   * Where the ticket, tokens and permanent codes live: fileStorage or redisStorage so a restart
   * keeps them (memoryStorage only for tests). Optional with `hub`.
   */
  storage?: Storage;
  /**
   * Read the suite token and the corps' tokens and tickets from a wxkit hub (`hubStorage(…)`)
   * instead of fetching them.
   */
  hub?: HubStorage;
  /**
   * The service provider's corpid. WeCom encrypts the URL check (GET) of the suite's callback URLs
   * with it rather than with the suite id; with it set, those checks are accepted too.
   */
  providerCorpid?: string;
  refreshMarginMs?: number;
  now?: () => number;
}

export interface InstallUrlOptions {
  /** Where WeCom sends the admin back with `auth_code`, `expires_in` and `state`. */
  redirectUri: string;
  /** Handed back on the redirect (and in create_auth): letters and digits, at most 128. */
  state?: string;
  /** 0: a real install (default when absent), 1: a test install of an unpublished app (set_session_info). */
  authType?: 0 | 1;
}

export interface WxSuite {
  readonly suiteId: string;
  /** The suite's own client (suite_access_token): raw requests default to it, on qyapi.weixin.qq.com. */
  readonly client: Client<'work'>;
  readonly storage: Storage;

  on<E extends SuiteEventName>(event: E, listener: SuiteListener<E>): () => void;
  off<E extends SuiteEventName>(event: E, listener: SuiteListener<E>): void;

  /** The stored suite_ticket, if one has arrived (in this process or another on the store). */
  getSuiteTicket(): Promise<StoredSuiteTicket | undefined>;
  /** Store a ticket obtained elsewhere; the handler does this for every push. */
  saveSuiteTicket(ticket: string, timestamp?: number): Promise<void>;
  /** A valid suite_access_token; WxConfigError while no suite_ticket has arrived. */
  getSuiteAccessToken(): Promise<string>;

  createPreAuthCode(): Promise<{ preAuthCode: string; expiresIn: number }>;
  /** Configure one install (`auth_type` 1 lets an unpublished app be test-installed). */
  setSessionInfo(preAuthCode: string, session: { authType?: 0 | 1; appid?: number[] }): Promise<void>;
  /** A fresh pre_auth_code (and session info when authType is given), as the install link. */
  installUrl(options: InstallUrlOptions): Promise<string>;
  /**
   * Exchanges a temporary auth code (redirect or create_auth push) for the permanent code and stores
   * the corp. Each code is exchanged once; its second arrival finds the stored corp.
   */
  handleAuthCode(authCode: string): Promise<SuiteCorpRecord>;

  /** The client of an authorized corp (its access_token for this suite); created once and cached. */
  corp(corpid: string): Client<'work'>;
  getCorp(corpid: string): Promise<SuiteCorpRecord | undefined>;
  listCorps(): Promise<SuiteCorpRecord[]>;
  /** Forget a corp: its permanent code, tokens and record. */
  removeCorp(corpid: string): Promise<SuiteCorpRecord | undefined>;
  /** Re-read the corp's authorization with get_auth_info and store it. */
  refreshCorpInfo(corpid: string): Promise<SuiteCorpRecord>;

  /** The instruction URL (指令回调URL): tickets and authorization events; receiveid = the suite id. */
  eventHandler(options?: SuiteEventHandlerOptions): MessageHandler;
  /**
   * The data URL (数据回调URL, e.g. `…/wecom/data/$CORPID$`): members' messages and app events of
   * an authorized corp, decrypted with that corp's id.
   */
  dataHandler(options: SuiteDataHandlerOptions): MessageHandler;
  /** The install link's redirect_uri: exchanges `auth_code`. */
  authRedirectHandler(options?: SuiteRedirectHandlerOptions): (request: Request) => Promise<Response>;
}

/** What the handlers need beyond the public API. */
export interface SuiteInternals {
  store: SuiteStore;
  emitter: SuiteEmitter;
  keys: SuiteKeys;
  crypto(): { token: string; encodingAESKey: string };
  providerCorpid: string | undefined;
  /** The suite_access_token provider (a TokenManager unless the suite reads from a hub): what a hub serves. */
  suiteToken: TokenProvider;
  authorize(code: string, source: 'event' | 'redirect' | 'code', message?: CreateAuthInfo | ResetPermanentCodeInfo): Promise<SuiteCorpRecord>;
  hasStorage: boolean;
}

export const kSuite: unique symbol = Symbol('wxkit.suite.internals');
export type SuiteWithInternals = WxSuite & { readonly [kSuite]: SuiteInternals };

const ID = /^[A-Za-z0-9_-]{4,64}$/;
const STATE = /^[A-Za-z0-9]{1,128}$/;

/**
 * A WeCom third-party app (or 代开发 template): the suite_ticket stored as it arrives, the suite
 * token, installs and their permanent codes, the authorization events, and a client per corp.
 *
 * @example
 * ```ts
 * import { createSuite } from 'wxkit/work';
 * import { redisStorage } from 'wxkit';
 *
 * const suite = createSuite({
 *   suiteId: 'ww…', suiteSecret: process.env.SUITE_SECRET!, token: process.env.SUITE_TOKEN!,
 *   encodingAESKey: process.env.SUITE_AES_KEY!, storage: redisStorage({ url: process.env.REDIS_URL! }),
 * });
 * suite.on('create_auth', ({ corpid }) => console.log('installed by', corpid));
 * const corp = suite.corp('ww_corp…');
 * ```
 * @throws {WxConfigError} for a malformed suiteId, no suiteSecret (without a hub), no storage, or a bad key
 */
export function createSuite(options: SuiteOptions): WxSuite {
  const suiteId = options?.suiteId;
  if (typeof suiteId !== 'string' || !ID.test(suiteId)) {
    throw new WxConfigError(`createSuite: suiteId must be letters and digits, got ${JSON.stringify(suiteId)}`);
  }
  const { hub } = options;
  const secret = options.suiteSecret;
  if (!hub && (typeof secret !== 'string' || !secret))
    throw new WxConfigError(`createSuite: suite ${suiteId} needs its suiteSecret (or a hub to read tokens from)`);
  if (!hub && !options.storage) {
    throw new WxConfigError(
      `createSuite: suite ${suiteId} needs a storage (fileStorage / redisStorage; memoryStorage for tests): the suite_ticket and the corps' permanent codes must survive a restart`,
    );
  }
  if (options.providerCorpid !== undefined && !ID.test(options.providerCorpid)) {
    throw new WxConfigError(`createSuite: providerCorpid must be letters and digits, got ${JSON.stringify(options.providerCorpid)}`);
  }
  if (options.token !== undefined || options.encodingAESKey !== undefined) {
    // Fails at startup rather than on the first push.
    createCrypto({ token: options.token ?? '', encodingAESKey: options.encodingAESKey ?? '', receiveId: suiteId });
  }
  const now = options.now ?? Date.now;
  const storage: Storage = options.storage ?? noStorage(suiteId);
  const keys = suiteKeys(suiteId);
  const store = new SuiteStore(storage, keys, suiteId, now);
  const emitter = new SuiteEmitter(suiteId);
  const settings: RuntimeSettings = runtimeSettings(options);
  const margin = options.refreshMarginMs;

  // ---------------------------------------------------------------- the suite's own token
  let suiteRt: Runtime;
  const suiteToken: TokenProvider =
    hub?.suiteAccessToken(suiteId) ??
    new TokenManager({
      key: keys.suiteToken,
      storage,
      refreshMarginMs: margin,
      now,
      fetch: fetchSuiteToken,
      onBackgroundError: (error) => void emitter.report('refresh', error),
    });
  suiteRt = new Runtime({
    ...settings,
    appType: 'work',
    appid: suiteId,
    auth: { suite_access_token: tokenInQuery('suite_access_token', suiteToken) },
    protocols: { wechat: workProtocol },
  });
  const client = clientFor(suiteRt, 'work', { auth: 'suite_access_token', host: WORK_HOST });

  async function fetchSuiteToken(): Promise<FetchedToken> {
    const stored = await store.getTicket();
    if (!stored) {
      throw new WxConfigError(
        `no suite_ticket has arrived yet for suite ${suiteId}; WeCom pushes one every 10 minutes to the instruction URL (suite.eventHandler()), and the provider console can push one at once`,
      );
    }
    const { data } = await execute<{ suite_access_token: string; expires_in: number }>(
      suiteRt,
      getSuiteToken,
      { suite_id: suiteId, suite_secret: secret, suite_ticket: stored.ticket },
      {},
    );
    void emitter.emit('token', { suiteId, kind: 'suite', expiresIn: data.expires_in });
    return { value: data.suite_access_token, expiresIn: data.expires_in };
  }

  // ---------------------------------------------------------------- corps
  const checkCorpid = (corpid: unknown): string => {
    if (typeof corpid !== 'string' || !ID.test(corpid))
      throw new WxConfigError(`suite ${suiteId}: corpid must be letters and digits, got ${JSON.stringify(corpid)}`);
    return corpid;
  };

  const corpToken = cachedBy(
    (corpid: string): TokenProvider =>
      hub?.workAccessToken(corpid, { suiteId }) ??
      new TokenManager({
        key: `${keys.corp(corpid)}:access_token`,
        storage,
        refreshMarginMs: margin,
        now,
        fetch: () => fetchCorpToken(corpid),
        onBackgroundError: (error) => void emitter.report('refresh', error, corpid),
      }),
  );

  async function fetchCorpToken(corpid: string): Promise<FetchedToken> {
    const code = await store.getPermanentCode(corpid);
    if (!code) throw new WxConfigError(`suite ${suiteId} has no permanent code for corp ${corpid}: it has not installed the app, or cancelled it`);
    const record = await store.getRecord(corpid);
    // 代开发: the permanent code is the app's secret, used with gettoken like a self-built app's.
    const { data } = record?.customized
      ? await execute<{ access_token: string; expires_in: number }>(suiteRt, getToken, { corpid, corpsecret: code }, {})
      : await execute<{ access_token: string; expires_in: number }>(suiteRt, getCorpToken, { auth_corpid: corpid, permanent_code: code }, {});
    void emitter.emit('token', { suiteId, kind: 'corp', corpid, expiresIn: data.expires_in });
    return { value: data.access_token, expiresIn: data.expires_in };
  }

  const corpClient = cachedBy((corpid: string): Client<'work'> => {
    let rt: Runtime;
    const ticket = cachedBy(
      (type: WorkTicketType): TokenProvider =>
        hub?.workTicket(corpid, type, { suiteId }) ??
        workTicketManager(() => rt, type, { key: `${keys.corp(corpid)}:ticket:${type}`, storage, refreshMarginMs: margin, now }),
    );
    rt = new Runtime({
      ...settings,
      appType: 'work',
      appid: corpid,
      accessToken: corpToken(corpid),
      tickets: (type) => (type === 'jsapi' ? ticket('jsapi') : noCardTicket),
    });
    registerWorkClient(rt, {
      corpid,
      agentid: async () => {
        if (!options.storage) return undefined;
        const id = (await store.getRecord(corpid))?.agentid;
        return id === undefined ? undefined : String(id);
      },
      ticket: (type) => {
        checkTicketType(type);
        return ticket(type);
      },
    });
    return clientFor(rt, 'work', { auth: 'access_token', host: WORK_HOST });
  });

  // ---------------------------------------------------------------- authorization
  const exchanges = new Map<string, Promise<SuiteCorpRecord>>();

  function authorize(code: string, source: 'event' | 'redirect' | 'code', message?: CreateAuthInfo | ResetPermanentCodeInfo): Promise<SuiteCorpRecord> {
    if (typeof code !== 'string' || !code) return Promise.reject(new WxConfigError('handleAuthCode: the auth code is empty'));
    let p = exchanges.get(code);
    if (!p) {
      p = exchangeOnce(code, source, message).finally(() => exchanges.delete(code));
      exchanges.set(code, p);
    }
    return p;
  }

  async function alreadyExchanged(code: string): Promise<SuiteCorpRecord | undefined> {
    const corpid = await store.authCodeCorpid(code);
    return corpid ? store.getRecord(corpid) : undefined;
  }

  async function exchangeOnce(
    code: string,
    source: 'event' | 'redirect' | 'code',
    message?: CreateAuthInfo | ResetPermanentCodeInfo,
  ): Promise<SuiteCorpRecord> {
    const prior = await alreadyExchanged(code);
    if (prior) return prior;
    let data: PermanentCodeAnswer;
    try {
      ({ data } = await execute<PermanentCodeAnswer>(suiteRt, getPermanentCode, { auth_code: code }, {}));
    } catch (error) {
      // The push and the redirect of one install may race across processes: a spent code is
      // refused with 40078, and the process that spent it stores the corp within moments.
      const spent = error instanceof WxApiError && error.errcode === 40078;
      for (let waited = 0; ; waited += 100) {
        const other = await alreadyExchanged(code);
        if (other) return other;
        if (!spent || waited >= 2_000) throw error;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const corpid = checkCorpid(data.auth_corp_info?.corpid);
    if (typeof data.permanent_code !== 'string' || !data.permanent_code) {
      throw new WxConfigError(`suite ${suiteId}: get_permanent_code answered no permanent_code for corp ${corpid}`);
    }
    const existing = await store.getRecord(corpid);
    const agent = firstAgent(data.auth_info);
    const t = now();
    const record: SuiteCorpRecord = {
      suiteId,
      corpid,
      ...(typeof data.auth_corp_info?.corp_name === 'string' ? { corpName: data.auth_corp_info.corp_name } : {}),
      ...(typeof agent?.agentid === 'number' ? { agentid: agent.agentid } : existing?.agentid !== undefined ? { agentid: existing.agentid } : {}),
      customized: suiteId.startsWith('dk') || agent?.is_customized_app === true || existing?.customized === true,
      ...(typeof data.state === 'string' && data.state
        ? { state: data.state }
        : message && 'State' in message && message.State
          ? { state: message.State }
          : {}),
      authorizedAt: existing?.authorizedAt ?? t,
      updatedAt: t,
      ...(data.auth_corp_info ? { authCorpInfo: data.auth_corp_info } : {}),
      ...(data.auth_info ? { authInfo: data.auth_info } : existing?.authInfo ? { authInfo: existing.authInfo } : {}),
    };
    await store.putPermanentCode(corpid, data.permanent_code);
    await store.putRecord(record);
    await store.markAuthCode(code, corpid);
    const tokens = corpToken(corpid);
    if (tokens instanceof TokenManager) {
      // The old permanent code's token (a 代开发 secret reset) must not be served any more; a first
      // token that came with the answer saves a request.
      if (typeof data.access_token === 'string' && data.access_token && !record.customized)
        await tokens.put({ value: data.access_token, expiresIn: data.expires_in ?? 7200 });
      else await tokens.clear();
    }
    if (message?.kind === 'info.reset_permanent_code') await emitter.emit('reset_permanent_code', { suiteId, corpid, corp: record, message });
    else await emitter.emit('create_auth', { suiteId, corpid, corp: record, source, ...(message?.kind === 'info.create_auth' ? { message } : {}) });
    return record;
  }

  async function refreshCorpInfo(corpid: string): Promise<SuiteCorpRecord> {
    checkCorpid(corpid);
    const code = await store.getPermanentCode(corpid);
    if (!code) throw new WxConfigError(`suite ${suiteId} has no permanent code for corp ${corpid}`);
    const { data } = await execute<PermanentCodeAnswer>(suiteRt, getAuthInfo, { auth_corpid: corpid, permanent_code: code }, {});
    const existing = await store.getRecord(corpid);
    const agent = firstAgent(data.auth_info);
    const t = now();
    const record: SuiteCorpRecord = {
      ...(existing ?? { suiteId, corpid, customized: suiteId.startsWith('dk'), authorizedAt: t }),
      updatedAt: t,
      ...(typeof data.auth_corp_info?.corp_name === 'string' ? { corpName: data.auth_corp_info.corp_name } : {}),
      ...(typeof agent?.agentid === 'number' ? { agentid: agent.agentid } : {}),
      ...(agent?.is_customized_app === true ? { customized: true } : {}),
      ...(data.auth_corp_info ? { authCorpInfo: data.auth_corp_info } : {}),
      ...(data.auth_info ? { authInfo: data.auth_info } : {}),
    };
    await store.putRecord(record);
    return record;
  }

  const internals: SuiteInternals = {
    store,
    emitter,
    keys,
    providerCorpid: options.providerCorpid,
    suiteToken,
    hasStorage: options.storage !== undefined,
    authorize,
    crypto() {
      if (!options.token || !options.encodingAESKey) {
        throw new WxConfigError(`suite ${suiteId}: the handlers need the Token and EncodingAESKey of the suite's callback settings`);
      }
      return { token: options.token, encodingAESKey: options.encodingAESKey };
    },
  };

  const suite: SuiteWithInternals = {
    suiteId,
    client,
    storage,
    [kSuite]: internals,
    on: (event, listener) => emitter.on(event, listener),
    off: (event, listener) => emitter.off(event, listener),
    getSuiteTicket: () => store.getTicket(),
    async saveSuiteTicket(ticket, timestamp) {
      if (typeof ticket !== 'string' || !ticket) throw new WxConfigError('saveSuiteTicket: ticket must be a non-empty string');
      await store.saveTicket(ticket, timestamp ?? Math.floor(now() / 1000));
    },
    getSuiteAccessToken: () => suiteToken.get(),
    async createPreAuthCode() {
      const { data } = await execute<{ pre_auth_code: string; expires_in: number }>(suiteRt, getPreAuthCode, {}, {});
      return { preAuthCode: data.pre_auth_code, expiresIn: data.expires_in };
    },
    async setSessionInfo(preAuthCode, session) {
      if (typeof preAuthCode !== 'string' || !preAuthCode) throw new WxConfigError('setSessionInfo: preAuthCode is required');
      const info: Record<string, unknown> = { auth_type: session?.authType ?? 0 };
      if (session?.appid) info.appid = session.appid;
      await execute(suiteRt, setSessionInfo, { pre_auth_code: preAuthCode, session_info: info }, {});
    },
    async installUrl(o) {
      if (typeof o?.redirectUri !== 'string' || !/^https?:\/\//.test(o.redirectUri)) {
        throw new WxConfigError(`installUrl: redirectUri must be an absolute http(s) URL, got ${JSON.stringify(o?.redirectUri)}`);
      }
      if (o.state !== undefined && !STATE.test(o.state)) throw new WxConfigError('installUrl: state must be 1 to 128 letters and digits');
      const { preAuthCode } = await suite.createPreAuthCode();
      if (o.authType !== undefined) await suite.setSessionInfo(preAuthCode, { authType: o.authType });
      return suiteInstallUrl({ suiteId, preAuthCode, redirectUri: o.redirectUri, state: o.state });
    },
    handleAuthCode: (code) => authorize(code, 'code'),
    corp: (corpid) => corpClient(checkCorpid(corpid)),
    getCorp: (corpid) => store.getRecord(checkCorpid(corpid)),
    async listCorps() {
      const records = await Promise.all((await store.listCorpids()).map((c) => store.getRecord(c)));
      return records.filter((r): r is SuiteCorpRecord => r !== undefined);
    },
    removeCorp: (corpid) => store.remove(checkCorpid(corpid)),
    refreshCorpInfo,
    eventHandler: (o) => suiteEventHandler(suite, o),
    dataHandler: (o) => suiteDataHandler(suite, o),
    authRedirectHandler: (o) => suiteRedirectHandler(suite, o),
  };
  return suite;
}

interface PermanentCodeAnswer {
  access_token?: string;
  expires_in?: number;
  permanent_code?: string;
  state?: string;
  auth_corp_info?: { corpid?: string; corp_name?: string } & Record<string, unknown>;
  auth_info?: Record<string, unknown>;
}

function firstAgent(authInfo: Record<string, unknown> | undefined): { agentid?: unknown; is_customized_app?: unknown } | undefined {
  const agents = authInfo?.['agent'];
  const first = Array.isArray(agents) ? agents[0] : undefined;
  return typeof first === 'object' && first !== null ? (first as { agentid?: unknown; is_customized_app?: unknown }) : undefined;
}

/**
 * The install link of a suite (企业微信应用授权页): `https://open.work.weixin.qq.com/3rdapp/install`
 * with suite_id, pre_auth_code, redirect_uri and state. WeCom checks that it is opened from a page
 * on the app's redirect domain.
 */
export function suiteInstallUrl(o: { suiteId: string; preAuthCode: string; redirectUri: string; state?: string }): string {
  const q = new URLSearchParams({ suite_id: o.suiteId, pre_auth_code: o.preAuthCode, redirect_uri: o.redirectUri, state: o.state ?? '' });
  return `https://open.work.weixin.qq.com/3rdapp/install?${q}`;
}

function noStorage(suiteId: string): Storage {
  const fail = async (): Promise<never> => {
    throw new WxConfigError(`suite ${suiteId} was created without a storage (hub client): this needs one`);
  };
  return { name: 'no storage', get: fail, set: fail, delete: fail };
}
