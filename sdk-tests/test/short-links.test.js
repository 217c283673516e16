// Short links through the official SDK (client.products.shortLinks.*):
// create and list (spec shared/spec/dodo-catalog.md §2, §5 rows 9–10,
// §6.9), then the links themselves: the short URL redirects to the full
// URL, Pricebook's static checkout page for the product. Where the spec is
// silent the test follows internal/api/dodo/README.md "Short links".

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, expectAPIError, raw, show, DodoPayments } from '../lib/harness.js';
import { minimalProduct } from '../lib/products.js';

const { ConflictError, NotFoundError, UnprocessableEntityError } = DodoPayments;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

let env;
let c; // business A, test mode, read-write

before(async () => {
  env = await startServer();
  c = env.client(env.keys.a);
});
after(async () => {
  await env?.stop();
});

async function all(query) {
  const out = [];
  for await (const l of c.products.shortLinks.list({ page_number: 0, ...query })) out.push(l);
  return out;
}

describe('products.shortLinks', () => {
  test('create answers {full_url, short_url} under the public URL; a taken slug is 409 once', async () => {
    const p = await c.products.create(minimalProduct({ name: 'Linked' }));
    const link = await c.products.shortLinks.create(p.product_id, { slug: 'linked-1', static_checkout_params: { quantity: '2' } });
    assert.deepEqual(Object.keys(link).sort(), ['full_url', 'short_url'], show(link));
    assert.equal(link.short_url, `${env.baseURL}/s/test/${env.businessA}/linked-1`);
    assert.equal(link.full_url, `${env.baseURL}/buy/${p.product_id}?quantity=2`);

    const other = await c.products.create(minimalProduct());
    const sdk = env.client(env.keys.a, { maxRetries: 2 });
    const t0 = Date.now();
    const err = await expectAPIError(sdk.products.shortLinks.create(other.product_id, { slug: 'linked-1' }),
      { cls: ConflictError, status: 409, code: 'SLUG_ALREADY_TAKEN' });
    assert.ok(Date.now() - t0 < 1000, `409 was retried (took ${Date.now() - t0}ms)`);
    assert.equal(err.headers.get('x-should-retry'), 'false');
    // Another business and the other mode have their own slugs.
    const b = env.client(env.keys.b);
    const theirs = await b.products.create(minimalProduct());
    const bl = await b.products.shortLinks.create(theirs.product_id, { slug: 'linked-1' });
    assert.equal(bl.short_url, `${env.baseURL}/s/test/${env.businessB}/linked-1`);
  });

  test('unknown, other-tenant and archived products; bad input is 422 naming the field and writes nothing', async () => {
    await expectAPIError(c.products.shortLinks.create('pdt_doesNotExist', { slug: 'nope-1' }), { cls: NotFoundError, status: 404, code: 'NOT_FOUND' });
    const theirs = await env.client(env.keys.b).products.create(minimalProduct());
    await expectAPIError(c.products.shortLinks.create(theirs.product_id, { slug: 'nope-2' }), { cls: NotFoundError, status: 404 });
    const gone = await c.products.create(minimalProduct());
    await c.products.archive(gone.product_id);
    await expectAPIError(c.products.shortLinks.create(gone.product_id, { slug: 'nope-3' }), { status: 410, code: 'PRODUCT_IS_DELETED' });

    const p = await c.products.create(minimalProduct());
    const before = await all({});
    for (const [body, field] of [
      [{ slug: 'x' }, 'slug'],
      [{ slug: 'has space' }, 'slug'],
      [{ slug: 'ok-slug', static_checkout_params: { quantity: '0' } }, 'static_checkout_params.quantity'],
      [{ slug: 'ok-slug', static_checkout_params: { redirect_url: 'ftp://x' } }, 'static_checkout_params.redirect_url'],
      [{ slug: 'ok-slug', static_checkout_params: { quantity: 2 } }, 'static_checkout_params'],
    ]) {
      const e = await expectAPIError(c.products.shortLinks.create(p.product_id, body), { cls: UnprocessableEntityError, status: 422, code: 'INVALID_REQUEST_BODY' });
      assert.match(e.error.message, new RegExp(`^${field.replace(/\./g, '\\.')}`), show(e.error));
    }
    const r = await raw(env.baseURL, 'POST', `/products/${p.product_id}/short_links`, { key: env.keys.a, body: {} });
    assert.equal(r.status, 422);
    assert.match(r.json.message, /slug: is required/);
    assert.deepEqual(await all({}), before, 'rejected creates wrote nothing');
  });

  test('list: newest first, every key, product_id filter, pagination (the SDK iterator too)', async () => {
    const p = await c.products.create(minimalProduct());
    const q = await c.products.create(minimalProduct());
    for (let i = 0; i < 5; i++) {
      await c.products.shortLinks.create(i % 2 ? q.product_id : p.product_id, { slug: `page-${i}`, static_checkout_params: { metadata_n: String(i) } });
    }
    const page0 = await c.products.shortLinks.list({ page_size: 2, page_number: 0 });
    assert.equal(page0.items.length, 2);
    for (const l of page0.items) {
      assert.deepEqual(Object.keys(l).sort(), ['created_at', 'full_url', 'product_id', 'short_url'], show(l));
      assert.match(l.created_at, ISO);
    }
    assert.equal(page0.items[0].short_url, `${env.baseURL}/s/test/${env.businessA}/page-4`);
    const ofP = await all({ product_id: p.product_id, page_size: 2 });
    assert.deepEqual(ofP.map((l) => l.short_url.split('/').pop()), ['page-4', 'page-2', 'page-0']);
    assert.ok(ofP.every((l) => l.product_id === p.product_id && l.full_url === `${env.baseURL}/buy/${p.product_id}?metadata_n=${l.short_url.slice(-1)}`), show(ofP));
    const ofQ = await c.products.shortLinks.list({ product_id: q.product_id, page_size: 1, page_number: 1 });
    assert.deepEqual(ofQ.items.map((l) => l.short_url.split('/').pop()), ['page-1']);
    const past = await c.products.shortLinks.list({ product_id: q.product_id, page_size: 10, page_number: 3 });
    assert.deepEqual(past.items, []);
    await expectAPIError(c.products.shortLinks.list({ page_size: 101 }), { cls: UnprocessableEntityError, status: 422, code: 'INVALID_QUERY_PARAMS' });
    // The list route does not shadow GET /products/{id}.
    assert.equal((await c.products.retrieve(p.product_id)).product_id, p.product_id);
    // Nothing of A's for B.
    assert.ok((await env.client(env.keys.b).products.shortLinks.list({ product_id: p.product_id })).items.length === 0);
  });

  test('the short URL redirects to the full URL, Pricebook\'s static checkout page of the product', async () => {
    const p = await c.products.create({
      name: 'Team <plan>', description: 'For teams & friends', tax_category: 'saas',
      price: { type: 'recurring_price', currency: 'USD', price: 2500, discount: 0, purchasing_power_parity: false,
        payment_frequency_count: 1, payment_frequency_interval: 'Month', subscription_period_count: 1, subscription_period_interval: 'Year',
        trial_period_days: 7 },
    });
    const link = await c.products.shortLinks.create(p.product_id, {
      slug: 'team-plan', static_checkout_params: { quantity: '3', email: 'ada@example.com', metadata_campaign: 'spring' },
    });
    // No key: these are public links.
    const hop = await fetch(link.short_url, { redirect: 'manual' });
    assert.equal(hop.status, 302);
    assert.equal(hop.headers.get('location'), link.full_url);
    const page = await fetch(link.short_url, { redirect: 'follow' });
    assert.equal(page.status, 200);
    assert.equal(page.url, link.full_url);
    assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
    const csp = page.headers.get('content-security-policy');
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /style-src 'sha256-[A-Za-z0-9+/=]+'/);
    assert.doesNotMatch(csp, /unsafe-inline|script-src/);
    const html = await page.text();
    for (const want of ['Team &lt;plan&gt;', 'For teams &amp; friends', 'Test mode',
      'Subscription: USD 25.00, billed every month, for a subscription period of 1 year.', 'Trial: 7 days free',
      'Tax category: software as a service (SaaS).', '<dt>Quantity</dt><dd>3</dd>', '<dt>Prefilled email</dt><dd>ada@example.com</dd>',
      '<dt>Metadata campaign</dt><dd>spring</dd>', 'No payment is taken here']) {
      assert.ok(html.includes(want), `page lacks ${show(want)}:\n${html}`);
    }
    assert.ok(!/<script/i.test(html), 'no script on the page');

    // Tampered, unknown or other: the 404 page, still HTML with the policy.
    for (const url of [link.full_url.replace('quantity=3', 'quantity=30'), `${env.baseURL}/buy/${p.product_id}`,
      `${env.baseURL}/s/test/${env.businessA}/no-such-slug`, `${env.baseURL}/s/live/${env.businessA}/team-plan`,
      `${env.baseURL}/s/test/${env.businessB}/team-plan`]) {
      const r = await fetch(url);
      assert.equal(r.status, 404, url);
      assert.match(r.headers.get('content-type'), /^text\/html/);
      assert.ok(r.headers.get('content-security-policy'));
      assert.match(await r.text(), /There is no checkout at this address/);
    }
    // API clients on unknown paths still get the face's JSON 404.
    const api = await raw(env.baseURL, 'GET', '/s/nothing', { key: env.keys.a });
    assert.equal(api.status, 404);
    assert.equal(api.json?.code, 'NOT_FOUND');

    // An archived product's link leads to a "no longer sold" page.
    await c.products.archive(p.product_id);
    const gone = await fetch(link.short_url);
    assert.equal(gone.status, 410);
    assert.match(await gone.text(), /no longer sold/);
  });
});

describe('serve --public-url', () => {
  let other;
  before(async () => {
    other = await startServer({ serveArgs: ['--public-url', 'https://links.example.test/'] });
  });
  after(async () => {
    await other?.stop();
  });

  test('short links are made under the public URL', async () => {
    const k = other.client(other.keys.a);
    const p = await k.products.create(minimalProduct());
    const link = await k.products.shortLinks.create(p.product_id, { slug: 'public' });
    assert.equal(link.short_url, `https://links.example.test/s/test/${other.businessA}/public`);
    assert.equal(link.full_url, `https://links.example.test/buy/${p.product_id}`);
    // Served on the listen address all the same.
    const hop = await fetch(`${other.baseURL}/s/test/${other.businessA}/public`, { redirect: 'manual' });
    assert.equal(hop.status, 302);
    assert.equal(hop.headers.get('location'), link.full_url);
  });
});
