// Localized prices through the official SDK (client.products.localizedPrices.*):
// create, list, retrieve, update, archive, and the product's pricing_mode
// that decides them. Spec: shared/spec/dodo-catalog.md §3 (pricing_mode
// tri-state), §5 rows 11–15, §6.10; shapes from the pinned SDK's
// resources/products/localized-prices.d.ts. Where the spec is silent the test
// follows internal/api/dodo/README.md "Localized prices" and says so.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, expectAPIError, raw, show, DodoPayments } from '../lib/harness.js';
import { minimalProduct, oneTimePrice } from '../lib/products.js';

const { NotFoundError, UnprocessableEntityError, ConflictError, AuthenticationError } = DodoPayments;

const KEYS = ['id', 'product_id', 'amount', 'currency', 'mode', 'created_at', 'updated_at', 'country_code'];
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

/** A USD one-time product in pricing mode `mode` (none when null). */
async function product(mode, price = {}) {
  const body = minimalProduct({ price: oneTimePrice(price) });
  if (mode) body.pricing_mode = mode;
  return (await c.products.create(body)).product_id;
}

function assertShape(lp, { productId, mode }) {
  assert.deepEqual(Object.keys(lp).sort(), [...KEYS].sort(), `LocalizedPrice keys: ${show(lp)}`);
  assert.match(lp.id, /^lcp_[A-Za-z0-9]{21}$/);
  assert.equal(lp.product_id, productId);
  assert.equal(lp.mode, mode);
  assert.match(lp.created_at, ISO);
  assert.match(lp.updated_at, ISO);
  assert.equal(typeof lp.amount, 'number');
}

const ids = async (productId) => (await c.products.localizedPrices.list(productId)).items.map((r) => r.id).sort();

describe('create and read', () => {
  test('by_currency: a rule in another currency, country_code null, listed as {items}', async () => {
    const p = await product('by_currency');
    const lp = await c.products.localizedPrices.create(p, { amount: 900, currency: 'EUR' });
    assertShape(lp, { productId: p, mode: 'by_currency' });
    assert.equal(lp.amount, 900);
    assert.equal(lp.currency, 'EUR');
    assert.equal(lp.country_code, null);
    assert.deepEqual(await c.products.localizedPrices.retrieve(lp.id, { product_id: p }), lp);
    const list = await c.products.localizedPrices.list(p);
    assert.deepEqual(Object.keys(list), ['items'], 'the list is not paginated');
    assert.deepEqual(list.items, [lp]);
  });

  test('by_country: country_code required and returned; the currency may be the base one', async () => {
    const p = await product('by_country');
    const de = await c.products.localizedPrices.create(p, { amount: 950, currency: 'EUR', country_code: 'DE' });
    assertShape(de, { productId: p, mode: 'by_country' });
    assert.equal(de.country_code, 'DE');
    const us = await c.products.localizedPrices.create(p, { amount: 1100, currency: 'USD', country_code: 'US' });
    assert.equal(us.currency, 'USD');
    assert.deepEqual(await ids(p), [de.id, us.id].sort());
  });

  test('a product without rules lists [] ; an unknown product is 404', async () => {
    assert.deepEqual((await c.products.localizedPrices.list(await product(null))).items, []);
    await expectAPIError(c.products.localizedPrices.list('pdt_doesNotExist000000000'), { cls: NotFoundError, status: 404, code: 'NOT_FOUND' });
    await expectAPIError(c.products.localizedPrices.create('pdt_doesNotExist000000000', { amount: 1, currency: 'EUR' }), { status: 404, code: 'NOT_FOUND' });
  });

  test('a rule is found only under its own product', async () => {
    const p = await product('by_currency');
    const q = await product('by_currency');
    const lp = await c.products.localizedPrices.create(p, { amount: 900, currency: 'EUR' });
    await expectAPIError(c.products.localizedPrices.retrieve(lp.id, { product_id: q }), { cls: NotFoundError, status: 404 });
    await expectAPIError(c.products.localizedPrices.update(lp.id, { product_id: q, amount: 1 }), { status: 404 });
    await expectAPIError(c.products.localizedPrices.archive(lp.id, { product_id: q }), { status: 404 });
    assert.equal((await c.products.localizedPrices.retrieve(lp.id, { product_id: p })).amount, 900);
  });
});

describe('create rules (§6.10)', () => {
  test('one active rule per currency: 409 LOCALIZED_PRICE_ALREADY_EXISTS, not retried', async () => {
    const p = await product('by_currency');
    await c.products.localizedPrices.create(p, { amount: 900, currency: 'EUR' });
    const retrying = env.client(env.keys.a, { maxRetries: 2 });
    const started = Date.now();
    await expectAPIError(retrying.products.localizedPrices.create(p, { amount: 800, currency: 'EUR' }), {
      cls: ConflictError, status: 409, code: 'LOCALIZED_PRICE_ALREADY_EXISTS', message: 'EUR',
    });
    assert.ok(Date.now() - started < 400, 'a 409 with x-should-retry: false must not be retried');
    const r = await raw(env.baseURL, 'POST', `/products/${p}/localized-prices`, { key: env.keys.a, body: { amount: 1, currency: 'EUR' } });
    assert.equal(r.status, 409);
    assert.equal(r.headers.get('x-should-retry'), 'false');
    assert.equal((await c.products.localizedPrices.list(p)).items.length, 1);
  });

  test('one active rule per country, whatever the currency', async () => {
    const p = await product('by_country');
    await c.products.localizedPrices.create(p, { amount: 900, currency: 'EUR', country_code: 'DE' });
    await expectAPIError(c.products.localizedPrices.create(p, { amount: 1000, currency: 'USD', country_code: 'DE' }), {
      cls: ConflictError, status: 409, code: 'LOCALIZED_PRICE_ALREADY_EXISTS', message: 'DE',
    });
  });

  test('concurrent creates of one rule: exactly one wins', async () => {
    for (const [mode, body] of [['by_currency', { currency: 'GBP' }], ['by_country', { currency: 'EUR', country_code: 'FR' }]]) {
      const p = await product(mode);
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) => c.products.localizedPrices.create(p, { amount: 100 + i, ...body })));
      const won = results.filter((r) => r.status === 'fulfilled');
      assert.equal(won.length, 1, `${mode}: ${show(results.map((r) => r.status === 'fulfilled' ? 200 : r.reason.status))}`);
      for (const r of results) if (r.status === 'rejected') assert.equal(r.reason.error.code, 'LOCALIZED_PRICE_ALREADY_EXISTS');
      assert.equal((await c.products.localizedPrices.list(p)).items.length, 1);
    }
  });

  test('by_currency may not use the base currency: LOCALIZED_PRICE_DUPLICATES_BASE', async () => {
    const p = await product('by_currency');
    await expectAPIError(c.products.localizedPrices.create(p, { amount: 900, currency: 'USD' }), {
      cls: UnprocessableEntityError, status: 422, code: 'LOCALIZED_PRICE_DUPLICATES_BASE', message: 'currency',
    });
  });

  test('the product needs a pricing_mode first: PRODUCT_PRICING_MODE_REQUIRED', async () => {
    const p = await product(null);
    await expectAPIError(c.products.localizedPrices.create(p, { amount: 900, currency: 'EUR' }), {
      status: 422, code: 'PRODUCT_PRICING_MODE_REQUIRED', message: 'pricing_mode',
    });
  });

  test('country_code: required for by_country, forbidden for by_currency (LOCALIZED_PRICE_SHAPE_MISMATCH)', async () => {
    const byCountry = await product('by_country');
    const byCurrency = await product('by_currency');
    for (const [p, body] of [
      [byCountry, { amount: 900, currency: 'EUR' }],
      [byCountry, { amount: 900, currency: 'EUR', country_code: null }],
      [byCurrency, { amount: 900, currency: 'EUR', country_code: 'DE' }],
    ]) {
      await expectAPIError(c.products.localizedPrices.create(p, body), {
        status: 422, code: 'LOCALIZED_PRICE_SHAPE_MISMATCH', message: 'country_code', label: show(body),
      });
    }
  });

  test('README: never on a pay-what-you-want price (422 LOCALIZED_PRICE_NOT_APPLICABLE)', async () => {
    const p = await product('by_currency', { pay_what_you_want: true, price: 500 });
    await expectAPIError(c.products.localizedPrices.create(p, { amount: 900, currency: 'EUR' }), {
      status: 422, code: 'LOCALIZED_PRICE_NOT_APPLICABLE', message: 'pay-what-you-want',
    });
  });

  test('strict input: every bad field is a 422 naming it, and nothing is written', async () => {
    const p = await product('by_country');
    for (const [body, field] of [
      [{ amount: 0, currency: 'EUR', country_code: 'DE' }, 'amount'],
      [{ amount: -1, currency: 'EUR', country_code: 'DE' }, 'amount'],
      [{ amount: 1.5, currency: 'EUR', country_code: 'DE' }, 'amount'],
      [{ amount: 2 ** 31, currency: 'EUR', country_code: 'DE' }, 'amount'],
      [{ amount: '900', currency: 'EUR', country_code: 'DE' }, 'amount'],
      [{ currency: 'EUR', country_code: 'DE' }, 'amount'],
      [{ amount: 900, country_code: 'DE' }, 'currency'],
      [{ amount: 900, currency: 'eur', country_code: 'DE' }, 'currency'],
      [{ amount: 900, currency: 'EURO', country_code: 'DE' }, 'currency'],
      [{ amount: 900, currency: 'EUR', country_code: 'XX' }, 'country_code'],
      [{ amount: 900, currency: 'EUR', country_code: 'de' }, 'country_code'],
      [{ amount: 900, currency: 'EUR', country_code: 276 }, 'country_code'],
    ]) {
      await expectAPIError(c.products.localizedPrices.create(p, body), {
        cls: UnprocessableEntityError, status: 422, code: 'INVALID_REQUEST_BODY', message: field, label: show(body),
      });
    }
    assert.deepEqual((await c.products.localizedPrices.list(p)).items, []);
  });
});

describe('update and archive', () => {
  test('PATCH changes only the amount and returns the rule', async () => {
    const p = await product('by_currency');
    const lp = await c.products.localizedPrices.create(p, { amount: 900, currency: 'EUR' });
    const up = await c.products.localizedPrices.update(lp.id, { product_id: p, amount: 850 });
    assertShape(up, { productId: p, mode: 'by_currency' });
    assert.equal(up.amount, 850);
    assert.equal(up.currency, 'EUR');
    assert.equal(up.created_at, lp.created_at);
    assert.equal((await c.products.localizedPrices.retrieve(lp.id, { product_id: p })).amount, 850);
    // amount null or omitted: no change.
    assert.equal((await c.products.localizedPrices.update(lp.id, { product_id: p })).amount, 850);
    assert.equal((await c.products.localizedPrices.update(lp.id, { product_id: p, amount: null })).amount, 850);
    for (const amount of [0, -3, 8.5, 2 ** 31]) {
      await expectAPIError(c.products.localizedPrices.update(lp.id, { product_id: p, amount }), {
        status: 422, code: 'INVALID_REQUEST_BODY', message: 'amount', label: `amount ${amount}`,
      });
    }
    // README: currency and country_code cannot change; sending them is 422, not silently ignored.
    for (const body of [{ currency: 'GBP' }, { country_code: 'DE' }]) {
      const field = Object.keys(body)[0];
      await expectAPIError(c.products.localizedPrices.update(lp.id, { product_id: p, amount: 1, ...body }), {
        status: 422, code: 'INVALID_REQUEST_BODY', message: `${field}: cannot be changed`,
      });
    }
    assert.equal((await c.products.localizedPrices.retrieve(lp.id, { product_id: p })).amount, 850);
  });

  test('archive is idempotent (200, no body); afterwards GET and PATCH are 404 and the currency is free', async () => {
    const p = await product('by_currency');
    const lp = await c.products.localizedPrices.create(p, { amount: 900, currency: 'EUR' });
    assert.equal(await c.products.localizedPrices.archive(lp.id, { product_id: p }), undefined);
    assert.equal(await c.products.localizedPrices.archive(lp.id, { product_id: p }), undefined, 'archiving again is 200');
    const r = await raw(env.baseURL, 'DELETE', `/products/${p}/localized-prices/${lp.id}`, { key: env.keys.a });
    assert.equal(r.status, 200);
    await expectAPIError(c.products.localizedPrices.retrieve(lp.id, { product_id: p }), { cls: NotFoundError, status: 404, code: 'NOT_FOUND' });
    await expectAPIError(c.products.localizedPrices.update(lp.id, { product_id: p, amount: 1 }), { cls: NotFoundError, status: 404 });
    assert.deepEqual((await c.products.localizedPrices.list(p)).items, [], 'the list holds active rules only');
    await expectAPIError(c.products.localizedPrices.archive('lcp_doesNotExist000000000', { product_id: p }), { status: 404 });
    const again = await c.products.localizedPrices.create(p, { amount: 700, currency: 'EUR' });
    assert.notEqual(again.id, lp.id);
  });
});

describe('pricing_mode on the product (§3)', () => {
  test('switching the mode archives the rules of the other; null archives all', async () => {
    const p = await product('by_currency');
    const eur = await c.products.localizedPrices.create(p, { amount: 900, currency: 'EUR' });
    await c.products.update(p, { name: 'Renamed' });
    await c.products.update(p, { pricing_mode: 'by_currency' });
    assert.deepEqual(await ids(p), [eur.id], 'a PATCH that keeps the mode keeps the rules');
    await c.products.update(p, { pricing_mode: 'by_country' });
    assert.equal((await c.products.retrieve(p)).pricing_mode, 'by_country');
    assert.deepEqual(await ids(p), []);
    await expectAPIError(c.products.localizedPrices.retrieve(eur.id, { product_id: p }), { status: 404 });
    const de = await c.products.localizedPrices.create(p, { amount: 950, currency: 'EUR', country_code: 'DE' });
    assert.equal(de.mode, 'by_country');
    await c.products.update(p, { pricing_mode: null });
    assert.equal((await c.products.retrieve(p)).pricing_mode, null);
    assert.deepEqual(await ids(p), []);
    await expectAPIError(c.products.localizedPrices.create(p, { amount: 1, currency: 'EUR' }), { status: 422, code: 'PRODUCT_PRICING_MODE_REQUIRED' });
  });

  test('README: a new base currency archives its by_currency rule; a pay-what-you-want price archives every rule', async () => {
    const p = await product('by_currency');
    const eur = await c.products.localizedPrices.create(p, { amount: 900, currency: 'EUR' });
    const gbp = await c.products.localizedPrices.create(p, { amount: 800, currency: 'GBP' });
    await c.products.update(p, { price: oneTimePrice({ currency: 'EUR' }) });
    assert.deepEqual(await ids(p), [gbp.id]);
    await expectAPIError(c.products.localizedPrices.retrieve(eur.id, { product_id: p }), { status: 404 });
    await c.products.update(p, { price: oneTimePrice({ currency: 'EUR', pay_what_you_want: true, price: 500 }) });
    assert.deepEqual(await ids(p), []);
  });

  test('an invalid pricing_mode is 422 and archives nothing', async () => {
    const p = await product('by_currency');
    const eur = await c.products.localizedPrices.create(p, { amount: 900, currency: 'EUR' });
    await expectAPIError(c.products.update(p, { pricing_mode: 'by_planet' }), { status: 422, code: 'INVALID_REQUEST_BODY', message: 'pricing_mode' });
    assert.deepEqual(await ids(p), [eur.id]);
  });
});

describe('tenancy and keys', () => {
  test('another business or mode sees 404; a read-only key reads but cannot write', async () => {
    const p = await product('by_currency');
    const lp = await c.products.localizedPrices.create(p, { amount: 900, currency: 'EUR' });
    for (const key of [env.keys.b, env.keys.aLive]) {
      const other = env.client(key);
      await expectAPIError(other.products.localizedPrices.list(p), { cls: NotFoundError, status: 404 });
      await expectAPIError(other.products.localizedPrices.retrieve(lp.id, { product_id: p }), { status: 404 });
      await expectAPIError(other.products.localizedPrices.update(lp.id, { product_id: p, amount: 1 }), { status: 404 });
      await expectAPIError(other.products.localizedPrices.archive(lp.id, { product_id: p }), { status: 404 });
      await expectAPIError(other.products.localizedPrices.create(p, { amount: 1, currency: 'GBP' }), { status: 404 });
    }
    const ro = env.client(env.keys.aReadOnly);
    assert.equal((await ro.products.localizedPrices.list(p)).items.length, 1);
    await expectAPIError(ro.products.localizedPrices.create(p, { amount: 1, currency: 'GBP' }), { cls: AuthenticationError, status: 401 });
    await expectAPIError(ro.products.localizedPrices.archive(lp.id, { product_id: p }), { status: 401 });
    assert.equal((await c.products.localizedPrices.retrieve(lp.id, { product_id: p })).amount, 900);
  });
});
