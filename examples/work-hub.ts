// WeCom through a hub (中控): one hub node keeps the tokens of a self-built app (by corpid +
// agentid) and of a suite (第三方应用) and its installed corps; business servers read them with
// hubStorage and never call gettoken / get_suite_token / get_corp_token themselves. The hub also
// serves the suite's instruction URL (/callback/work/suite/<suiteId>): WeCom pushes the
// suite_ticket and the installs there, and the hub stores them.
//
//   npx tsx examples/work-hub.ts              # run against the simulator
//   npx tsx examples/work-hub.ts --self-test  # the same, checking each step; exits non-zero on failure
//
// The same hub from the command line: `npx wxkit hub --config hub.yaml` with a `work:` section
// (see docs/scenarios.md). In your app, import from 'wxkit' and 'wxkit/work'.
import { Contact } from '../generated/work/index.js';
import { createHub, hubStorage, memoryStorage } from '../src/index.js';
import { DEMO_WORK, startSimulator } from '../src/simulator/index.js';
import { createSuite, createWorkClient, hubWorkClientOptions, workAgentConfig } from '../src/work/index.js';

const selfTest = process.argv.includes('--self-test');
const app = DEMO_WORK.apps[0]!;
const suiteApp = DEMO_WORK.suites[0]!;
const installedCorp = 'wwcustomer00000001';
const secret = 'example-hub-secret-please-change-me';
const sim = await startSimulator();

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(what);
  if (selfTest) console.log(`ok - ${what}`);
}

// --- on the hub node -------------------------------------------------------------------------
const hub = createHub({
  secret,
  work: {
    apps: [{ corpid: app.corpid, agentid: app.agentid!, corpsecret: app.secret, tickets: ['jsapi'] }],
    suites: [{ suiteId: suiteApp.suiteId, suiteSecret: suiteApp.suiteSecret, token: suiteApp.token, encodingAESKey: suiteApp.encodingAESKey }],
  },
  storage: memoryStorage(), // redisStorage({ url }) lets several hub replicas share tokens, tickets and installs
  baseUrl: sim.url, // omit in production
  logger: { warn: (m) => console.log(`hub: ${m}`) },
});
const server = await hub.listen({ port: 0 });
await hub.ready();

try {
  const instructionUrl = `${server.url}/callback/work/suite/${suiteApp.suiteId}`; // set it in the suite's settings
  check((await sim.work.verifyUrl(instructionUrl, { suiteId: suiteApp.suiteId })).ok, 'the hub answers WeCom’s URL check');
  await sim.work.pushSuiteTicket(suiteApp.suiteId, instructionUrl);
  await sim.work.install(suiteApp.suiteId, installedCorp, { eventUrl: instructionUrl });
  console.log(`hub on ${server.url}: suite ticket stored, corp ${installedCorp} installed`);

  // --- on each business server --------------------------------------------------------------
  const tokens = hubStorage({ url: server.url, secret });
  const selfBuilt = createWorkClient({ corpid: app.corpid, agentid: app.agentid, baseUrl: sim.url, ...hubWorkClientOptions(tokens, app.corpid, app.agentid!) });
  const gettoken = () => sim.work.counters().tokenRequests[`${app.corpid}:${app.agentid}`] ?? 0;
  await Promise.all(Array.from({ length: 200 }, () => Contact.getUser(selfBuilt, { userid: 'zhangsan' })));
  console.log(`self-built app: 200 calls through the hub → ${gettoken()} gettoken (the hub's)`);
  check(gettoken() === 1, '200 calls → 1 gettoken');
  sim.work.expireToken(app.corpid, app.agentid);
  await Promise.all(Array.from({ length: 200 }, () => Contact.getUser(selfBuilt, { userid: 'zhangsan' })));
  console.log(`after a 42001 → ${gettoken()} gettoken in total`);
  check(gettoken() === 2, 'a 42001 → exactly 1 more gettoken');

  const suite = createSuite({ suiteId: suiteApp.suiteId, hub: tokens, baseUrl: sim.url }); // no secret, no storage
  const corp = suite.corp(installedCorp);
  await Promise.all(Array.from({ length: 200 }, () => Contact.getUser(corp, { userid: 'zhangsan' })));
  const counters = sim.work.counters();
  console.log(
    `suite corp: 200 calls → ${counters.suiteTokenRequests[suiteApp.suiteId]} get_suite_token, ${counters.corpTokenRequests[`${suiteApp.suiteId}/${installedCorp}`] ?? 0} get_corp_token`,
  );
  check(counters.suiteTokenRequests[suiteApp.suiteId] === 1, 'one suite token for everyone');
  const agent = await workAgentConfig(corp, { url: 'https://example.com/page', jsApiList: ['selectExternalContact'], agentid: 1000002 });
  check(agent.corpid === installedCorp, 'wx.agentConfig for the installed corp, with its ticket from the hub');

  if (selfTest) console.log('self-test ok');
} catch (error) {
  console.error(`${selfTest ? 'self-test failed' : 'failed'}: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await hub.close();
  await sim.close();
}
