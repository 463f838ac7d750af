// What a client carries into every call: where to send, how to authenticate, and the policies
// (timeout, retries, validation). Credentials sit in closures, not properties, so logging a
// client or an error never prints an appsecret.
import { appsecretInQuery, tokenInQuery, type Authenticator } from '../auth/schemes.js';
import type { AuthScheme, ProtocolName } from './enums.js';
import { defaultLogger, type Hooks, type Logger } from './observe.js';
import { WxConfigError } from './errors.js';
import { defaultTransport } from '#default-transport';
import { fetchTransport } from '../transport/fetch.js';
import type { FetchLike, Transport } from '../transport/types.js';
import type { Protocol, WireRequest } from '../protocols/types.js';
import { wechatProtocol } from '../protocols/wechat.js';
import { DEFAULT_RETRY, type RetryOptions } from './retry.js';
import type { AppType, EndpointDescriptor, ValidationMode } from './types.js';

/** Anything that hands out a token and can be told one failed: TokenManager, a hub, a component. */
export interface TokenProvider {
  get(): Promise<string>;
  /** The token when it is at hand without waiting (see TokenManager.peek); undefined sends callers to get(). */
  peek?(): string | undefined;
  invalidate(stale: string): Promise<void>;
}

export type { Logger };

export interface RuntimeConfig {
  appType: AppType;
  appid: string;
  transport: Transport;
  baseUrl: string;
  hosts: Record<string, string>;
  timeoutMs: number;
  deadlineMs: number;
  retry: RetryOptions;
  validation: ValidationMode;
  logger: Logger;
  hooks?: Hooks;
  /** Backup hosts by primary host, tried in order after a network failure of a retryable call. */
  backupHosts: Readonly<Record<string, readonly string[]>>;
  accessToken?: TokenProvider;
  componentAccessToken?: TokenProvider;
  /**
   * App types whose endpoints this runtime may call, when wider than `appType`: a third-party
   * platform's authorizer whose type is not known yet serves both (WeChat refuses a wrong call).
   */
  serves?: readonly AppType[];
  /** appid + secret for endpoints that take them in the query (`auth: appsecret`). */
  secret?: () => string | undefined;
  /**
   * The connection settings that present the merchant's API certificate (an `https.Agent` made by
   * the transport), for endpoints marked `clientCertificate`. Absent: those endpoints are refused.
   */
  clientCertificate?: () => unknown;
  /** JS-SDK and card tickets; absent for runtimes that have none (the component's own). */
  tickets?: (type: TicketType) => TokenProvider;
  /** Further auth schemes (WeCom suite and provider tokens, webhook keys, Pay signatures). */
  auth?: Partial<Record<AuthScheme, Authenticator>>;
  /** Protocols besides the built-in `wechat` one (Pay's), registered by the clients that use them. */
  protocols?: Partial<Record<ProtocolName, Protocol>>;
}

export type TicketType = 'jsapi' | 'wx_card';

/** The connection and policy part of a RuntimeConfig, shared by every runtime a factory builds. */
export type RuntimeSettings = Pick<
  RuntimeConfig,
  'transport' | 'baseUrl' | 'hosts' | 'timeoutMs' | 'deadlineMs' | 'retry' | 'validation' | 'logger' | 'hooks' | 'backupHosts'
>;

/**
 * WeChat's documented disaster-recovery domains (容灾域名). Used only when calls go to the real
 * hosts, never when baseUrl or hosts point elsewhere (a simulator, a proxy).
 */
export const BACKUP_HOSTS: Readonly<Record<string, readonly string[]>> = {
  'api.weixin.qq.com': ['api2.weixin.qq.com', 'sh.api.weixin.qq.com', 'sz.api.weixin.qq.com', 'hk.api.weixin.qq.com'],
  'api.mch.weixin.qq.com': ['api2.mch.weixin.qq.com'],
};

/** The options createClient and createComponent both take for their runtimes (all optional). */
export interface RuntimeSettingsOptions {
  /** Default https://api.weixin.qq.com; point it at the simulator or a proxy. */
  baseUrl?: string;
  /** Base URLs for other WeChat hosts, e.g. { 'mp.weixin.qq.com': 'http://...' }. */
  hosts?: Record<string, string>;
  /** Send through this fetch (fetchTransport) instead of the default transport. */
  fetch?: FetchLike;
  /** The transport for every call; default undici on Node, the platform's fetch elsewhere. */
  transport?: Transport;
  /**
   * An HTTP(S) proxy for the default Node transport (`http://user:pass@proxy.corp:3128`), or
   * `false` to ignore HTTPS_PROXY / HTTP_PROXY / NO_PROXY, which it honours otherwise. Other
   * runtimes have no proxy setting of their own: a proxy there is a WxConfigError.
   */
  proxy?: string | false;
  /** Per attempt, in ms (default 10 000). */
  timeoutMs?: number;
  /**
   * Everything one call does, token fetch and retries included, in ms (default 30 000): a hanging
   * WeChat fails a call after this long, never after timeoutMs × attempts × token attempts.
   */
  deadlineMs?: number;
  retry?: Partial<RetryOptions>;
  /** Check responses against the catalog's schemas: off (default), warn, strict. */
  validation?: ValidationMode;
  /** `warn` for problems; `debug` (or WXKIT_DEBUG=1 with the default logger) for one line per request. */
  logger?: Logger;
  /** onRequest / onResponse / onError for every attempt, for metrics and tracing. */
  hooks?: Hooks;
  /**
   * After a network error or timeout of a retryable call, the next attempt goes to the next backup
   * host (default BACKUP_HOSTS); `false` turns it off. Only for calls to the real WeChat hosts.
   */
  backupHosts?: false | Readonly<Record<string, readonly string[]>>;
}

/** The defaults, in one place so a client and a component configured alike behave alike. */
export function runtimeSettings(options: RuntimeSettingsOptions): RuntimeSettings {
  return {
    // Node: undici (fast, shared); elsewhere the platform's fetch. A `fetch` given is used as it is.
    transport: options.transport ?? (options.fetch ? fetchTransport({ fetch: options.fetch }) : defaultTransport(options.proxy)),
    baseUrl: options.baseUrl ?? 'https://api.weixin.qq.com',
    hosts: options.hosts ?? {},
    timeoutMs: options.timeoutMs ?? 10_000,
    deadlineMs: options.deadlineMs ?? 30_000,
    retry: { ...DEFAULT_RETRY, ...options.retry },
    validation: options.validation ?? 'off',
    logger: options.logger ?? defaultLogger(),
    ...(options.hooks ? { hooks: options.hooks } : {}),
    backupHosts: options.backupHosts === false ? {} : (options.backupHosts ?? BACKUP_HOSTS),
  };
}

export class Runtime {
  readonly appType: AppType;
  readonly appid: string;
  readonly transport: Transport;
  readonly timeoutMs: number;
  readonly deadlineMs: number;
  readonly retry: RetryOptions;
  readonly validation: ValidationMode;
  readonly logger: Logger;
  readonly hooks: Hooks | undefined;
  /** App types whose endpoints this runtime may call: `[appType]` unless configured wider. */
  readonly serves: readonly AppType[];
  #baseUrl: string;
  #hosts: Record<string, string>;
  #explicitBase: boolean;
  #backupHosts: Readonly<Record<string, readonly string[]>>;
  #tokens: { access_token?: TokenProvider; component_access_token?: TokenProvider };
  #auth: Partial<Record<AuthScheme, Authenticator>>;
  #protocols: Partial<Record<ProtocolName, Protocol>>;
  #tickets: ((type: TicketType) => TokenProvider) | undefined;
  #clientCertificate: (() => unknown) | undefined;

  constructor(c: RuntimeConfig) {
    this.appType = c.appType;
    this.appid = c.appid;
    this.transport = c.transport;
    this.timeoutMs = c.timeoutMs;
    this.deadlineMs = c.deadlineMs;
    this.retry = c.retry;
    this.validation = c.validation;
    this.logger = c.logger;
    this.hooks = c.hooks;
    this.#backupHosts = c.backupHosts;
    this.serves = c.serves ?? [c.appType];
    this.#baseUrl = c.baseUrl.replace(/\/+$/, '');
    this.#explicitBase = this.#baseUrl !== 'https://api.weixin.qq.com';
    this.#hosts = c.hosts;
    this.#tokens = { access_token: c.accessToken, component_access_token: c.componentAccessToken };
    this.#auth = {
      ...(c.accessToken ? { access_token: tokenInQuery('access_token', c.accessToken) } : {}),
      ...(c.componentAccessToken
        ? {
            component_access_token: tokenInQuery('component_access_token', c.componentAccessToken),
            component_access_token_as_access_token: tokenInQuery('access_token', c.componentAccessToken),
          }
        : {}),
      appsecret: appsecretInQuery(c.appid, c.secret ?? (() => undefined)),
      ...c.auth,
    };
    this.#protocols = { wechat: wechatProtocol, ...c.protocols };
    this.#tickets = c.tickets;
    this.#clientCertificate = c.clientCertificate;
  }

  /** The agent presenting the merchant certificate, for `d`; a clear error when none was configured. */
  clientAgent(d: EndpointDescriptor): unknown {
    if (!this.#clientCertificate) {
      throw new WxConfigError(`${d.id} must present the merchant API certificate: pass clientCertificate ({ cert, key } or { pfx, passphrase }) to createPay`, {
        endpoint: d.id,
      });
    }
    return this.#clientCertificate();
  }

  /**
   * Base URL for a WeChat host. A client pointed at a simulator or proxy sends every host there,
   * unless `hosts` maps that host elsewhere.
   */
  baseFor(host: string | undefined): string {
    if (!host || host === 'api.weixin.qq.com') return this.#baseUrl;
    return this.#hosts[host] ?? (this.#explicitBase ? this.#baseUrl : `https://${host}`);
  }

  /**
   * Adds the credential the endpoint's scheme needs to the final request; returns the token used
   * when the scheme can replace a refused one. Synchronous when the credential is at hand (see
   * Authenticator.apply); a missing scheme rejects like any other credential failure.
   */
  authenticate(scheme: AuthScheme, req: WireRequest): string | undefined | Promise<string | undefined> {
    // component_appsecret: the component token endpoint carries its credentials in its own body.
    if (scheme === 'none' || scheme === 'component_appsecret') return undefined;
    const auth = this.#auth[scheme];
    if (!auth) return Promise.reject(new WxConfigError(`client ${this.appid} cannot provide a ${scheme}`));
    return auth.apply(req);
  }

  /**
   * The host to try after `current` failed on the network, or undefined: backups exist only for
   * the real WeChat hosts, and not when this runtime sends that host somewhere else.
   */
  nextHost(primary: string, current: string): string | undefined {
    const backups = this.#backupHosts[primary];
    if (!backups?.length || this.baseFor(primary) !== `https://${primary}`) return undefined;
    const chain = [primary, ...backups];
    return chain[(chain.indexOf(current) + 1) % chain.length];
  }

  canReplay(scheme: AuthScheme): boolean {
    return this.#auth[scheme]?.invalidate !== undefined;
  }

  async invalidateCredential(scheme: AuthScheme, stale: string): Promise<void> {
    await this.#auth[scheme]?.invalidate?.(stale);
  }

  protocol(name: ProtocolName | undefined): Protocol {
    const protocol = this.#protocols[name ?? 'wechat'];
    if (!protocol) throw new WxConfigError(`client ${this.appid} does not speak the ${name} protocol (use the client made for it)`);
    return protocol;
  }

  tokenProvider(auth: 'access_token' | 'component_access_token'): TokenProvider | undefined {
    return this.#tokens[auth];
  }

  ticketProvider(type: TicketType): TokenProvider | undefined {
    return this.#tickets?.(type);
  }
}

/** Where a client keeps its runtime; a symbol, so it never shows up as an ordinary property. */
export const kRuntime: unique symbol = Symbol.for('wxkit.runtime');

/**
 * The runtime of a client. It lives here rather than in client.ts so that generated modules, which
 * client.ts itself imports (the Credential endpoints), do not import client.ts back.
 */
export function runtimeOf(client: { readonly [kRuntime]?: unknown }): Runtime {
  const rt = client?.[kRuntime];
  if (!(rt instanceof Runtime)) throw new WxConfigError('expected a wxkit client created by createClient()');
  return rt;
}
