// A minimal fetch-compatible function on node:http, used only by the overhead benchmark to
// answer "is it enough to give ky a faster fetch?" (createClient({ fetch })). It handles what ky
// sends wxkit's way (a Request with a buffered body) and nothing more; it is not shipped.
import http from 'node:http';

const agent = new http.Agent({ keepAlive: true });

export async function nodeFetch(input: Request | URL | string, init?: RequestInit): Promise<Response> {
  const request = input instanceof Request && !init ? input : new Request(input, init);
  const url = new URL(request.url);
  const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
  const headers: Record<string, string> = {};
  request.headers.forEach((v, k) => (headers[k] = v));
  if (body) headers['content-length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname: url.hostname, port: url.port, path: url.pathname + url.search, method: request.method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const pairs: [string, string][] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) pairs.push([res.rawHeaders[i]!, res.rawHeaders[i + 1]!]);
        resolve(new Response(Buffer.concat(chunks), { status: res.statusCode, headers: pairs }));
      });
    });
    req.on('error', reject);
    request.signal.addEventListener('abort', () => req.destroy(request.signal.reason), { once: true });
    req.end(body);
  });
}
