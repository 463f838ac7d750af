// A WeCom (企业微信) self-built app against the local simulator: createWorkClient keeps the app's
// access_token (one gettoken however many calls), generated calls (Contact.getUser,
// WorkMessage.sendMessage), a refused token replaced once, the JS-SDK signatures, and a group robot.
//
//   npx tsx examples/work-app.ts              # run against the simulator
//   npx tsx examples/work-app.ts --self-test  # the same, checking each step; exits non-zero on failure
//
// In your app: import from 'wxkit/work', drop baseUrl, and take corpid / agentid / corpsecret from
// the app's page in the WeCom admin console (the values below are the simulator's demo ones).
import { Contact, WorkMessage } from '../generated/work/index.js';
import { memoryStorage } from '../src/index.js';
import { DEMO_WORK, startSimulator } from '../src/simulator/index.js';
import { createWebhook, createWorkClient, workAgentConfig, workJsapiConfig } from '../src/work/index.js';

const selfTest = process.argv.includes('--self-test');
const app = DEMO_WORK.apps[0]!;
const sim = await startSimulator();

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(what);
  if (selfTest) console.log(`ok - ${what}`);
}

try {
  const client = createWorkClient({
    corpid: app.corpid,
    agentid: app.agentid,
    corpsecret: app.secret,
    storage: memoryStorage(), // redisStorage({ url }) or fileStorage({ dir }) to share across processes
    baseUrl: sim.url, // omit in production (https://qyapi.weixin.qq.com)
  });
  const tokens = () => sim.work.counters().tokenRequests[`${app.corpid}:${app.agentid}`] ?? 0;

  const users = await Promise.all(Array.from({ length: 100 }, () => Contact.getUser(client, { userid: 'zhangsan' })));
  console.log(`100 concurrent Contact.getUser → ${tokens()} gettoken; first answer: ${users[0]!.name}`);
  check(users.length === 100 && tokens() === 1, '100 cold calls make 1 gettoken');

  const sent = await WorkMessage.sendMessage(client, { touser: 'zhangsan', msgtype: 'text', agentid: app.agentid!, text: { content: 'hello from wxkit' } });
  console.log('WorkMessage.sendMessage →', sent);
  check(typeof sent.msgid === 'string', 'sendMessage answers a msgid');

  sim.work.expireToken(app.corpid, app.agentid); // WeCom now answers 42001 for the cached token
  await Promise.all(Array.from({ length: 50 }, () => Contact.getUser(client, { userid: 'zhangsan' })));
  console.log(`after a 42001 → ${tokens()} gettoken in total`);
  check(tokens() === 2, 'a refused token is replaced once');

  const config = await workJsapiConfig(client, { url: 'https://example.com/page', jsApiList: ['scanQRCode'] });
  const agent = await workAgentConfig(client, { url: 'https://example.com/page', jsApiList: ['selectExternalContact'] });
  console.log('wx.config:', config, '\nwx.agentConfig:', agent);
  check(config.appId === app.corpid && agent.agentid === String(app.agentid) && config.signature !== agent.signature, 'JS-SDK signatures');

  // A group robot (群机器人): no token, the key from its webhook URL (redacted in logs and errors).
  const key = '693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa';
  const robot = createWebhook({ key, baseUrl: sim.url });
  const posted = await WorkMessage.sendWebhookMessage(robot, { msgtype: 'markdown', markdown: { content: '**deploy** finished' } });
  console.log('robot →', posted);
  check(sim.work.counters().webhookCalls[`${key}:send`] === 1, 'the robot message reached the webhook');

  if (selfTest) console.log('self-test ok');
} catch (error) {
  console.error(`${selfTest ? 'self-test failed' : 'failed'}: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await sim.close();
}
