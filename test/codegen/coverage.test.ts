// The catalog against the endpoint inventory: the tool's rules on small inputs, and (where
// ../shared is present) the breadth goal itself: every domain at 95 % or more.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { coverage, readInventory, readNotEndpoints, readRoutes, routeShape } from '../../codegen/coverage.js';
import { describeReference, readReference } from '../reference.js';

describe('coverage rules', () => {
  const rows = readInventory(
    [
      'domain\tmethod\thost\tpath\tsources',
      'official_account\tPOST\tapi.weixin.qq.com\t/cgi-bin/a\tx',
      'official_account\tGET\tapi.weixin.qq.com\t/cgi-bin/b/\tx',
      'official_account\tGET\tmp.weixin.qq.com\t/page\tx',
      'pay_v3\tGET\tapi.mch.weixin.qq.com\t/v3/x/{id}\tx',
      'pay_v3\tPOST\tapi.mch.weixin.qq.com\t/v3/x/{id}\tx',
      'pay_v3\tPOST\tapi.mch.weixin.qq.com\t/v3/y/{id}\tx',
    ].join('\n'),
  );
  const routes = [
    { method: 'GET', host: 'api.weixin.qq.com', path: '/cgi-bin/a' },
    { method: 'GET', host: 'api.weixin.qq.com', path: '/cgi-bin/b' },
    { method: 'GET', host: 'api.mch.weixin.qq.com', path: '/v3/x/{transaction_id}' },
  ];
  const readme = [
    '## Not endpoints',
    '| host | path | reason |',
    '| --- | --- | --- |',
    '| `mp.weixin.qq.com` | `/page` | a browser page |',
    '| `api.mch.weixin.qq.com` | `POST /v3/y/{x}` | the docs make it a GET |',
    '## Next',
    '| `api.weixin.qq.com` | `/cgi-bin/a` | outside the section: ignored |',
  ].join('\n');

  it('compares placeholders by position and trailing slashes away; the method only for Pay v3', () => {
    expect(routeShape('/v3/x/{transaction_id}/y/')).toBe('/v3/x/{}/y');
    const [oa, pay] = coverage(rows, routes, readNotEndpoints(readme));
    expect(oa).toMatchObject({ rows: 3, notEndpoints: 1, covered: 2, missing: [] });
    expect(pay).toMatchObject({ rows: 3, notEndpoints: 1, covered: 1 });
    expect(pay!.missing.map((m) => `${m.method} ${m.path}`)).toEqual(['POST /v3/x/{id}']);
  });

  it('reads only the Not endpoints section, with an optional method', () => {
    expect([...readNotEndpoints(readme).keys()]).toEqual(['mp.weixin.qq.com /page', 'POST api.mch.weixin.qq.com /v3/y/{}']);
  });
});

describeReference('the catalog covers the endpoint inventory', () => {
  it('reaches 95 % of every domain the breadth, WeCom and Pay issues name', () => {
    const result = coverage(
      readInventory(readReference('endpoints/union.tsv')),
      readRoutes('generated/registry'),
      readNotEndpoints(readFileSync('catalog/README.md', 'utf8')),
    );
    const share = Object.fromEntries(result.map((d) => [d.domain, d.covered / (d.rows - d.notEndpoints)]));
    for (const domain of ['official_account', 'mini_program', 'component', 'channels', 'work', 'pay_v3', 'pay_v2']) {
      expect(share[domain], domain).toBeGreaterThanOrEqual(0.95);
    }
  });
});
