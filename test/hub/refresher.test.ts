// Proactive refresh: the hub renews tokens before they expire with no client asking, retries after
// failures, warms configured tickets, and stops its timers on close.
import { describe, expect, it } from 'vitest';
import { createHub, createRefresher } from '../../src/index.js';
import { startSimulator } from '../../src/simulator/index.js';

const OA = 'wx0000000000000001';
const SECRET = 'refresher-test-secret-0123456789';

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('proactive refresh', () => {
  it('renews the token ahead of expiry with no client request, and the new one works', async () => {
    const sim = await startSimulator({ tokenTtlSeconds: 3 });
    const hub = createHub({
      secret: SECRET,
      apps: [{ appid: OA, appType: 'official_account', appsecret: 'demo-official-account-secret', tickets: ['jsapi'] }],
      baseUrl: sim.url,
      refresh: { marginSeconds: 2, retrySeconds: 0.2 },
      logger: { warn: () => undefined },
    });
    try {
      await hub.ready();
      expect(sim.counters().tokenRequests[OA]).toBe(1);
      expect(sim.counters().ticketRequests[OA]).toBe(1); // configured ticket warmed at startup
      await until(() => (sim.counters().tokenRequests[OA] ?? 0) >= 3, 'two proactive renewals');
      const res = await hub.handler(new Request(`http://hub/client/access_token?appid=${OA}`, { headers: { authorization: `Bearer ${SECRET}` } }));
      const { access_token } = (await res.json()) as { access_token: string };
      const check = await fetch(`${sim.url}/cgi-bin/material/get_materialcount?access_token=${access_token}`);
      expect(((await check.json()) as { errcode?: number }).errcode ?? 0).toBe(0);
    } finally {
      await hub.close();
    }
    const settled = sim.counters().tokenRequests[OA];
    await new Promise((r) => setTimeout(r, 1500));
    expect(sim.counters().tokenRequests[OA]).toBe(settled); // close() stopped the timers
    await sim.close();
  });

  it('retries after a failed refresh at the retry interval, logging the failure without secrets', async () => {
    const sim = await startSimulator();
    sim.inject({ path: '/cgi-bin/token', errcode: 40164, times: 2 }); // IP not whitelisted, twice
    const warnings: string[] = [];
    const hub = createHub({
      secret: SECRET,
      apps: [{ appid: OA, appType: 'official_account', appsecret: 'demo-official-account-secret' }],
      baseUrl: sim.url,
      refresh: { marginSeconds: 600, retrySeconds: 0.1 },
      logger: { warn: (m) => warnings.push(m) },
    });
    try {
      await until(() => sim.counters().tokenRequests[OA] === 1, 'a successful refresh after two failures');
      expect(sim.counters().calls['/cgi-bin/token']).toBe(3);
      expect(warnings.length).toBeGreaterThanOrEqual(2);
      expect(warnings[0]).toMatch(new RegExp(`refreshing access_token app ${OA} failed: .*40164.*retrying in`));
      expect(warnings.join('\n')).not.toContain('demo-official-account-secret');
    } finally {
      await hub.close();
      await sim.close();
    }
  });

  it('the scheduler asks providers of unknown expiry periodically and can be stopped', async () => {
    let calls = 0;
    const r = createRefresher({ marginMs: 1000, retryMs: 50, unknownExpiryPollMs: 30, logger: { warn: () => undefined } });
    r.add('x', { get: async () => (calls++, 't'), invalidate: async () => undefined });
    r.start();
    await until(() => calls >= 3, 'three polls', 3000);
    r.stop();
    const stopped = calls;
    await new Promise((res) => setTimeout(res, 150));
    expect(calls).toBe(stopped);
    expect(r.running).toBe(false);
  });
});
