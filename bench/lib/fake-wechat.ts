// The fake api.weixin.qq.com every timing section talks to, run as a child process (see
// server.ts for why). It answers the two routes the benchmarks use with fixed bodies, counts
// requests, and reports its port and counters over IPC. No logic beyond that: the server must
// cost the same for every client being measured.
import http from 'node:http';

// The token it hands out comes from the parent, so both sides agree without sharing a module.
const TOKEN = process.argv[2] ?? 'BENCH_TOKEN';

const tokenBody = JSON.stringify({ access_token: TOKEN, expires_in: 7200 });
// A realistic one-page answer (two images) that matches the catalog schema, so 'strict'
// validation has real work to do and passes.
const materialBody = JSON.stringify({
  total_count: 2,
  item_count: 2,
  item: [
    { media_id: 'MEDIA_ID_1', name: 'cover.jpg', update_time: 1700000000, url: 'http://mmbiz.qpic.cn/mmbiz_jpg/1/0' },
    { media_id: 'MEDIA_ID_2', name: 'banner.png', update_time: 1700000100, url: 'http://mmbiz.qpic.cn/mmbiz_png/2/0' },
  ],
});
const notFound = JSON.stringify({ errcode: 404, errmsg: 'bench server: unknown route' });

const counts = { token: 0, api: 0, other: 0 };

function reply(res: http.ServerResponse, body: string): void {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const server = http.createServer((req, res) => {
  const url = req.url ?? '';
  const path = url.slice(0, (url.indexOf('?') + 1 || url.length + 1) - 1);
  // Drain the request body before answering so the connection stays reusable.
  req.resume();
  req.on('end', () => {
    if (path === '/cgi-bin/token') {
      counts.token++;
      reply(res, tokenBody);
    } else if (path === '/cgi-bin/material/batchget_material') {
      counts.api++;
      reply(res, materialBody);
    } else {
      counts.other++;
      reply(res, notFound);
    }
  });
});
// Clients keep connections for the whole run; never let the server close them between rounds.
server.keepAliveTimeout = 120_000;
server.headersTimeout = 121_000;

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.send?.({ type: 'ready', port });
});

process.on('message', (m: { type: string; id: number }) => {
  if (m.type === 'stats') process.send?.({ type: 'stats', id: m.id, counts: { ...counts } });
  if (m.type === 'reset') {
    counts.token = counts.api = counts.other = 0;
    process.send?.({ type: 'stats', id: m.id, counts: { ...counts } });
  }
});
// Die with the parent, whatever happens to it.
process.on('disconnect', () => process.exit(0));
