// Validation and protocol errors (§1.6, §4, §6). Every rejected create must
// be a 422 {code, message} whose message names the offending field, and must
// write nothing.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, expectAPIError, listAll, show, raw, DodoPayments } from '../lib/harness.js';
import { minimalProduct, oneTimePrice, recurringPrice, usagePrice } from '../lib/products.js';

let env;
let c;

before(async () => {
  env = await startServer();
  c = env.client(env.keys.a);
  // one existing product so "nothing written" compares against a non-empty list
  await c.products.create(minimalProduct({ name: 'baseline' }));
});
after(async () => {
  await env?.stop();
});

async function snapshot() {
  const active = (await listAll(c)).map((x) => x.product_id);
  const archived = (await listAll(c, { archived: true })).map((x) => x.product_id);
  return { active, archived };
}

const without = (obj, key) => {
  const o = { ...obj };
  delete o[key];
  return o;
};

const meta = (n, f) => Object.fromEntries(Array.from({ length: n }, (_, i) => f(i)));

// [label, body, {code?, message}] — `message` must appear in body.message (the field path).
const cases = [
  ['missing name', without(minimalProduct(), 'name'), { message: 'name' }],
  ['missing price', without(minimalProduct(), 'price'), { message: 'price' }],
  ['missing tax_category', without(minimalProduct(), 'tax_category'), { message: 'tax_category' }],
  ['unknown tax_category', minimalProduct({ tax_category: 'groceries' }), { message: 'tax_category' }],
  ['tax_category wrong case', minimalProduct({ tax_category: 'SaaS' }), { message: 'tax_category' }],
  ['name is a number', minimalProduct({ name: 42 }), { message: 'name' }],
  ['name is null', minimalProduct({ name: null }), { message: 'name' }],
  ['unknown currency XYZ', minimalProduct({ price: oneTimePrice({ currency: 'XYZ' }) }), { message: 'currency' }],
  ['lowercase currency', minimalProduct({ price: oneTimePrice({ currency: 'usd' }) }), { message: 'currency' }],
  ['missing currency', minimalProduct({ price: without(oneTimePrice(), 'currency') }), { message: 'currency' }],
  ['unknown price type', minimalProduct({ price: { ...oneTimePrice(), type: 'free_price' } }), { message: 'price' }],
  ['missing price type', minimalProduct({ price: without(oneTimePrice(), 'type') }), { message: 'price' }],
  ['price is a string', minimalProduct({ price: 'one hundred' }), { message: 'price' }],
  ['one_time without price amount', minimalProduct({ price: without(oneTimePrice(), 'price') }), { message: 'price.price' }],
  ['one_time negative price', minimalProduct({ price: oneTimePrice({ price: -1 }) }), { message: 'price.price' }],
  ['one_time fractional price', minimalProduct({ price: oneTimePrice({ price: 10.5 }) }), { message: 'price.price' }],
  [
    'recurring without payment_frequency_interval',
    minimalProduct({ price: without(recurringPrice(), 'payment_frequency_interval') }),
    { message: 'price.payment_frequency_interval' },
  ],
  [
    'recurring without subscription_period_count',
    minimalProduct({ price: without(recurringPrice(), 'subscription_period_count') }),
    { message: 'price.subscription_period_count' },
  ],
  [
    "interval 'month' (lowercase; TimeInterval is capitalised, §4.2)",
    minimalProduct({ price: recurringPrice({ payment_frequency_interval: 'month' }) }),
    { message: 'price.payment_frequency_interval' },
  ],
  [
    "subscription_period_interval 'Quarter'",
    minimalProduct({ price: recurringPrice({ subscription_period_interval: 'Quarter' }) }),
    { message: 'price.subscription_period_interval' },
  ],
  ['discount 101', minimalProduct({ price: oneTimePrice({ discount: 101 }) }), { message: 'price.discount' }],
  ['discount -1', minimalProduct({ price: oneTimePrice({ discount: -1 }) }), { message: 'price.discount' }],
  ['discount_bps 10001', minimalProduct({ price: recurringPrice({ discount_bps: 10001 }) }), { message: 'price.discount_bps' }],
  ['payment_frequency_count 0', minimalProduct({ price: recurringPrice({ payment_frequency_count: 0 }) }), { message: 'price.payment_frequency_count' }],
  ['subscription_period_count 0', minimalProduct({ price: recurringPrice({ subscription_period_count: 0 }) }), { message: 'price.subscription_period_count' }],
  ['usage_based without fixed_price', minimalProduct({ price: without(usagePrice(), 'fixed_price') }), { message: 'price.fixed_price' }],
  ['license_key_activations_limit -1', minimalProduct({ license_key_enabled: true, license_key_activations_limit: -1 }), { message: 'license_key_activations_limit' }],
  [
    'license_key_duration with bad interval',
    minimalProduct({ license_key_enabled: true, license_key_duration: { count: 1, interval: 'Fortnight' } }),
    { message: 'license_key_duration' },
  ],
  [
    'pay_what_you_want with suggested_price < price',
    minimalProduct({ price: oneTimePrice({ price: 1000, pay_what_you_want: true, suggested_price: 999 }) }),
    { code: 'INVALID_SUGGESTED_PRICE', message: 'suggested_price' },
  ],
  ['metadata with 51 keys', minimalProduct({ metadata: meta(51, (i) => [`k${i}`, 'v']) }), { code: 'MAXIMUM_KEYS_REACHED', message: 'metadata' }],
  ['metadata key of 41 chars', minimalProduct({ metadata: { ['k'.repeat(41)]: 'v' } }), { message: 'metadata' }],
  ['metadata key with a space', minimalProduct({ metadata: { 'bad key': 'v' } }), { message: 'metadata' }],
  ['metadata value of 501 chars', minimalProduct({ metadata: { k: 'v'.repeat(501) } }), { message: 'metadata' }],
  ['metadata value is an object', minimalProduct({ metadata: { k: { nested: true } } }), { message: 'metadata' }],
  ['metadata is an array', minimalProduct({ metadata: ['a'] }), { message: 'metadata' }],
  ['name of 101 chars', minimalProduct({ name: 'n'.repeat(101) }), { message: 'name' }],
  ['description of 1001 chars', minimalProduct({ description: 'd'.repeat(1001) }), { message: 'description' }],
  ['unknown brand_id', minimalProduct({ brand_id: 'brnd_doesnotexist0000000' }), { message: 'brand_id' }],
  ['unknown pricing_mode', minimalProduct({ pricing_mode: 'by_planet' }), { message: 'pricing_mode' }],
  ['addons: [adn_x]', minimalProduct({ price: recurringPrice(), addons: ['adn_x'] }), { code: 'MISSING_ADDON_IDS', message: /addons|adn_x/ }],
  ['entitlements with an unknown id', minimalProduct({ entitlements: [{ entitlement_id: 'ent_doesnotexist000000' }] }), { message: /entitlement/ }],
  [
    'credit_entitlements with an unknown id',
    minimalProduct({ credit_entitlements: [{ credit_entitlement_id: 'cde_doesnotexist000000', credits_amount: '10' }] }),
    { message: /credit_entitlement/ },
  ],
  [
    '6 credit_entitlements (max 5, §6.2)',
    minimalProduct({
      credit_entitlements: Array.from({ length: 6 }, (_, i) => ({ credit_entitlement_id: `cde_doesnotexist00000${i}`, credits_amount: '1' })),
    }),
    { message: 'credit_entitlements' },
  ],
  [
    'usage-based meter with an unknown meter_id',
    minimalProduct({ price: usagePrice({ meters: [{ meter_id: 'mtr_doesnotexist000000', price_per_unit: '1.5' }] }) }),
    { code: 'MISSING_METER_IDS', message: /meter/ },
  ],
];

// price_per_unit must be > 0 with ≤5 integer digits and ≤12 decimals (§6.1). These are
// format checks on the request itself (house style: plain validation before database
// look-ups), so the message must name the field even though the meter does not exist.
for (const ppu of ['0', 'abc', '123456.1', '1.1234567890123', '-1', '']) {
  cases.push([
    `meter price_per_unit ${JSON.stringify(ppu)}`,
    minimalProduct({ price: usagePrice({ meters: [{ meter_id: 'mtr_doesnotexist000000', price_per_unit: ppu }] }) }),
    { message: 'price_per_unit' },
  ]);
}

describe('POST /products validation → 422 {code, message} naming the field, nothing written', () => {
  for (const [label, body, expect] of cases) {
    test(label, async () => {
      const before = await snapshot();
      await expectAPIError(c.products.create(body), {
        cls: DodoPayments.UnprocessableEntityError,
        status: 422,
        code: expect.code,
        message: expect.message,
        label: `${label} (body ${show(body).slice(0, 300)})`,
      });
      assert.deepEqual(await snapshot(), before, `${label}: a rejected create must not write anything`);
    });
  }

  test('boundary values that must be accepted (so the checks above are not over-eager)', async () => {
    const ok = [
      minimalProduct({ price: oneTimePrice({ discount: 100 }) }),
      minimalProduct({ price: oneTimePrice({ discount_bps: 10000 }) }),
      minimalProduct({ price: oneTimePrice({ price: 1000, pay_what_you_want: true, suggested_price: 1000 }) }),
      minimalProduct({ price: oneTimePrice({ price: 1000, pay_what_you_want: true, suggested_price: null }) }),
      minimalProduct({ license_key_enabled: true, license_key_activations_limit: 0 }),
    ];
    for (const body of ok) {
      const p = await c.products.create(body);
      assert.match(p.product_id, /^pdt_/, show(p));
    }
  });
});

describe('protocol errors', () => {
  test('malformed JSON → 400 or 422 with JSON {code, message}, nothing written', async () => {
    const before = await snapshot();
    for (const body of ['{bad', '', '[]', 'null', '{"name": "x", "price": {"type": "one_time_price", "currency": "USD", "price": 1}, "tax_category": "saas"} trailing']) {
      const r = await raw(env.baseURL, 'POST', '/products', { key: env.keys.a, body, headers: { 'content-type': 'application/json' } });
      assert.ok(r.status === 422 || r.status === 400, `body ${show(body)} → ${r.status} ${r.text}`);
      assert.match(r.headers.get('content-type') ?? '', /application\/json/, `error content-type for ${show(body)}: ${r.headers.get('content-type')}`);
      assert.equal(typeof r.json?.code, 'string', `body ${show(body)} → ${r.text}`);
      assert.equal(typeof r.json?.message, 'string', `body ${show(body)} → ${r.text}`);
    }
    assert.deepEqual(await snapshot(), before);
  });

  test('malformed JSON on PATCH → 400 or 422 with {code, message}', async () => {
    const p = await c.products.create(minimalProduct());
    const r = await raw(env.baseURL, 'PATCH', `/products/${p.product_id}`, { key: env.keys.a, body: '{"name":', headers: { 'content-type': 'application/json' } });
    assert.ok(r.status === 422 || r.status === 400, `${r.status} ${r.text}`);
    assert.equal(typeof r.json?.code, 'string', r.text);
    assert.equal(typeof r.json?.message, 'string', r.text);
    assert.equal((await c.products.retrieve(p.product_id)).name, p.name);
  });

  test('retrieve of an unknown id → NotFoundError NOT_FOUND', async () => {
    await expectAPIError(c.products.retrieve('pdt_ZZZZZZZZZZZZZZZZZZZZZ'), { cls: DodoPayments.NotFoundError, status: 404, code: 'NOT_FOUND' });
  });

  test('a body over 1 MiB → 413 with JSON {code, message}, nothing written', async () => {
    const before = await snapshot();
    const body = JSON.stringify(minimalProduct({ description: 'x'.repeat(1024 * 1024 + 100) }));
    let r;
    try {
      r = await raw(env.baseURL, 'POST', '/products', { key: env.keys.a, body, headers: { 'content-type': 'application/json' } });
    } catch (e) {
      assert.fail(`the server must answer 413, not drop the connection: ${e.message} ${e.cause?.message ?? ''}`);
    }
    assert.equal(r.status, 413, `${r.status} ${r.text.slice(0, 500)}`);
    assert.equal(typeof r.json?.code, 'string', r.text.slice(0, 500));
    assert.equal(typeof r.json?.message, 'string', r.text.slice(0, 500));
    assert.deepEqual(await snapshot(), before);
  });

  test('SDK surfaces 413 as an APIError with status 413', async () => {
    await expectAPIError(c.products.create(minimalProduct({ description: 'y'.repeat(1024 * 1024 + 10 * 1024) })), { status: 413 });
  });
});
