// Products through the official SDK: create/retrieve round trips, PATCH
// semantics, archive/unarchive. Spec: shared/spec/dodo-catalog.md §1–§6.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, expectAPIError, listAll, show, sleep, DodoPayments } from '../lib/harness.js';
import {
  assertProductShape,
  assertPriceShape,
  assertSubset,
  minimalProduct,
  oneTimePrice,
  recurringPrice,
  usagePrice,
} from '../lib/products.js';

let env;
let c; // business A, test mode, read-write

before(async () => {
  env = await startServer();
  c = env.client(env.keys.a);
});
after(async () => {
  await env?.stop();
});

// Void endpoints (§1.5): the SDK resolves with whatever an empty/ignorable body parses to:
// undefined (JSON + Content-Length: 0), null (204), '' (no content type) or {} (body "{}").
// What matters is that the promise resolves and carries no product data.
function assertVoid(res, what) {
  assert.ok(
    res === undefined || res === null || res === '' || (typeof res === 'object' && Object.keys(res).length === 0),
    `${what} is a void endpoint: expected an empty body, got ${show(res)}`,
  );
}

async function createAndRetrieve(body) {
  const created = await c.products.create(body);
  assertProductShape(created, { businessId: env.businessA });
  const got = await c.products.retrieve(created.product_id);
  assertProductShape(got, { businessId: env.businessA });
  assert.deepEqual(got, created, 'retrieve must return exactly what create returned');
  return got;
}

describe('create + retrieve round trip', () => {
  test('minimal product: every documented key present, empty ones null/[]/{}', async () => {
    const body = minimalProduct({ tax_category: 'digital_products', price: oneTimePrice({ price: 0, currency: 'USD' }) });
    const p = await createAndRetrieve(body);
    assert.equal(p.name, body.name);
    assert.equal(p.tax_category, 'digital_products');
    assert.equal(p.is_recurring, false);
    // brand_id defaults to the primary brand, whose id is the business id (spec §4.1, §6.2)
    assert.equal(p.brand_id, env.businessA, 'brand_id must default to the business id');
    assert.deepEqual(p.metadata, {}, 'empty metadata is {} (spec §4.3)');
    assert.deepEqual(p.credit_entitlements, []);
    assert.deepEqual(p.entitlements, []);
    assert.equal(p.license_key_enabled, false, 'license_key_enabled defaults to false');
    for (const k of [
      'description',
      'image',
      'digital_product_delivery',
      'license_key_activation_message',
      'license_key_activations_limit',
      'license_key_duration',
      'pricing_mode',
      'product_collection_id',
    ]) {
      assert.equal(p[k], null, `${k} must be null when not set; got ${show(p[k])}`);
    }
    assert.ok(p.addons === null || (Array.isArray(p.addons) && p.addons.length === 0), `addons null or []; got ${show(p.addons)}`);
    // price defaults (spec §6.1): discount 0, purchasing_power_parity false
    assert.equal(p.price.type, 'one_time_price');
    assert.equal(p.price.currency, 'USD');
    assert.equal(p.price.price, 0);
    assert.equal(p.price.discount, 0);
    assert.ok(p.price.discount_bps === 0 || p.price.discount_bps === null, `discount_bps 0/null; got ${show(p.price)}`);
    assert.equal(p.price.purchasing_power_parity, false);
    assert.equal(p.price.tax_inclusive, null, `tax_inclusive not sent → null; got ${show(p.price)}`);
    assert.ok(p.price.pay_what_you_want === false || p.price.pay_what_you_want === null, `pay_what_you_want default; ${show(p.price)}`);
    assert.equal(p.price.suggested_price, null);
  });

  test('one_time price: every field round-trips', async () => {
    const price = {
      type: 'one_time_price',
      currency: 'EUR',
      price: 1500,
      pay_what_you_want: true,
      suggested_price: 2500,
      tax_inclusive: true,
      discount: 10,
      purchasing_power_parity: true,
    };
    const p = await createAndRetrieve(minimalProduct({ price, tax_category: 'e_book' }));
    assertSubset(p.price, price, 'price.');
    assert.equal(p.is_recurring, false);
    assert.equal(p.tax_category, 'e_book');
    // only `discount` (percent) was sent; bps must be consistent with it if reported
    assert.ok(p.price.discount_bps === 1000 || p.price.discount_bps === null, `discount_bps for discount=10 should be 1000 (or null); got ${show(p.price)}`);
  });

  test('one_time price with tax_inclusive false and pay_what_you_want false', async () => {
    const price = oneTimePrice({ currency: 'INR', price: 49900, pay_what_you_want: false, tax_inclusive: false, discount: 0, purchasing_power_parity: false });
    const p = await createAndRetrieve(minimalProduct({ price }));
    assertSubset(p.price, price, 'price.');
  });

  test('recurring price: every field round-trips', async () => {
    const price = {
      type: 'recurring_price',
      currency: 'USD',
      price: 1999,
      payment_frequency_count: 1,
      payment_frequency_interval: 'Month',
      subscription_period_count: 12,
      subscription_period_interval: 'Month',
      trial_period_days: 14,
      trial_amount: 100,
      trial_apply_discounts: true,
      trial_payment_method_optional: true,
      zero_amount_payment_method_optional: true,
      discount_bps: 1260,
      tax_inclusive: false,
      purchasing_power_parity: false,
    };
    const p = await createAndRetrieve(minimalProduct({ price, tax_category: 'saas' }));
    assertSubset(p.price, price, 'price.');
    assert.equal(p.is_recurring, true);
    // spec §14.10: product created with only discount_bps → discount = round(bps/100) = round(12.6) = 13
    assert.equal(p.price.discount, 13, `discount derived from discount_bps 1260 must be 13 (§14.10); ${show(p.price)}`);
  });

  test('recurring price defaults: no trial, no discount', async () => {
    const price = recurringPrice({ payment_frequency_interval: 'Week', payment_frequency_count: 2, subscription_period_interval: 'Day', subscription_period_count: 90 });
    const p = await createAndRetrieve(minimalProduct({ price }));
    assertSubset(p.price, price, 'price.');
    assert.equal(p.price.trial_period_days, 0, 'trial_period_days defaults to 0 (no trial)');
    assert.equal(p.price.trial_amount, null);
    assert.ok(p.price.trial_apply_discounts === null || p.price.trial_apply_discounts === false, show(p.price));
    assert.equal(p.price.trial_payment_method_optional, false, 'trial_payment_method_optional defaults to false (§6.1)');
    assert.equal(p.price.zero_amount_payment_method_optional, false, 'zero_amount_payment_method_optional defaults to false (§6.1)');
    assert.equal(p.price.discount, 0);
    assert.ok(p.price.discount_bps === 0 || p.price.discount_bps === null, show(p.price));
    assert.equal(p.price.purchasing_power_parity, false);
    assert.equal(p.price.tax_inclusive, null);
  });

  test('discount_bps wins over discount when both are sent (spec §6.1)', async () => {
    const p = await createAndRetrieve(minimalProduct({ price: oneTimePrice({ discount: 50, discount_bps: 2500 }) }));
    assert.equal(p.price.discount_bps, 2500, show(p.price));
    assert.equal(p.price.discount, 25, `discount must follow discount_bps (§6.1 "If sent, discount is ignored"); ${show(p.price)}`);
  });

  test('usage_based price round-trips (meters: [])', async () => {
    const price = {
      type: 'usage_based_price',
      currency: 'GBP',
      fixed_price: 500,
      payment_frequency_count: 3,
      payment_frequency_interval: 'Month',
      subscription_period_count: 2,
      subscription_period_interval: 'Year',
      discount: 5,
      purchasing_power_parity: false,
      tax_inclusive: true,
      meters: [],
    };
    const p = await createAndRetrieve(minimalProduct({ price, tax_category: 'edtech' }));
    const { meters, ...rest } = price;
    assertSubset(p.price, rest, 'price.');
    assert.ok(p.price.meters === null || (Array.isArray(p.price.meters) && p.price.meters.length === 0), `meters [] or null; ${show(p.price)}`);
    assert.equal(p.is_recurring, true, 'usage-based products are recurring (§6.1)');
    assert.equal(p.tax_category, 'edtech');
  });

  test('usage_based price with meters: null and meters omitted', async () => {
    for (const meters of [null, undefined]) {
      const price = usagePrice({ meters });
      if (meters === undefined) delete price.meters;
      const p = await createAndRetrieve(minimalProduct({ price }));
      assert.equal(p.price.type, 'usage_based_price');
      assert.equal(p.price.fixed_price, 500);
      assert.ok(p.price.meters === null || (Array.isArray(p.price.meters) && p.price.meters.length === 0), `meters [] or null; ${show(p.price)}`);
    }
  });

  test('every top-level field round-trips', async () => {
    const body = {
      name: 'Pro Plan — ünïcødé ✓',
      description: 'A description\nwith two lines',
      price: recurringPrice(),
      tax_category: 'saas',
      metadata: { plan: 'pro', seats: 5, ratio: 1.5, beta: true, legacy: false, zero: 0, empty: '' },
      license_key_enabled: true,
      license_key_activations_limit: 5,
      license_key_activation_message: 'Thanks for activating',
      license_key_duration: { count: 1, interval: 'Year' },
      digital_product_delivery: { external_url: 'https://example.com/download', instructions: 'Unzip and run' },
      pricing_mode: 'by_currency',
    };
    const p = await createAndRetrieve(body);
    assert.equal(p.name, body.name);
    assert.equal(p.description, body.description);
    assert.deepEqual(p.metadata, body.metadata, 'metadata values keep their JSON types (string/number/boolean, §4.3)');
    assert.equal(p.license_key_enabled, true);
    assert.equal(p.license_key_activations_limit, 5);
    assert.equal(p.license_key_activation_message, 'Thanks for activating');
    assert.deepEqual(p.license_key_duration, { count: 1, interval: 'Year' });
    assert.deepEqual(
      p.digital_product_delivery,
      { external_url: 'https://example.com/download', instructions: 'Unzip and run', files: [] },
      'digital_product_delivery response adds files: [] (§6.3)',
    );
    assert.equal(p.pricing_mode, 'by_currency');
    assert.equal(p.brand_id, env.businessA);
    assertSubset(p.price, body.price, 'price.');
  });

  test('explicit brand_id = business id (primary brand) and pricing_mode by_country', async () => {
    const p = await createAndRetrieve(minimalProduct({ brand_id: env.businessA, pricing_mode: 'by_country' }));
    assert.equal(p.brand_id, env.businessA);
    assert.equal(p.pricing_mode, 'by_country');
  });

  test('every tax category is accepted, including live_tutoring (§4.2, follow [TS])', async () => {
    for (const tax_category of ['digital_products', 'saas', 'e_book', 'edtech', 'live_tutoring']) {
      const p = await createAndRetrieve(minimalProduct({ tax_category }));
      assert.equal(p.tax_category, tax_category);
    }
  });

  test('license key with zero activations limit and digital delivery with only instructions', async () => {
    const p = await createAndRetrieve(
      minimalProduct({
        license_key_enabled: true,
        license_key_activations_limit: 0,
        license_key_duration: null,
        digital_product_delivery: { instructions: 'Check your email' },
      }),
    );
    assert.equal(p.license_key_activations_limit, 0);
    assert.equal(p.license_key_duration, null);
    assert.equal(p.digital_product_delivery?.instructions, 'Check your email', show(p));
    assert.ok(p.digital_product_delivery.external_url === null || p.digital_product_delivery.external_url === undefined, show(p));
    assert.deepEqual(p.digital_product_delivery.files, []);
  });

  test('metadata with exactly 50 keys, 40-char keys and 500-char values is accepted', async () => {
    const metadata = {};
    for (let i = 0; i < 49; i++) metadata[`k_${i}`] = `v${i}`;
    metadata['K'.repeat(40)] = 'x'.repeat(500);
    const p = await createAndRetrieve(minimalProduct({ metadata }));
    assert.deepEqual(p.metadata, metadata);
  });

  test('name of exactly 100 and description of exactly 1000 characters are accepted', async () => {
    const p = await createAndRetrieve(minimalProduct({ name: 'n'.repeat(100), description: 'd'.repeat(1000) }));
    assert.equal(p.name.length, 100);
    assert.equal(p.description.length, 1000);
  });

  test('empty attachment arrays and explicit nulls are accepted on create', async () => {
    const p = await createAndRetrieve(
      minimalProduct({
        price: recurringPrice(),
        addons: [],
        entitlements: [],
        credit_entitlements: [],
        description: null,
        brand_id: null,
        pricing_mode: null,
        digital_product_delivery: null,
        license_key_enabled: null,
        license_key_duration: null,
      }),
    );
    assert.ok(p.addons === null || (Array.isArray(p.addons) && p.addons.length === 0), show(p.addons));
    assert.deepEqual(p.entitlements, []);
    assert.deepEqual(p.credit_entitlements, []);
    assert.equal(p.description, null);
    assert.equal(p.brand_id, env.businessA, 'brand_id: null → primary brand');
    assert.equal(p.pricing_mode, null);
    assert.equal(p.digital_product_delivery, null);
    assert.equal(p.license_key_enabled, false, 'license_key_enabled: null → default false');
  });

  test('product ids are unique', async () => {
    const ids = new Set();
    for (let i = 0; i < 5; i++) ids.add((await c.products.create(minimalProduct())).product_id);
    assert.equal(ids.size, 5);
  });

  test('20 concurrent creates all succeed (no SQLITE_BUSY / lost writes)', async () => {
    const before = (await listAll(c)).length;
    const made = await Promise.all(Array.from({ length: 20 }, (_, i) => c.products.create(minimalProduct({ name: `concurrent ${i}` }))));
    assert.equal(new Set(made.map((p) => p.product_id)).size, 20);
    assert.equal((await listAll(c)).length, before + 20);
    const got = await Promise.all(made.map((p) => c.products.retrieve(p.product_id)));
    assert.deepEqual(got, made);
  });

  test('retrieve of an unknown id → NotFoundError with code NOT_FOUND (§14.4)', async () => {
    await expectAPIError(c.products.retrieve('pdt_AAAAAAAAAAAAAAAAAAAAA'), {
      cls: DodoPayments.NotFoundError,
      status: 404,
      code: 'NOT_FOUND',
    });
    // the SDK URI-encodes path parameters (§1.4); odd ids must still be a clean JSON 404
    for (const odd of ['not-even-an-id', 'a/b', 'pdt with space', 'pdt_ü', '%2e%2e', 'x'.repeat(3000)]) {
      await expectAPIError(c.products.retrieve(odd), { cls: DodoPayments.NotFoundError, status: 404, code: 'NOT_FOUND', label: odd.slice(0, 20) });
    }
  });
});

describe('PATCH /products/{id} semantics (§3, §6.5)', () => {
  let id;
  let base;
  before(async () => {
    const created = await c.products.create(
      minimalProduct({
        name: 'Patch me',
        description: 'original description',
        price: oneTimePrice({ price: 700, currency: 'USD', tax_inclusive: true }),
        tax_category: 'digital_products',
        metadata: { a: '1', n: 2 },
        pricing_mode: 'by_currency',
        license_key_enabled: true,
        license_key_activations_limit: 3,
      }),
    );
    id = created.product_id;
    base = await c.products.retrieve(id);
  });

  const withoutUpdatedAt = ({ updated_at, ...rest }) => rest;

  test('update resolves to undefined (void endpoint) and {} changes nothing', async () => {
    const res = await c.products.update(id, {});
    assertVoid(res, 'products.update');
    const got = await c.products.retrieve(id);
    assert.deepEqual(withoutUpdatedAt(got), withoutUpdatedAt(base));
  });

  test('setting name leaves every omitted field unchanged and bumps updated_at', async () => {
    await sleep(20);
    await c.products.update(id, { name: 'Patched name' });
    const got = await c.products.retrieve(id);
    assert.equal(got.name, 'Patched name');
    assert.deepEqual(withoutUpdatedAt({ ...got, name: base.name }), withoutUpdatedAt(base), 'only name may change');
    assert.equal(got.created_at, base.created_at, 'created_at never changes');
    assert.ok(Date.parse(got.updated_at) > Date.parse(base.updated_at), `updated_at must advance: ${base.updated_at} → ${got.updated_at}`);
    base = got;
  });

  test('setting description, metadata, tax_category, license fields', async () => {
    await c.products.update(id, {
      description: 'new description',
      metadata: { b: true, c: 3 },
      tax_category: 'saas',
      license_key_activations_limit: 10,
      license_key_activation_message: 'hello',
      license_key_duration: { count: 30, interval: 'Day' },
    });
    const got = await c.products.retrieve(id);
    assert.equal(got.description, 'new description');
    assert.deepEqual(got.metadata, { b: true, c: 3 }, 'metadata is replaced by the sent object');
    assert.equal(got.tax_category, 'saas');
    assert.equal(got.license_key_activations_limit, 10);
    assert.equal(got.license_key_activation_message, 'hello');
    assert.deepEqual(got.license_key_duration, { count: 30, interval: 'Day' });
    assert.equal(got.name, base.name, 'name unchanged');
    assert.deepEqual(got.price, base.price, 'price unchanged');
    assert.equal(got.pricing_mode, 'by_currency', 'pricing_mode unchanged');
    base = got;
  });

  test('pricing_mode: value sets, omitted keeps, null clears (§3 tri-state)', async () => {
    await c.products.update(id, { pricing_mode: 'by_country' });
    assert.equal((await c.products.retrieve(id)).pricing_mode, 'by_country');
    await c.products.update(id, { name: base.name });
    assert.equal((await c.products.retrieve(id)).pricing_mode, 'by_country', 'omitted pricing_mode must stay');
    await c.products.update(id, { pricing_mode: null });
    const got = await c.products.retrieve(id);
    assert.equal(got.pricing_mode, null, 'pricing_mode: null must clear it');
    assert.equal(got.description, base.description);
    assert.equal(got.name, base.name);
    base = got;
  });

  test('null on name/description/tax_category/price = no change (§3 inferred rule, §14.2)', async () => {
    // Spec §3: "Plain serde Option<T> treats null like omitted. Inferred rule: null on a
    // field whose response type is non-nullable = no change. Null on other fields = no
    // change unless listed above." §14.2 recommends the same for product description.
    await c.products.update(id, { name: null, description: null, tax_category: null, price: null, metadata: null });
    const got = await c.products.retrieve(id);
    assert.equal(got.name, base.name, 'name: null must not change the name');
    assert.equal(got.description, base.description, 'description: null = no change (§14.2)');
    assert.equal(got.tax_category, base.tax_category);
    assert.deepEqual(got.price, base.price);
    assert.deepEqual(got.metadata, base.metadata, 'metadata: null = no change (§14.2)');
  });

  test('replacing the price with another type changes is_recurring', async () => {
    const rec = recurringPrice({ price: 2999, trial_period_days: 7 });
    await c.products.update(id, { price: rec });
    let got = await c.products.retrieve(id);
    assert.equal(got.is_recurring, true, show(got));
    assertPriceShape(got.price);
    assertSubset(got.price, rec, 'price.');
    assert.ok((await listAll(c, { recurring: true })).some((x) => x.product_id === id), 'now listed under recurring=true');
    assert.ok(!(await listAll(c, { recurring: false })).some((x) => x.product_id === id), 'no longer listed under recurring=false');

    const usage = usagePrice({ fixed_price: 100 });
    await c.products.update(id, { price: usage });
    got = await c.products.retrieve(id);
    assert.equal(got.is_recurring, true);
    assert.equal(got.price.type, 'usage_based_price');
    assert.equal(got.price.fixed_price, 100);

    const one = oneTimePrice({ price: 50, currency: 'EUR' });
    await c.products.update(id, { price: one });
    got = await c.products.retrieve(id);
    assert.equal(got.is_recurring, false, show(got));
    assertSubset(got.price, one, 'price.');
    base = got;
  });

  test('invalid PATCH → 422 and nothing changes', async () => {
    await expectAPIError(c.products.update(id, { name: 'x'.repeat(101) }), {
      cls: DodoPayments.UnprocessableEntityError,
      status: 422,
      message: 'name',
    });
    await expectAPIError(c.products.update(id, { description: 'x'.repeat(1001) }), {
      cls: DodoPayments.UnprocessableEntityError,
      status: 422,
      message: 'description',
    });
    await expectAPIError(c.products.update(id, { name: 'ok', tax_category: 'groceries' }), {
      cls: DodoPayments.UnprocessableEntityError,
      status: 422,
      message: 'tax_category',
    });
    await expectAPIError(c.products.update(id, { price: recurringPrice({ payment_frequency_interval: 'month' }) }), {
      cls: DodoPayments.UnprocessableEntityError,
      status: 422,
      message: 'price.payment_frequency_interval',
    });
    const got = await c.products.retrieve(id);
    assert.deepEqual(withoutUpdatedAt(got), withoutUpdatedAt(base), 'a rejected PATCH must not change anything (not even partially)');
  });

  test('PATCH of deprecated delivery/license fields and metadata limits', async () => {
    await c.products.update(id, {
      digital_product_delivery: { external_url: 'https://example.com/v2', instructions: 'v2' },
      license_key_enabled: false,
    });
    let got = await c.products.retrieve(id);
    assert.deepEqual(got.digital_product_delivery, { external_url: 'https://example.com/v2', instructions: 'v2', files: [] });
    assert.equal(got.license_key_enabled, false);
    const tooMany = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i]));
    await expectAPIError(c.products.update(id, { metadata: tooMany }), { cls: DodoPayments.UnprocessableEntityError, status: 422, code: 'MAXIMUM_KEYS_REACHED' });
    got = await c.products.retrieve(id);
    assert.ok(Object.keys(got.metadata).length < 51, 'rejected metadata not stored');
    base = got;
  });

  test('PATCH brand_id moves the product to another brand of the same business', async (t) => {
    let brand;
    try {
      brand = await c.brands.create({ name: 'Patch brand' });
    } catch (e) {
      if (e?.status === 404 || e?.status === 405 || e?.status === 501) return t.skip(`brands not implemented (${e.status})`);
      throw e;
    }
    await c.products.update(id, { brand_id: brand.brand_id });
    assert.equal((await c.products.retrieve(id)).brand_id, brand.brand_id);
    assert.deepEqual((await listAll(c, { brand_id: brand.brand_id })).map((x) => x.product_id), [id]);
    await expectAPIError(c.products.update(id, { brand_id: 'brnd_doesnotexist0000000' }), { cls: DodoPayments.UnprocessableEntityError, status: 422, message: 'brand_id' });
    await expectAPIError(c.products.update(id, { brand_id: env.businessB }), { cls: DodoPayments.UnprocessableEntityError, status: 422, message: 'brand_id' });
    await c.products.update(id, { brand_id: env.businessA });
    assert.equal((await c.products.retrieve(id)).brand_id, env.businessA);
    base = await c.products.retrieve(id);
  });

  test('PATCH of an unknown product → NotFoundError', async () => {
    await expectAPIError(c.products.update('pdt_AAAAAAAAAAAAAAAAAAAAA', { name: 'x' }), { cls: DodoPayments.NotFoundError, status: 404, code: 'NOT_FOUND' });
  });
});

describe('archive / unarchive (§6.6)', () => {
  test('archive hides from the default list, shows in archived=true, retrieve still works; unarchive restores', async () => {
    const p = await c.products.create(minimalProduct({ name: 'To archive' }));
    const res = await c.products.archive(p.product_id);
    assertVoid(res, 'products.archive');

    const got = await c.products.retrieve(p.product_id); // §6.6 inferred: GET still returns it
    assert.equal(got.product_id, p.product_id);
    assert.equal(got.name, 'To archive');

    const active = await listAll(c);
    assert.ok(!active.some((x) => x.product_id === p.product_id), 'archived product must not be in the default list');
    const activeFalse = await listAll(c, { archived: false });
    assert.ok(!activeFalse.some((x) => x.product_id === p.product_id), 'archived product must not be in archived=false');
    const archived = await listAll(c, { archived: true });
    assert.ok(archived.some((x) => x.product_id === p.product_id), 'archived product must be in archived=true');
    assert.ok(!archived.some((x) => active.some((a) => a.product_id === x.product_id)), 'archived=true lists ONLY archived products');

    // archiving again → 410 PRODUCT_IS_DELETED (APIError, no dedicated class for 410)
    const err = await expectAPIError(c.products.archive(p.product_id), { status: 410, code: 'PRODUCT_IS_DELETED' });
    assert.ok(err instanceof DodoPayments.APIError);

    const un = await c.products.unarchive(p.product_id);
    assertVoid(un, 'products.unarchive');
    assert.ok((await listAll(c)).some((x) => x.product_id === p.product_id), 'unarchived product is back in the default list');
    assert.ok(!(await listAll(c, { archived: true })).some((x) => x.product_id === p.product_id), 'and gone from archived=true');

    const after = await c.products.retrieve(p.product_id);
    assert.deepEqual({ ...after, updated_at: null }, { ...got, updated_at: null }, 'archive/unarchive must not change product fields');

    // it can be archived again after unarchive
    await c.products.archive(p.product_id);
    assert.ok((await listAll(c, { archived: true })).some((x) => x.product_id === p.product_id));
  });

  test('PATCH of an archived product → 410 PRODUCT_IS_DELETED, unchanged (§1.6 "operating on an archived product")', async () => {
    const p = await c.products.create(minimalProduct({ name: 'archived then patched' }));
    await c.products.archive(p.product_id);
    await expectAPIError(c.products.update(p.product_id, { name: 'changed' }), { status: 410, code: 'PRODUCT_IS_DELETED' });
    assert.equal((await c.products.retrieve(p.product_id)).name, 'archived then patched');
  });

  test('archive / unarchive of an unknown product → NotFoundError (§14.4)', async () => {
    await expectAPIError(c.products.archive('pdt_AAAAAAAAAAAAAAAAAAAAA'), { cls: DodoPayments.NotFoundError, status: 404, code: 'NOT_FOUND' });
    await expectAPIError(c.products.unarchive('pdt_AAAAAAAAAAAAAAAAAAAAA'), { cls: DodoPayments.NotFoundError, status: 404, code: 'NOT_FOUND' });
  });
});
