// Products that reference other catalog objects: meters in usage-based prices,
// addons, entitlements and credit entitlements (§6.1–§6.5, §8–§11). Each block
// skips itself when the referenced resource's endpoint does not exist yet.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, expectAPIError, listAll, show, DodoPayments } from '../lib/harness.js';
import { assertProductShape, minimalProduct, oneTimePrice, recurringPrice, usagePrice } from '../lib/products.js';

let env;
let a;
let b;

before(async () => {
  env = await startServer();
  a = env.client(env.keys.a);
  b = env.client(env.keys.b);
});
after(async () => {
  await env?.stop();
});

/** Runs `make()`; if the endpoint is missing (404/405/501) skips the test and resolves undefined. */
async function orSkip(t, what, make) {
  try {
    return await make();
  } catch (e) {
    if (e?.status === 404 || e?.status === 405 || e?.status === 501) {
      t.skip(`${what} not implemented (${e.status} ${show(e.error)})`);
      return undefined;
    }
    throw e;
  }
}

async function createAndRetrieve(c, body) {
  const created = await c.products.create(body);
  assertProductShape(created);
  const got = await c.products.retrieve(created.product_id);
  assert.deepEqual(got, created, 'retrieve must return exactly what create returned');
  return got;
}

const newMeter = (c, over = {}) =>
  c.meters.create({ name: 'API calls', event_name: 'api.call', measurement_unit: 'calls', aggregation: { type: 'count' }, description: 'Counts API calls', ...over });

describe('meters in usage-based prices (§6.1)', () => {
  test('meter round-trips; name/description/measurement_unit are filled from the meter', async (t) => {
    const meter = await orSkip(t, 'meters', () => newMeter(a));
    if (!meter) return;
    const other = await newMeter(a, { name: 'Storage', event_name: 'storage', measurement_unit: 'GB', aggregation: { type: 'sum', key: 'bytes' }, description: null });
    const price = usagePrice({
      meters: [
        // name/description/measurement_unit are ignored in requests (§6.1)
        { meter_id: meter.id, price_per_unit: '10.50', free_threshold: 100, name: 'ignored', description: 'ignored', measurement_unit: 'ignored' },
        { meter_id: other.id, price_per_unit: '0.000000000001' },
      ],
    });
    const p = await createAndRetrieve(a, minimalProduct({ price }));
    assert.equal(p.price.meters?.length, 2, show(p.price));
    const [m1, m2] = p.price.meters;
    assert.equal(m1.meter_id, meter.id);
    assert.equal(m1.price_per_unit, '10.50', 'decimal strings are returned exactly as sent (§4.4)');
    assert.equal(m1.free_threshold, 100);
    assert.equal(m1.name, 'API calls', `name comes from the meter; ${show(m1)}`);
    assert.equal(m1.description, 'Counts API calls');
    assert.equal(m1.measurement_unit, 'calls');
    assert.equal(m2.meter_id, other.id);
    assert.equal(m2.price_per_unit, '0.000000000001');
    assert.equal(m2.name, 'Storage');
    assert.equal(m2.measurement_unit, 'GB');
    assert.ok(m2.free_threshold === null || m2.free_threshold === undefined, show(m2));

    // the largest allowed value: 5 integer digits, 12 fraction digits
    const big = await a.products.create(minimalProduct({ price: usagePrice({ meters: [{ meter_id: meter.id, price_per_unit: '99999.123456789012' }] }) }));
    assert.equal(big.price.meters[0].price_per_unit, '99999.123456789012');

    // list item price_detail carries the meters too
    const item = (await listAll(a)).find((x) => x.product_id === p.product_id);
    assert.deepEqual(item.price_detail, p.price);
  });

  test('duplicate meter ids → DUPLICATE_METER_IDS_IN_REQUEST; another business’s meter → MISSING_METER_IDS', async (t) => {
    const meter = await orSkip(t, 'meters', () => newMeter(a));
    if (!meter) return;
    const before = (await listAll(a)).length;
    await expectAPIError(a.products.create(minimalProduct({ price: usagePrice({ meters: [{ meter_id: meter.id }, { meter_id: meter.id }] }) })), {
      cls: DodoPayments.UnprocessableEntityError,
      code: 'DUPLICATE_METER_IDS_IN_REQUEST',
    });
    await expectAPIError(b.products.create(minimalProduct({ price: usagePrice({ meters: [{ meter_id: meter.id }] }) })), {
      cls: DodoPayments.UnprocessableEntityError,
      code: 'MISSING_METER_IDS',
    });
    assert.equal((await listAll(a)).length, before);
    assert.equal((await listAll(b)).length, 0);
  });

  test('archived meter → METER_IS_DELETED (§9)', async (t) => {
    const meter = await orSkip(t, 'meters', () => newMeter(a));
    if (!meter) return;
    await a.meters.archive(meter.id);
    const err = await expectAPIError(a.products.create(minimalProduct({ price: usagePrice({ meters: [{ meter_id: meter.id }] }) })), { code: 'METER_IS_DELETED' });
    assert.ok(err.status >= 400 && err.status < 500, `a client error; got ${err.status}`);
  });

  test('PATCH replaces the meters of a usage-based price', async (t) => {
    const meter = await orSkip(t, 'meters', () => newMeter(a));
    if (!meter) return;
    const p = await a.products.create(minimalProduct({ price: usagePrice({ meters: [] }) }));
    await a.products.update(p.product_id, { price: usagePrice({ meters: [{ meter_id: meter.id, price_per_unit: '2' }] }) });
    const got = await a.products.retrieve(p.product_id);
    assert.deepEqual(got.price.meters.map((m) => [m.meter_id, m.price_per_unit]), [[meter.id, '2']]);
  });
});

describe('addons (§6.2, §8)', () => {
  test('addons round-trip on a subscription product; PATCH replaces them', async (t) => {
    const addon = await orSkip(t, 'addons', () => a.addons.create({ currency: 'USD', name: 'Extra seat', price: 500, tax_category: 'saas' }));
    if (!addon) return;
    const addon2 = await a.addons.create({ currency: 'USD', name: 'Priority support', price: 2500, tax_category: 'saas' });
    const p = await createAndRetrieve(a, minimalProduct({ price: recurringPrice(), addons: [addon.id, addon2.id] }));
    assert.deepEqual([...p.addons].sort(), [addon.id, addon2.id].sort());
    await a.products.update(p.product_id, { addons: [addon2.id] });
    assert.deepEqual((await a.products.retrieve(p.product_id)).addons, [addon2.id]);
    await a.products.update(p.product_id, { name: 'renamed' });
    assert.deepEqual((await a.products.retrieve(p.product_id)).addons, [addon2.id], 'omitted addons stay');
    await a.products.update(p.product_id, { addons: [] });
    const cleared = (await a.products.retrieve(p.product_id)).addons;
    assert.ok(cleared === null || (Array.isArray(cleared) && cleared.length === 0), show(cleared));
  });

  test('duplicate addon ids → DUPLICATE_ADDON_IDS_IN_REQUEST; another business’s addon → MISSING_ADDON_IDS', async (t) => {
    const addon = await orSkip(t, 'addons', () => a.addons.create({ currency: 'USD', name: 'Seat', price: 500, tax_category: 'saas' }));
    if (!addon) return;
    await expectAPIError(a.products.create(minimalProduct({ price: recurringPrice(), addons: [addon.id, addon.id] })), {
      cls: DodoPayments.UnprocessableEntityError,
      code: 'DUPLICATE_ADDON_IDS_IN_REQUEST',
    });
    await expectAPIError(b.products.create(minimalProduct({ price: recurringPrice(), addons: [addon.id] })), {
      cls: DodoPayments.UnprocessableEntityError,
      code: 'MISSING_ADDON_IDS',
    });
  });
});

describe('entitlements (§6.3, §6.5, §10)', () => {
  const flag = (c, over = {}) =>
    c.entitlements.create({
      name: 'Beta access',
      description: 'Turns the beta on',
      integration_type: 'feature_flag',
      integration_config: { feature_id: 'beta', feature_type: 'boolean' },
      ...over,
    });

  test('attached entitlements appear as summaries in the product and its list item; PATCH replaces all', async (t) => {
    const e1 = await orSkip(t, 'entitlements', () => flag(a));
    if (!e1) return;
    const e2 = await flag(a, { name: 'GitHub', description: null, integration_type: 'github', integration_config: { target_id: 'acme/repo', permission: 'pull' } });
    const p = await createAndRetrieve(a, minimalProduct({ entitlements: [{ entitlement_id: e1.id }] }));
    assert.equal(p.entitlements.length, 1, show(p.entitlements));
    const s = p.entitlements[0];
    assert.equal(s.id, e1.id);
    assert.equal(s.name, 'Beta access');
    assert.equal(s.integration_type, 'feature_flag');
    assert.deepEqual(s.integration_config, { feature_id: 'beta', feature_type: 'boolean' });
    assert.equal(s.description, 'Turns the beta on');
    const item = (await listAll(a)).find((x) => x.product_id === p.product_id);
    assert.deepEqual(item.entitlements, p.entitlements, 'list items carry the same summaries (§6.4)');

    await a.products.update(p.product_id, { entitlements: [{ entitlement_id: e2.id }] });
    let got = await a.products.retrieve(p.product_id);
    assert.deepEqual(got.entitlements.map((x) => x.id), [e2.id], 'array = replace all (§3)');
    assert.deepEqual(got.entitlements[0].integration_config, { target_id: 'acme/repo', permission: 'pull' });
    await a.products.update(p.product_id, { name: 'still has e2' });
    got = await a.products.retrieve(p.product_id);
    assert.deepEqual(got.entitlements.map((x) => x.id), [e2.id], 'omitted = unchanged (§3)');
    await a.products.update(p.product_id, { entitlements: [] });
    got = await a.products.retrieve(p.product_id);
    assert.deepEqual(got.entitlements, [], '[] = remove all (§3)');
  });

  test('another business’s or a deleted entitlement cannot be attached (422)', async (t) => {
    const e = await orSkip(t, 'entitlements', () => flag(a));
    if (!e) return;
    await expectAPIError(b.products.create(minimalProduct({ entitlements: [{ entitlement_id: e.id }] })), { cls: DodoPayments.UnprocessableEntityError, status: 422 });
    await a.entitlements.delete(e.id);
    await expectAPIError(a.products.create(minimalProduct({ entitlements: [{ entitlement_id: e.id }] })), { cls: DodoPayments.UnprocessableEntityError, status: 422 });
  });
});

describe('credit entitlements (§6.2, §6.3, §11)', () => {
  let n = 0;
  const credits = (c, over = {}) =>
    c.creditEntitlements.create({ name: `Tokens ${Date.now()} ${++n}`, precision: 0, unit: 'tokens', rollover_enabled: false, overage_enabled: false, ...over });

  test('attached credit entitlements come back as mappings; PATCH [] removes them', async (t) => {
    const ce = await orSkip(t, 'credit entitlements', () => credits(a));
    if (!ce) return;
    const p = await createAndRetrieve(a, minimalProduct({ price: recurringPrice(), credit_entitlements: [{ credit_entitlement_id: ce.id, credits_amount: '1000', trial_credits: '50' }] }));
    assert.equal(p.credit_entitlements.length, 1, show(p.credit_entitlements));
    const m = p.credit_entitlements[0];
    assert.match(m.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, `mapping id is a uuid; ${show(m)}`);
    assert.equal(m.credit_entitlement_id, ce.id);
    assert.equal(m.credit_entitlement_name, ce.name);
    assert.equal(m.credit_entitlement_unit, 'tokens');
    assert.equal(m.credits_amount, '1000', 'credits_amount is a decimal string returned as sent');
    assert.equal(m.trial_credits, '50');
    for (const k of ['overage_behavior', 'proration_behavior']) assert.equal(typeof m[k], 'string', `${k} required; ${show(m)}`);
    for (const k of ['overage_enabled', 'rollover_enabled', 'trial_credits_expire_after_trial']) assert.equal(typeof m[k], 'boolean', `${k} required; ${show(m)}`);

    await a.products.update(p.product_id, { credit_entitlements: [] });
    assert.deepEqual((await a.products.retrieve(p.product_id)).credit_entitlements, []);
  });

  test('credit entitlements of another business cannot be attached (422)', async (t) => {
    const ce = await orSkip(t, 'credit entitlements', () => credits(a));
    if (!ce) return;
    await expectAPIError(b.products.create(minimalProduct({ credit_entitlements: [{ credit_entitlement_id: ce.id, credits_amount: '1' }] })), {
      cls: DodoPayments.UnprocessableEntityError,
      status: 422,
    });
  });

  test('five real credit entitlements are accepted (max 5, §6.2)', async (t) => {
    const first = await orSkip(t, 'credit entitlements', () => credits(a));
    if (!first) return;
    const rest = [];
    for (let i = 0; i < 4; i++) rest.push(await credits(a));
    const all = [first, ...rest];
    const p = await a.products.create(minimalProduct({ price: oneTimePrice(), credit_entitlements: all.map((ce) => ({ credit_entitlement_id: ce.id, credits_amount: '1' })) }));
    assert.deepEqual(p.credit_entitlements.map((m) => m.credit_entitlement_id).sort(), all.map((x) => x.id).sort());
  });
});
