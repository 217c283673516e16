// Authentication and tenant isolation (§1.2): businesses, test/live mode,
// read-only keys, revoked/garbage/missing keys.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, expectAPIError, listAll, show, raw, client, DodoPayments } from '../lib/harness.js';
import { minimalProduct, recurringPrice } from '../lib/products.js';

let env;
let a;
let productA; // a test-mode product of business A
let archivedA; // an archived test-mode product of business A

before(async () => {
  env = await startServer();
  a = env.client(env.keys.a);
  productA = await a.products.create(minimalProduct({ name: 'A secret product', price: recurringPrice() }));
  archivedA = await a.products.create(minimalProduct({ name: 'A archived product' }));
  await a.products.archive(archivedA.product_id);
});
after(async () => {
  await env?.stop();
});

const withoutUpdatedAt = ({ updated_at, ...rest }) => rest;

for (const who of ['b', 'aLive']) {
  describe(`isolation: ${who === 'b' ? "business B's key" : "business A's LIVE key"} cannot see A's test product`, () => {
    let other;
    before(() => {
      other = env.client(env.keys[who]);
    });

    test('retrieve → NotFoundError', async () => {
      await expectAPIError(other.products.retrieve(productA.product_id), { cls: DodoPayments.NotFoundError, status: 404, code: 'NOT_FOUND' });
      await expectAPIError(other.products.retrieve(archivedA.product_id), { cls: DodoPayments.NotFoundError, status: 404, code: 'NOT_FOUND' });
    });

    test('update / archive / unarchive → NotFoundError and the product is untouched', async () => {
      await expectAPIError(other.products.update(productA.product_id, { name: 'hijacked' }), { cls: DodoPayments.NotFoundError, status: 404 });
      await expectAPIError(other.products.archive(productA.product_id), { cls: DodoPayments.NotFoundError, status: 404 });
      await expectAPIError(other.products.unarchive(archivedA.product_id), { cls: DodoPayments.NotFoundError, status: 404 });
      const got = await a.products.retrieve(productA.product_id);
      assert.deepEqual(withoutUpdatedAt(got), withoutUpdatedAt(productA), 'A’s product must be unchanged');
      assert.ok((await listAll(a)).some((x) => x.product_id === productA.product_id), 'still active for A');
      assert.ok((await listAll(a, { archived: true })).some((x) => x.product_id === archivedA.product_id), 'still archived for A');
    });

    test('lists do not contain it (any filter)', async () => {
      const queries = [{}, { archived: true }, { recurring: true }, { recurring: false }];
      // A's primary brand belongs to the live key's business too; for B it is a foreign brand
      // whose filter behaviour is unspecified, so it is only checked for the live key.
      if (who === 'aLive') queries.push({ brand_id: env.businessA });
      for (const q of queries) {
        const items = await listAll(other, q);
        assert.ok(!items.some((x) => x.product_id === productA.product_id || x.product_id === archivedA.product_id), `${show(q)}: ${show(items)}`);
        assert.ok(items.every((x) => who === 'aLive' ? x.business_id === env.businessA : x.business_id === env.businessB), show(items));
      }
    });

    test('its own products are separate and invisible to A’s test key', async () => {
      const mine = await other.products.create(minimalProduct({ name: `owned by ${who}` }));
      assert.equal(mine.business_id, who === 'b' ? env.businessB : env.businessA);
      if (who === 'b') assert.equal(mine.brand_id, env.businessB, 'brand defaults to B’s primary brand');
      assert.deepEqual(ids(await listAll(other)), [mine.product_id]);
      await expectAPIError(a.products.retrieve(mine.product_id), { cls: DodoPayments.NotFoundError, status: 404 });
      assert.ok(!(await listAll(a)).some((x) => x.product_id === mine.product_id));
    });
  });
}

const ids = (items) => items.map((x) => x.product_id);

describe('cross-business references', () => {
  test("creating a product with another business's brand_id → 422", async () => {
    const before = (await listAll(a)).length;
    await expectAPIError(a.products.create(minimalProduct({ brand_id: env.businessB })), {
      cls: DodoPayments.UnprocessableEntityError,
      status: 422,
      message: 'brand_id',
    });
    assert.equal((await listAll(a)).length, before);
  });
});

describe('read-only key', () => {
  let ro;
  before(() => {
    ro = env.client(env.keys.aReadOnly);
  });

  test('can list and retrieve A’s products', async () => {
    const got = await ro.products.retrieve(productA.product_id);
    assert.equal(got.product_id, productA.product_id);
    assert.ok((await listAll(ro)).some((x) => x.product_id === productA.product_id));
    assert.ok((await listAll(ro, { archived: true })).some((x) => x.product_id === archivedA.product_id));
  });

  test('create / update / archive / unarchive → AuthenticationError (401) UNAUTHORIZED, nothing written', async () => {
    const before = ids(await listAll(a));
    await expectAPIError(ro.products.create(minimalProduct()), { cls: DodoPayments.AuthenticationError, status: 401, code: 'UNAUTHORIZED' });
    await expectAPIError(ro.products.update(productA.product_id, { name: 'ro' }), { cls: DodoPayments.AuthenticationError, status: 401, code: 'UNAUTHORIZED' });
    await expectAPIError(ro.products.archive(productA.product_id), { cls: DodoPayments.AuthenticationError, status: 401, code: 'UNAUTHORIZED' });
    await expectAPIError(ro.products.unarchive(archivedA.product_id), { cls: DodoPayments.AuthenticationError, status: 401, code: 'UNAUTHORIZED' });
    assert.deepEqual(ids(await listAll(a)), before);
    assert.ok((await listAll(a, { archived: true })).some((x) => x.product_id === archivedA.product_id));
    assert.equal((await a.products.retrieve(productA.product_id)).name, productA.name);
  });
});

describe('bad credentials → AuthenticationError with {code:"UNAUTHORIZED", message}', () => {
  const cases = {
    'revoked key': () => env.keys.revoked,
    'garbage key': () => 'garbage',
    'well-formed but unknown test key': () => 'pb_test_' + 'x'.repeat(32),
    'well-formed but unknown live key': () => 'pb_live_' + 'y'.repeat(32),
    'truncated valid key': () => env.keys.a.slice(0, -1),
    'valid key with a suffix': () => env.keys.a + 'x',
    'empty key': () => '',
  };
  for (const [name, key] of Object.entries(cases)) {
    test(name, async () => {
      const c = env.client(key());
      await expectAPIError(c.products.list(), { cls: DodoPayments.AuthenticationError, status: 401, code: 'UNAUTHORIZED' });
      await expectAPIError(c.products.retrieve(productA.product_id), { cls: DodoPayments.AuthenticationError, status: 401, code: 'UNAUTHORIZED' });
      await expectAPIError(c.products.create(minimalProduct()), { cls: DodoPayments.AuthenticationError, status: 401, code: 'UNAUTHORIZED' });
    });
  }

  test('no Authorization header at all (SDK with the header removed)', async () => {
    const c = client(env.baseURL, 'unused', { defaultHeaders: { Authorization: null } });
    await expectAPIError(c.products.list(), { cls: DodoPayments.AuthenticationError, status: 401, code: 'UNAUTHORIZED' });
  });

  test('raw requests: missing header, Basic scheme, key without scheme', async () => {
    for (const headers of [{}, { authorization: 'Basic ' + Buffer.from(env.keys.a + ':').toString('base64') }, { authorization: env.keys.a }]) {
      for (const [method, path] of [['GET', '/products'], ['GET', `/products/${productA.product_id}`], ['POST', '/products']]) {
        const r = await raw(env.baseURL, method, path, { headers, body: method === 'POST' ? minimalProduct() : undefined });
        assert.equal(r.status, 401, `${method} ${path} with ${show(headers)} → ${r.status} ${r.text}`);
        assert.equal(r.json?.code, 'UNAUTHORIZED', r.text);
        assert.equal(typeof r.json?.message, 'string', r.text);
      }
    }
  });

  test('auth is checked before anything else: unknown product with bad key is 401 not 404', async () => {
    const c = env.client('garbage');
    await expectAPIError(c.products.retrieve('pdt_AAAAAAAAAAAAAAAAAAAAA'), { cls: DodoPayments.AuthenticationError, status: 401 });
    await expectAPIError(c.products.create({ name: '' }), { cls: DodoPayments.AuthenticationError, status: 401 });
  });

  test('nothing was created by rejected requests', async () => {
    assert.deepEqual(ids(await listAll(a)).sort(), [productA.product_id].sort());
  });
});
