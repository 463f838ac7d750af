// A JSAPI (公众号 / 小程序) payment backend on plain node:http, against the simulator's WeChat Pay.
//
//   npx tsx examples/pay-jsapi.ts              # serve; create orders with curl, pay them through the simulator
//   npx tsx examples/pay-jsapi.ts --self-test  # order → NOTPAY → paid + notified → SUCCESS → refund, exit 0
//
// Routes:
//   POST /orders          { "description", "total", "openid" } → the order number and the wx.requestPayment parameters
//   GET  /orders/<no>     the order as WeChat Pay reports it (trade_state)
//   POST /orders/<no>/refund   a full refund
//   POST /pay/notify      the notify_url: WeChat Pay's signed, encrypted notifications
//
// Nothing here needs a merchant account: the simulator plays WeChat Pay for a demo merchant whose
// keys it generates (sim.pay.credentials()). In production, pass your own mchid, serialNo,
// privateKey, apiV3Key and publicKey / publicKeyId to createPay, drop baseUrl, and serve on a public
// HTTPS notify_url. In your app, import from the package instead of the relative paths.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Refund, Transactions } from '../generated/pay/index.js';
import { createPay, toNodeHandler, WxPayError } from '../src/pay/index.js';
import { startSimulator } from '../src/simulator/index.js';

const selfTest = process.argv.includes('--self-test');
const sim = await startSimulator();
const credentials = await sim.pay.credentials(); // demo merchant keys, generated for this process
const pay = createPay({ ...credentials, validation: 'strict' }); // baseUrl: the simulator (omit in production)

/** What the shop knows about its orders; WeChat Pay's notifications and queries keep it current. */
const orders = new Map<string, { total: number; state: string; transactionId?: string }>();
const events: string[] = [];

const notify = pay.notifyHandler({
  // Runs only once the signature verified and the resource decrypted; throwing makes WeChat retry.
  async onNotify(n) {
    events.push(n.event_type);
    if (n.kind === 'transaction') {
      const order = orders.get(n.resource.out_trade_no);
      if (order) Object.assign(order, { state: n.resource.trade_state, transactionId: n.resource.transaction_id });
    } else if (n.kind === 'refund') {
      const order = orders.get(n.resource.out_trade_no);
      if (order) order.state = `REFUND_${n.resource.refund_status}`;
    }
  },
});
const notifyNode = toNodeHandler(notify);

const host = process.env['HOST'] ?? '127.0.0.1';
const server = createServer((req, res) => {
  if (req.url === '/pay/notify') return notifyNode(req, res);
  route(req, res).catch((error: unknown) => {
    const status = error instanceof WxPayError ? 502 : 500;
    json(res, status, { error: error instanceof Error ? error.message : String(error) });
  });
});
await new Promise<void>((resolve) => server.listen(Number(process.env['PORT'] ?? 0), host, resolve));
const base = `http://${host}:${(server.address() as AddressInfo).port}`;
console.log(`shop backend on ${base} (WeChat Pay: simulator at ${sim.url}, merchant ${credentials.mchid})`);

async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', base);
  const match = /^\/orders\/([^/]+)(\/refund)?$/.exec(url.pathname);
  if (req.method === 'POST' && url.pathname === '/orders') {
    const input = JSON.parse((await readBody(req)) || '{}') as { description?: string; total?: number; openid?: string };
    const outTradeNo = `SHOP${Date.now()}${Math.floor(Math.random() * 1000)}`;
    const total = input.total ?? 1;
    const { prepay_id } = await Transactions.createJsapiTransaction(pay, {
      appid: credentials.appid,
      mchid: credentials.mchid,
      description: input.description ?? 'wxkit demo order',
      out_trade_no: outTradeNo,
      notify_url: `${base}/pay/notify`,
      amount: { total, currency: 'CNY' },
      payer: { openid: input.openid ?? 'oDemoPayerOpenid000001' },
    });
    orders.set(outTradeNo, { total, state: 'NOTPAY' });
    // What the page passes to wx.requestPayment / WeixinJSBridge: signed with the merchant key.
    return json(res, 200, { outTradeNo, payment: pay.jsapiPayParams({ prepayId: prepay_id }) });
  }
  if (req.method === 'GET' && match && !match[2]) {
    const t = await Transactions.queryTransactionByOutTradeNo(pay, { out_trade_no: match[1]!, mchid: credentials.mchid });
    return json(res, 200, { outTradeNo: t.out_trade_no, tradeState: t.trade_state, transactionId: t.transaction_id });
  }
  if (req.method === 'POST' && match?.[2]) {
    const order = orders.get(match[1]!);
    if (!order) return json(res, 404, { error: 'unknown order' });
    const r = await Refund.createRefund(pay, {
      out_trade_no: match[1]!,
      out_refund_no: `RF${match[1]}`,
      notify_url: `${base}/pay/notify`,
      amount: { refund: order.total, total: order.total, currency: 'CNY' },
    });
    return json(res, 200, { outRefundNo: r.out_refund_no, status: r.status });
  }
  json(res, 404, { error: 'not found' });
}

async function shutdown(code: number): Promise<never> {
  await new Promise<void>((r) => server.close(() => r()));
  await sim.close();
  process.exit(code);
}

if (!selfTest) {
  console.log(`try:  curl -s -XPOST ${base}/orders -d '{"total":100}'`);
  console.log(`then: curl -s -XPOST ${sim.url}/__simulator/pay/pay_order -d '{"outTradeNo":"<outTradeNo>"}'   # the payer pays`);
  console.log(`and:  curl -s ${base}/orders/<outTradeNo>`);
  process.on('SIGINT', () => void shutdown(0));
} else {
  try {
    await runSelfTest();
    console.log('self-test ok');
    await shutdown(0);
  } catch (error) {
    console.error(`self-test failed: ${error instanceof Error ? error.message : String(error)}`);
    await shutdown(1);
  }
}

async function runSelfTest(): Promise<void> {
  const check = (ok: boolean, what: string) => {
    if (!ok) throw new Error(what);
  };
  const call = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${base}${path}`, { method, ...(body ? { body: JSON.stringify(body) } : {}) });
    const data = (await r.json()) as Record<string, unknown>;
    check(r.ok, `${method} ${path} answered ${r.status}: ${JSON.stringify(data)}`);
    return data;
  };

  // 1. The page asks for an order: a prepay_id, signed wx.requestPayment parameters.
  const created = await call('POST', '/orders', { description: 'a cup of tea', total: 100 });
  const outTradeNo = String(created.outTradeNo);
  const payment = created.payment as Record<string, string>;
  check(/^prepay_id=wx/.test(payment.package ?? '') && payment.signType === 'RSA' && Boolean(payment.paySign), 'payment parameters');
  console.log(`order ${outTradeNo}: ${payment.package}`);
  check((await call('GET', `/orders/${outTradeNo}`)).tradeState === 'NOTPAY', 'expected NOTPAY before payment');

  // 2. The payer pays: WeChat Pay notifies our notify_url (signed, AEAD-encrypted with the APIv3 key).
  const paid = await sim.pay.payOrder(outTradeNo);
  check(paid.notification?.delivered === true, `notification answered ${paid.notification?.status}`);
  check(orders.get(outTradeNo)?.state === 'SUCCESS' && events.includes('TRANSACTION.SUCCESS'), 'the notification did not mark the order paid');
  const queried = await call('GET', `/orders/${outTradeNo}`);
  check(queried.tradeState === 'SUCCESS' && queried.transactionId === paid.transactionId, 'expected SUCCESS after payment');
  console.log(`paid: transaction ${paid.transactionId}, notified and verified`);

  // 3. A forged notification (bad signature) is refused and changes nothing.
  const forged = await sim.pay.payOrder(outTradeNo, { tamper: 'signature' });
  check(forged.notification?.status === 401, `a forged notification answered ${forged.notification?.status}`);

  // 4. A full refund; WeChat Pay reports its success by notification too.
  const refund = await call('POST', `/orders/${outTradeNo}/refund`);
  check(refund.status === 'PROCESSING', `refund ${String(refund.status)}`);
  const refunded = await sim.pay.completeRefund(String(refund.outRefundNo));
  check(refunded.notification?.delivered === true && orders.get(outTradeNo)?.state === 'REFUND_SUCCESS', 'refund notification');
  console.log(`refunded: ${String(refund.outRefundNo)} → SUCCESS`);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
