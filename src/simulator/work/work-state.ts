// What the WeCom simulator remembers: apps and suites, the tokens, tickets and codes it issued,
// the installs (permanent codes) and counters. WeCom hands out the same token again while it is
// valid (unlike official accounts, a new fetch does not retire the old one), so the simulator does
// too; a token becomes 42001 once expired and 40014 once invalidated.
import { randomBytes } from 'node:crypto';
import type { SimulatorSuite, SimulatorWorkApp, SimulatorWorkOptions, WorkCounters } from './work-types.js';

export interface Issued {
  /** The corp (corp tokens), suite (suite tokens) or provider (provider tokens). */
  owner: string;
  /** `<corpid>:<agentid|secret>` for app tokens, `<suiteId>/<corpid>` for suite corp tokens. */
  key: string;
  kind: 'corp' | 'suite' | 'provider';
  expiresAt: number;
  revoked: boolean;
  /** App tokens: the agentid, for agent_config tickets. */
  agentid?: number;
}

export interface Install {
  suiteId: string;
  corpid: string;
  corpName: string;
  agentid: number;
  permanentCode: string;
  customized: boolean;
  state?: string;
}

const fresh = (): WorkCounters => ({
  tokenRequests: {},
  suiteTokenRequests: {},
  corpTokenRequests: {},
  providerTokenRequests: {},
  ticketRequests: {},
  webhookCalls: {},
  calls: {},
});

export class WorkSimState {
  readonly apps: SimulatorWorkApp[] = [];
  readonly suites = new Map<string, SimulatorSuite>();
  readonly providers = new Map<string, string>();
  readonly tokens = new Map<string, Issued>();
  /** The token handed out for a key while it is valid. */
  readonly current = new Map<string, string>();
  readonly tickets = new Map<string, { ticket: string; expiresAt: number }>();
  readonly suiteTickets = new Map<string, { ticket: string; expiresAt: number }[]>();
  readonly eventUrls = new Map<string, string>();
  readonly preAuthCodes = new Map<string, { suiteId: string; expiresAt: number; authType: number }>();
  readonly authCodes = new Map<string, { suiteId: string; corpid: string; expiresAt: number; used: boolean; reset: boolean }>();
  /** Keyed `<suiteId>/<corpid>`. */
  readonly installs = new Map<string, Install>();
  counters: WorkCounters = fresh();
  #agents = 0;
  readonly #initial: Required<SimulatorWorkOptions>;
  readonly tokenTtlSeconds: number;
  readonly now: () => number;

  constructor(options: Required<SimulatorWorkOptions>, tokenTtlSeconds: number, now: () => number) {
    this.#initial = options;
    this.tokenTtlSeconds = tokenTtlSeconds;
    this.now = now;
    this.#load();
  }

  #load(): void {
    this.apps.push(...this.#initial.apps.map((a) => ({ ...a })));
    for (const s of this.#initial.suites) {
      this.suites.set(s.suiteId, { ...s });
      if (s.eventUrl) this.eventUrls.set(s.suiteId, s.eventUrl);
    }
    for (const p of this.#initial.providers) this.providers.set(p.corpid, p.providerSecret);
  }

  reset(): void {
    this.apps.length = 0;
    for (const m of [
      this.suites,
      this.providers,
      this.tokens,
      this.current,
      this.tickets,
      this.suiteTickets,
      this.eventUrls,
      this.preAuthCodes,
      this.authCodes,
      this.installs,
    ])
      m.clear();
    this.counters = fresh();
    this.#agents = 0;
    this.#load();
  }

  seconds(): number {
    return Math.floor(this.now() / 1000);
  }

  code(prefix: string): string {
    return `${prefix}${randomBytes(18).toString('base64url')}`;
  }

  nextAgentid(): number {
    return 1000001 + ++this.#agents;
  }

  /** The valid token of `key`, or a new one. */
  issue(key: string, owner: string, kind: Issued['kind'], agentid?: number): { token: string; expiresIn: number } {
    const now = this.now();
    const existing = this.current.get(key);
    const info = existing ? this.tokens.get(existing) : undefined;
    if (existing && info && !info.revoked && info.expiresAt > now) {
      return { token: existing, expiresIn: Math.floor((info.expiresAt - now) / 1000) };
    }
    const prefix = kind === 'corp' ? 'SIMWORK_' : kind === 'suite' ? 'SIMSUITE_' : 'SIMPROVIDER_';
    const token = `${prefix}${owner}_${randomBytes(12).toString('hex')}`;
    this.tokens.set(token, {
      owner,
      key,
      kind,
      expiresAt: this.now() + this.tokenTtlSeconds * 1000,
      revoked: false,
      ...(agentid !== undefined ? { agentid } : {}),
    });
    this.current.set(key, token);
    return { token, expiresIn: this.tokenTtlSeconds };
  }

  /** 0 when valid for `kind`, else WeCom's errcode (41001 missing, 40014 / 40082 invalid, 42001 / 42009 expired). */
  check(token: string | null, kind: Issued['kind']): { errcode: number; errmsg?: string; info?: Issued } {
    const names = { corp: 'access_token', suite: 'suite_access_token', provider: 'provider_access_token' };
    if (!token) return { errcode: 41001, errmsg: `${names[kind]} missing` };
    const info = this.tokens.get(token);
    if (!info || info.revoked || info.kind !== kind) {
      return kind === 'corp'
        ? { errcode: 40014, errmsg: 'invalid access_token' }
        : { errcode: 40082, errmsg: 'invalid suite_access_token or provider_access_token' };
    }
    if (info.expiresAt <= this.now())
      return kind === 'suite' ? { errcode: 42009, errmsg: 'suite_access_token expired' } : { errcode: 42001, errmsg: 'access_token expired' };
    return { errcode: 0, info };
  }

  /** Every token of keys starting with `prefix`: revoke (40014) or expire (42001). */
  spoil(prefix: string, how: 'revoke' | 'expire'): number {
    let n = 0;
    for (const [key, token] of this.current) {
      // `<corpid>` also reaches the corp's tokens issued to suites (`<suiteId>/<corpid>`).
      if (key !== prefix && !key.startsWith(`${prefix}:`) && !key.endsWith(`/${prefix}`)) continue;
      const info = this.tokens.get(token)!;
      if (how === 'revoke') info.revoked = true;
      else info.expiresAt = this.now() - 1;
      n++;
    }
    return n;
  }

  ticket(key: string): { ticket: string; expires_in: number } {
    // One clock reading: a ticket issued by this call reports its whole 7200 s, as WeCom does.
    const now = this.now();
    let t = this.tickets.get(key);
    if (!t || t.expiresAt <= now) {
      t = { ticket: `SIMWORK_TICKET_${randomBytes(16).toString('base64url')}`, expiresAt: now + 7_200_000 };
      this.tickets.set(key, t);
    }
    return { ticket: t.ticket, expires_in: Math.floor((t.expiresAt - now) / 1000) };
  }

  count(bucket: Exclude<keyof WorkCounters, 'calls'>, key: string): void {
    this.counters[bucket][key] = (this.counters[bucket][key] ?? 0) + 1;
  }
}
