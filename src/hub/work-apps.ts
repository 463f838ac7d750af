// WeCom on the hub: self-built apps (corpid + agentid + corpsecret) and suites (third-party apps).
// Each is served by the same runtime a self-refreshing process would use (createWorkClient,
// createSuite) over the hub's storage, so keys, single-flight and compare-and-swap are the ones of
// wxkit/work and a hub replica on the same Redis agrees with it. A suite's instruction URL is
// served by the hub itself (the suite_ticket is stored the moment it arrives); its corps are
// registered as they install (create_auth), dropped as they leave (cancel_auth), and re-read from
// the store periodically and on a miss, for installs handled by another process on the store.
import { TokenManager } from '../auth/token-manager.js';
import { redact, WxConfigError } from '../core/errors.js';
import { runtimeOf, type Logger, type TokenProvider } from '../core/runtime.js';
import type { Storage } from '../storage/types.js';
import type { FetchLike } from '../transport/types.js';
import { createWorkClient } from '../work/create-work-client.js';
import { createSuite, kSuite, type SuiteWithInternals, type WxSuite } from '../work/suite.js';
import { workClientInfo, type WorkTicketType } from '../work/tickets.js';
import type { HubRegistrar, HubSuiteRegistration, HubWorkAppRegistration } from './types.js';

/** A self-built (or 代开发, or built-in) WeCom app the hub fetches tokens for with gettoken. */
export interface HubWorkCorpApp {
  corpid: string;
  /**
   * The app's agentid, or a label (letters, digits, `_`, `-`) for a built-in app with a secret but
   * no agent (contacts, customer contact): what clients name it by
   * (`hubWorkClientOptions(hub, corpid, agentid)`).
   */
  agentid: number | string;
  corpsecret: string;
  /** Tickets to keep fresh from the start (others once a client asked for them). */
  tickets?: WorkTicketType[];
}

/** A WeCom suite (第三方应用) whose suite token and corps' tokens the hub keeps. */
export interface HubWorkSuite {
  suiteId: string;
  suiteSecret: string;
  /** Token and EncodingAESKey of the suite's callback settings: the hub serves its instruction URL. */
  token: string;
  encodingAESKey: string;
  /** The provider's corpid, when WeCom encrypts the URL check with it. */
  providerCorpid?: string;
}

export interface WorkAppContext {
  storage: Storage;
  baseUrl?: string;
  hosts?: Record<string, string>;
  fetch?: FetchLike;
  refreshMarginMs: number;
  logger?: Logger;
  now?: () => number;
}

const LABEL = /^[\w-]{1,32}$/;

const managed = (provider: TokenProvider | undefined, what: string): TokenManager => {
  if (!(provider instanceof TokenManager)) throw new WxConfigError(`wxkit hub: ${what} must refresh by itself to be served by a hub`);
  return provider;
};

/** The hub's registration of a self-built app. */
export function workAppRegistration(app: HubWorkCorpApp, ctx: WorkAppContext): HubWorkAppRegistration {
  const agentid = app?.agentid === undefined ? '' : String(app.agentid);
  if (!LABEL.test(agentid)) {
    throw new WxConfigError(
      `createHub: WeCom app of corp ${JSON.stringify(app?.corpid)} needs an agentid (or a label such as "contacts" for a built-in app), got ${JSON.stringify(app?.agentid)}`,
    );
  }
  if (typeof app.corpsecret !== 'string' || !app.corpsecret)
    throw new WxConfigError(`createHub: WeCom app ${agentid} of corp ${app.corpid} needs a corpsecret`);
  const client = createWorkClient({
    corpid: app.corpid,
    corpsecret: app.corpsecret,
    // A label is the hub's name for the secret, not an agent WeCom knows.
    ...(/^\d{1,12}$/.test(agentid) ? { agentid } : {}),
    storage: ctx.storage,
    baseUrl: ctx.baseUrl,
    hosts: ctx.hosts,
    fetch: ctx.fetch,
    logger: ctx.logger,
    refreshMarginMs: ctx.refreshMarginMs,
  });
  return {
    corpid: app.corpid,
    agentid,
    ...corpProviders(client, `WeCom app ${agentid} of corp ${app.corpid}`),
    ...(app.tickets ? { tickets: app.tickets } : {}),
  };
}

function corpProviders(client: ReturnType<typeof createWorkClient>, what: string): Pick<HubWorkAppRegistration, 'accessToken' | 'ticket'> {
  const rt = runtimeOf(client);
  const info = workClientInfo(rt);
  if (!info) throw new WxConfigError(`wxkit hub: ${what} is not a WeCom client`);
  return {
    accessToken: managed(rt.tokenProvider('access_token'), `the access_token of ${what}`),
    ticket: (type) => managed(info.ticket(type), `the ${type} ticket of ${what}`),
  };
}

export interface AttachedSuite {
  suite: WxSuite;
  /** Re-read the suite's corps from the store and (un)register what changed. */
  sync(): Promise<void>;
  detach(): void;
}

/**
 * Serves a suite on the hub: its token, its instruction URL, and every corp that installed it.
 * The suite must refresh by itself (created with a storage and its secret, not with `hub`).
 */
export async function attachSuiteToHub(suite: WxSuite, hub: HubRegistrar, options: { syncIntervalMs?: number } = {}): Promise<AttachedSuite> {
  const internals = (suite as SuiteWithInternals)[kSuite];
  if (!internals) throw new WxConfigError('attachSuiteToHub: expected a suite made by createSuite()');
  const { suiteId } = suite;
  const suiteToken = managed(internals.suiteToken, `the suite_access_token of suite ${suiteId}`);
  const corpRegistration = (corpid: string): HubWorkAppRegistration => ({
    corpid,
    suiteId,
    ...corpProviders(suite.corp(corpid), `corp ${corpid} of suite ${suiteId}`),
  });
  const registered = new Set<string>();
  const add = (corpid: string) => {
    if (registered.has(corpid)) return;
    hub.registerWorkApp(corpRegistration(corpid));
    registered.add(corpid);
  };
  const remove = (corpid: string) => {
    if (!registered.delete(corpid)) return;
    hub.unregisterWorkApp(corpid, { suiteId });
  };
  const events = suite.eventHandler();
  let hadTicket = (await internals.store.getTicket()) !== undefined;
  const registration: HubSuiteRegistration = {
    suiteId,
    suiteAccessToken: suiteToken,
    callback: (request) => events(request),
    async findCorp(corpid) {
      if (!/^[A-Za-z0-9_-]{4,64}$/.test(corpid) || !(await internals.store.getPermanentCode(corpid))) return undefined;
      registered.add(corpid);
      return corpRegistration(corpid);
    },
  };
  hub.registerSuite(registration);

  let syncing: Promise<void> | undefined;
  const sync = () =>
    (syncing ??= (async () => {
      const corpids = await internals.store.listCorpids();
      const current = new Set(corpids);
      for (const c of corpids) add(c);
      for (const c of [...registered]) if (!current.has(c)) remove(c);
    })().finally(() => (syncing = undefined)));
  await sync();
  const offs = [
    // The first ticket (of this process) makes the token fetchable: ask the refresher at once
    // rather than at its next retry.
    suite.on('suite_ticket', () => {
      if (hadTicket) return;
      hadTicket = true;
      hub.registerSuite(registration);
      for (const c of registered) hub.registerWorkApp(corpRegistration(c));
    }),
    suite.on('create_auth', (e) => add(e.corpid)),
    suite.on('reset_permanent_code', (e) => {
      // The corp's token came from the old code: registering again asks for the new one now.
      registered.delete(e.corpid);
      add(e.corpid);
    }),
    suite.on('cancel_auth', (e) => remove(e.corpid)),
  ];
  const timer = setInterval(
    () => {
      sync().catch((error) => internals.emitter.report('refresh', error));
    },
    Math.max(1_000, options.syncIntervalMs ?? 60_000),
  );
  timer.unref?.();
  return {
    suite,
    sync,
    detach() {
      clearInterval(timer);
      for (const off of offs) off();
    },
  };
}

/** The suite over the hub's storage, ready for attachSuiteToHub. */
export function createHubSuite(config: HubWorkSuite, ctx: WorkAppContext): WxSuite {
  for (const field of ['suiteSecret', 'token', 'encodingAESKey'] as const) {
    if (typeof config?.[field] !== 'string' || !config[field]) {
      throw new WxConfigError(`createHub: WeCom suite ${JSON.stringify(config?.suiteId)} needs its ${field}`);
    }
  }
  const suite = createSuite({
    suiteId: config.suiteId,
    suiteSecret: config.suiteSecret,
    token: config.token,
    encodingAESKey: config.encodingAESKey,
    ...(config.providerCorpid ? { providerCorpid: config.providerCorpid } : {}),
    storage: ctx.storage,
    baseUrl: ctx.baseUrl,
    hosts: ctx.hosts,
    fetch: ctx.fetch,
    logger: ctx.logger,
    refreshMarginMs: ctx.refreshMarginMs,
  });
  const logger = ctx.logger ?? { warn: (m: string) => console.warn(m) };
  suite.on('error', (e) => {
    const text = e.error instanceof Error ? `${e.error.name}: ${e.error.message}` : String(e.error);
    logger.warn(`[wxkit hub] suite ${config.suiteId}: ${e.stage} failed${e.corpid ? ` for corp ${e.corpid}` : ''}: ${redact(text).slice(0, 300)}`);
  });
  return suite;
}
