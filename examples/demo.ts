// `npm run demo`: the main job of wxkit, end to end, against the embedded local WeChat simulator.
// Nothing here needs a WeChat account or a network.
import { Auth, Link, SubscribeMessage, WxaCode } from '../generated/mini-program/index.js';
import { Material, Menu, QrCode, User } from '../generated/official-account/index.js';
import { createClient, WxApiError } from '../src/index.js';
import { DEMO_APPS, startSimulator } from '../src/simulator/index.js';

const line = (label: string, value: unknown) => console.log(`  ${label.padEnd(34)} ${typeof value === 'string' ? value : JSON.stringify(value)}`);

const sim = await startSimulator();
console.log(`wxkit demo — local WeChat simulator at ${sim.url}\n`);
const [oaApp, mpApp] = DEMO_APPS as [(typeof DEMO_APPS)[0], (typeof DEMO_APPS)[0]];

try {
  const oa = createClient({ appType: 'official_account', appid: oaApp.appid, appsecret: oaApp.secret, baseUrl: sim.url, validation: 'strict' });
  const mp = createClient({ appType: 'mini_program', appid: mpApp.appid, appsecret: mpApp.secret, baseUrl: sim.url, validation: 'strict' });

  console.log('Official account');
  const materials = await Material.batchGetMaterial(oa, { type: 'image', offset: 0, count: 10 });
  line('Material.batchGetMaterial', `${materials.item_count} of ${materials.total_count}: ${materials.item.map((i) => i.name).join(', ')}`);
  line('Material.getMaterialCount', await Material.getMaterialCount(oa));
  const upload = await Material.uploadTempMedia(oa, { type: 'image', media: { data: new Uint8Array([0xff, 0xd8, 0xff]), filename: 'logo.jpg' } });
  line('Material.uploadTempMedia', `media_id ${upload.media_id}`);
  const users = await User.getUsers(oa, {});
  line('User.getUsers', `${users.total} followers, first ${users.data?.openid[0] ?? '-'}`);
  const menu = await Menu.getMenu(oa);
  line('Menu.getMenu', `${menu.menu.button.length} top-level buttons`);
  const qr = await QrCode.createQrCode(oa, { action_name: 'QR_STR_SCENE', expire_seconds: 600, action_info: { scene: { scene_str: 'demo' } } });
  line('QrCode.createQrCode', `ticket ${qr.ticket.slice(0, 16)}…`);
  line('client.getTicket("jsapi")', `${(await oa.getTicket('jsapi')).slice(0, 20)}…`);

  console.log('\nMini program');
  const session = await Auth.code2Session(mp, { js_code: 'demo-code' });
  line('Auth.code2Session', `openid ${session.openid}`);
  const code = await WxaCode.getUnlimitedQrCode(mp, { scene: 'id=42', page: 'pages/index/index' });
  line('WxaCode.getUnlimitedQrCode', `${code.contentType}, ${code.data.length} bytes`);
  const sent = await SubscribeMessage.sendSubscribeMessage(mp, { touser: 'oDEMO', template_id: 'TPL', data: { thing1: { value: 'hello' } } });
  line('SubscribeMessage.send…Message', sent);
  const link = await Link.generateUrlLink(mp, { path: 'pages/index/index', expire_type: 1, expire_interval: 1 });
  line('Link.generateUrlLink', link.url_link);

  console.log('\nToken handling');
  line('token requests so far', sim.counters().tokenRequests);
  sim.invalidateToken(oaApp.appid);
  const replay = await Material.getMaterialCount(oa).withResponse();
  line('after an injected 40001', `answered on attempt ${replay.response.attempts}, URL ${replay.response.url.replace(sim.url, '')}`);
  const cold = createClient({ appType: 'official_account', appid: oaApp.appid, appsecret: oaApp.secret, baseUrl: sim.url });
  const before = sim.counters().tokenRequests[oaApp.appid] ?? 0;
  await Promise.all(Array.from({ length: 1000 }, () => Material.getMaterialCount(cold)));
  line('1,000 concurrent cold calls', `${(sim.counters().tokenRequests[oaApp.appid] ?? 0) - before} token request`);

  console.log('\nErrors');
  sim.inject({ path: '/wxa/getwxacodeunlimit', errcode: 45009 });
  try {
    await WxaCode.getUnlimitedQrCode(mp, { scene: 'id=43' });
  } catch (e) {
    if (!(e instanceof WxApiError)) throw e;
    line(`WxApiError ${e.errcode} (${e.category})`, e.info.zh ?? e.errmsg);
  }
  console.log('\nDone: every call above went through generated, typed functions and one small runtime.');
} finally {
  await sim.close();
}
