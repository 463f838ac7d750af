// What the simulator remembers: registered apps, the tokens and tickets it issued, counters, and
// queued faults. Tokens behave like WeChat's: issuing a new one retires the previous one.
import { randomBytes } from 'node:crypto';

export interface SimulatorApp {
  appid: string;
  secret: string;
  appType: 'official_account' | 'mini_program' | 'channels';
}

export interface Fault {
  /** Path to match (`/cgi-bin/material/batchget_material`); any path when absent. */
  path?: string;
  /** Answer HTTP 200 with this errcode. */
  errcode?: number;
  /** Answer with this HTTP status and a plain body. */
  status?: number;
  /** Wait this long before answering (combinable with the others). */
  delayMs?: number;
  /** How many requests it applies to (default 1). */
  times?: number;
}

interface Issued {
  appid: string;
  expiresAt: number;
  revoked: boolean;
}

export interface Counters {
  /** Token fetches per appid (/cgi-bin/token and /cgi-bin/stable_token). */
  tokenRequests: Record<string, number>;
  ticketRequests: Record<string, number>;
  /** Calls per path, token endpoints included. */
  calls: Record<string, number>;
  /** component_access_token fetches per component appid (/cgi-bin/component/api_component_token). */
  componentTokenRequests: Record<string, number>;
}

export class SimulatorState {
  readonly apps = new Map<string, SimulatorApp>();
  readonly tokenTtlSeconds: number;
  readonly now: () => number;
  #tokens = new Map<string, Issued>();
  #current = new Map<string, string>();
  #tickets = new Map<string, { ticket: string; expiresAt: number }>();
  #faults: Fault[] = [];
  counters: Counters = { tokenRequests: {}, ticketRequests: {}, calls: {}, componentTokenRequests: {} };
  /** Called by reset(), e.g. by the third-party platform part of the simulator. */
  onReset: (() => void) | undefined;

  constructor(apps: SimulatorApp[], tokenTtlSeconds: number, now: () => number) {
    for (const app of apps) this.apps.set(app.appid, app);
    this.tokenTtlSeconds = tokenTtlSeconds;
    this.now = now;
  }

  issueToken(appid: string): { access_token: string; expires_in: number } {
    const previous = this.#current.get(appid);
    if (previous) this.#tokens.get(previous)!.revoked = true;
    const token = `SIM_${appid}_${randomBytes(12).toString('hex')}`;
    this.#tokens.set(token, { appid, expiresAt: this.now() + this.tokenTtlSeconds * 1000, revoked: false });
    this.#current.set(appid, token);
    this.counters.tokenRequests[appid] = (this.counters.tokenRequests[appid] ?? 0) + 1;
    return { access_token: token, expires_in: this.tokenTtlSeconds };
  }

  /** The current token when still valid (stable_token semantics), otherwise a new one. */
  stableToken(appid: string, force: boolean): { access_token: string; expires_in: number } {
    const now = this.now();
    const current = this.#current.get(appid);
    const info = current ? this.#tokens.get(current) : undefined;
    if (!force && current && info && !info.revoked && info.expiresAt > now) {
      this.counters.tokenRequests[appid] = (this.counters.tokenRequests[appid] ?? 0) + 1;
      return { access_token: current, expires_in: Math.floor((info.expiresAt - now) / 1000) };
    }
    return this.issueToken(appid);
  }

  /** 0 when valid, else the errcode WeChat would answer. */
  checkToken(token: string | null): { errcode: number; app?: SimulatorApp } {
    if (!token) return { errcode: 41001 };
    const info = this.#tokens.get(token);
    if (!info || info.revoked) return { errcode: 40001 };
    if (info.expiresAt <= this.now()) return { errcode: 42001 };
    return { errcode: 0, app: this.apps.get(info.appid) };
  }

  /** Make the app's current token fail with 40001, as when another server fetched a new one. */
  invalidate(appid: string): void {
    const current = this.#current.get(appid);
    if (current) this.#tokens.get(current)!.revoked = true;
  }

  ticket(appid: string, type: string): { ticket: string; expires_in: number } {
    const key = `${appid}:${type}`;
    this.counters.ticketRequests[appid] = (this.counters.ticketRequests[appid] ?? 0) + 1;
    // One clock reading: a ticket issued by this call reports its whole 7200 s, as WeChat does.
    const now = this.now();
    let t = this.#tickets.get(key);
    if (!t || t.expiresAt <= now) {
      t = { ticket: `SIM_${type}_${randomBytes(16).toString('base64url')}`, expiresAt: now + 7_200_000 };
      this.#tickets.set(key, t);
    }
    return { ticket: t.ticket, expires_in: Math.floor((t.expiresAt - now) / 1000) };
  }

  addFault(f: Fault): void {
    this.#faults.push({ ...f, times: f.times ?? 1 });
  }

  /** The first queued fault matching `path`, consumed by one use. */
  takeFault(path: string): Fault | undefined {
    const i = this.#faults.findIndex((f) => !f.path || f.path === path);
    if (i < 0) return undefined;
    const f = this.#faults[i]!;
    f.times = (f.times ?? 1) - 1;
    if (f.times <= 0) this.#faults.splice(i, 1);
    return f;
  }

  count(path: string): void {
    this.counters.calls[path] = (this.counters.calls[path] ?? 0) + 1;
  }

  reset(): void {
    this.#tokens.clear();
    this.#current.clear();
    this.#tickets.clear();
    this.#faults = [];
    this.counters = { tokenRequests: {}, ticketRequests: {}, calls: {}, componentTokenRequests: {} };
    this.onReset?.();
  }
}
