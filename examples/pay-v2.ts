// A v2 (XML, API key) Native payment against the simulator's WeChat Pay: unifiedorder → a code_url
// to show as a QR code → the payer pays → the signed XML notification → orderquery says SUCCESS.
//
//   npx tsx examples/pay-v2.ts              # serve the notify_url and wait
//   npx tsx examples/pay-v2.ts --self-test  # the whole flow, exit 0
//
// Demo credentials only (the simulator's merchant). In your app, import from the package instead of
// the relative paths, drop baseUrl and give your own mchid, key and appid.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PayV2 } from '../generated/pay/index.js';
import { createPay, toNodeHandler } from '../src/pay/index.js';
import { DEMO_MERCHANTS, startSimulator } from '../src/simulator/index.js';

const selfTest = process.argv.includes('--self-test');
const merchant = DEMO_MERCHANTS[0]!;
const sim = await startSimulator();
const pay = createPay({ mchid: merchant.mchid, key: merchant.key, appid: merchant.appid, signType: 'MD5', baseUrl: sim.url, validation: 'strict' });

const paid = new Set<string>();
// Checks the `sign` with the API key before onNotify runs; answers <return_code>SUCCESS</return_code>.
const notify = pay.notifyHandlerV2({
  onNotify(n) {
    if (n.kind === 'transaction' && n.fields.result_code === 'SUCCESS' && n.fields.out_trade_no) paid.add(n.fields.out_trade_no);
  },
});
const server = createServer(toNodeHandler(notify));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const notifyUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/pay/notify`;
console.log(`v2 notify_url ${notifyUrl} (WeChat Pay: simulator at ${sim.url})`);

async function shutdown(code: number): Promise<never> {
  await new Promise<void>((r) => server.close(() => r()));
  await sim.close();
  process.exit(code);
}

async function flow(): Promise<void> {
  const outTradeNo = `V2DEMO${Date.now()}`;
  const order = await PayV2.unifiedOrder(pay, {
    body: 'wxkit v2 demo',
    out_trade_no: outTradeNo,
    total_fee: 1,
    spbill_create_ip: '127.0.0.1',
    notify_url: notifyUrl,
    trade_type: 'NATIVE',
    product_id: 'demo-product',
  });
  console.log(`unifiedorder: prepay_id ${order.prepay_id}, code_url ${order.code_url}`);
  const before = await PayV2.queryOrder(pay, { out_trade_no: outTradeNo });
  if (before.trade_state !== 'NOTPAY') throw new Error(`expected NOTPAY, got ${before.trade_state}`);

  const result = await sim.pay.payOrder(outTradeNo, { openid: 'oDemoPayerOpenid000002' });
  if (!result.notification?.delivered || !paid.has(outTradeNo)) throw new Error(`notification answered ${result.notification?.status}`);
  const after = await PayV2.queryOrder(pay, { out_trade_no: outTradeNo });
  if (after.trade_state !== 'SUCCESS' || after.transaction_id !== result.transactionId) throw new Error(`expected SUCCESS, got ${after.trade_state}`);
  console.log(`paid: transaction ${after.transaction_id}, notification verified`);
}

if (!selfTest) {
  await flow();
  console.log('flow done; Ctrl-C to stop');
  process.on('SIGINT', () => void shutdown(0));
} else {
  try {
    await flow();
    console.log('self-test ok');
    await shutdown(0);
  } catch (error) {
    console.error(`self-test failed: ${error instanceof Error ? error.message : String(error)}`);
    await shutdown(1);
  }
}
