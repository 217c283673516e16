// Full products that use addons, metered usage prices, entitlements and
// credit entitlements together, and every rule on those references
// (§6.1–§6.5, §8–§11).

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, expectAPIError, listAll, show, DodoPayments } from '../lib/harness.js';
import { assertProductShape, minimalProduct, oneTimePrice, recurringPrice, usagePrice } from '../lib/products.js';
import { CREDIT_MAPPING_KEYS, addonBody, meterBody, flagBody, creditBody } from '../lib/usage.js';

let env;
let a;
let b;
let refs; // one usable object of each kind in business A

before(async () => {
  env = await startServer();
  a = env.client(env.keys.a);
  b = env.client(env.keys.b);
  refs = {
    addon: await a.addons.create(addonBody({ name: 'Extra seat' })),
    addon2: await a.addons.create(addonBody({ name: 'Priority support', price: 2500 })),
    calls: await a.meters.create(meterBody({ name: 'API calls', description: 'Every request', measurement_unit: 'requests' })),
    storage: await a.meters.create(meterBody({ name: 'Storage', event_name: 'storage', measurement_unit: 'GB', aggregation: { type: 'max', key: 'gb' } })),
    flag: await a.entitlements.create(flagBody({ name: 'Pro features', description: 'Unlocks pro' })),
    repo: await a.entitlements.create({ name: 'Source', integration_type: 'github', integration_config: { target_id: 'acme/sdk', permission: 'pull' } }),
    tokens: await a.creditEntitlements.create(
      creditBody({ name: 'AI tokens', unit: 'tokens', rollover_enabled: true, overage_enabled: true, price_per_unit: '0.01', currency: 'USD', overage_behavior: 'invoice_at_billing' }),
    ),
  };
});
after(async () => {
  await env?.stop();
});

const Unprocessable = { cls: DodoPayments.UnprocessableEntityError, status: 422 };

/** A usage-based product using every kind of reference. */
function fullBody(over = {}) {
  return minimalProduct({
    name: 'AI platform',
    addons: [refs.addon.id, refs.addon2.id],
    price: usagePrice({
      fixed_price: 4900,
      meters: [
        { meter_id: refs.calls.id, price_per_unit: '0.0025', free_threshold: 1000, credit_entitlement_id: refs.tokens.id, meter_units_per_credit: '100' },
        { meter_id: refs.storage.id, price_per_unit: '0.10', name: 'ignored in requests' },
      ],
    }),
    entitlements: [{ entitlement_id: refs.flag.id }, { entitlement_id: refs.repo.id }],
    credit_entitlements: [{ credit_entitlement_id: refs.tokens.id, credits_amount: '250000', rollover_enabled: false, trial_credits: '1000', low_balance_threshold_percent: 10 }],
    ...over,
  });
}

describe('a full product', () => {
  test('create and retrieve render every reference from the referenced objects', async () => {
    const p = await a.products.create(fullBody());
    assertProductShape(p, { businessId: env.businessA });
    assert.deepEqual(await a.products.retrieve(p.product_id), p);
    assert.deepEqual(p.addons, [refs.addon.id, refs.addon2.id]);
    const [m1, m2] = p.price.meters;
    assert.deepEqual(
      [m1.meter_id, m1.name, m1.description, m1.measurement_unit, m1.price_per_unit, m1.free_threshold, m1.credit_entitlement_id, m1.meter_units_per_credit],
      [refs.calls.id, 'API calls', 'Every request', 'requests', '0.0025', 1000, refs.tokens.id, '100'],
    );
    assert.deepEqual([m2.name, m2.description, m2.measurement_unit], ['Storage', null, 'GB'], 'the meter, not the request, names it');

    assert.equal(p.credit_entitlements.length, 1);
    const cm = p.credit_entitlements[0];
    assert.deepEqual(Object.keys(cm).sort(), [...CREDIT_MAPPING_KEYS].sort(), show(cm));
    assert.match(cm.id, /^[0-9a-f-]{36}$/);
    assert.equal(cm.credit_entitlement_name, 'AI tokens');
    assert.equal(cm.credit_entitlement_unit, 'tokens');
    assert.equal(cm.credits_amount, '250000');
    assert.equal(cm.trial_credits, '1000');
    assert.equal(cm.low_balance_threshold_percent, 10);
    assert.equal(cm.rollover_enabled, false, 'the grant overrides the credit entitlement');
    assert.equal(cm.overage_enabled, true, 'unset on the grant: from the credit entitlement');
    assert.equal(cm.overage_behavior, 'invoice_at_billing', 'unset on the grant: from the credit entitlement');
    assert.equal(cm.proration_behavior, 'prorate', 'default proration');
    assert.equal(cm.trial_credits_expire_after_trial, false);

    assert.deepEqual(
      p.entitlements,
      [
        { id: refs.flag.id, name: 'Pro features', description: 'Unlocks pro', integration_type: 'feature_flag', integration_config: { feature_id: 'beta', feature_type: 'boolean' } },
        { id: refs.repo.id, name: 'Source', description: null, integration_type: 'github', integration_config: { target_id: 'acme/sdk', permission: 'pull' } },
      ],
    );
    const item = (await listAll(a)).find((x) => x.product_id === p.product_id);
    assert.deepEqual(item.entitlements, p.entitlements, 'list items carry the summaries');
    assert.deepEqual(item.price_detail, p.price, 'list items carry the meter names');
    assert.equal(item.price, 4900);
  });

  test('references render as the referenced objects are now', async () => {
    const e = await a.entitlements.create(flagBody({ name: 'Before' }));
    const ce = await a.creditEntitlements.create(creditBody({ unit: 'credits' }));
    const m = await a.meters.create(meterBody({ name: 'Old name' }));
    const p = await a.products.create(
      fullBody({
        entitlements: [{ entitlement_id: e.id }],
        credit_entitlements: [{ credit_entitlement_id: ce.id, credits_amount: '5' }],
        price: usagePrice({ meters: [{ meter_id: m.id }] }),
      }),
    );
    await a.entitlements.update(e.id, { name: 'After' });
    await a.creditEntitlements.update(ce.id, { name: `${ce.name} v2`, unit: 'points', rollover_enabled: true });
    let got = await a.products.retrieve(p.product_id);
    assert.equal(got.entitlements[0].name, 'After');
    assert.deepEqual([got.credit_entitlements[0].credit_entitlement_name, got.credit_entitlements[0].credit_entitlement_unit, got.credit_entitlements[0].rollover_enabled], [`${ce.name} v2`, 'points', true]);

    // Archived and deleted targets do not break the product: it still renders and patches.
    await a.meters.archive(m.id);
    await a.entitlements.delete(e.id);
    await a.creditEntitlements.delete(ce.id);
    got = await a.products.retrieve(p.product_id);
    assert.equal(got.price.meters[0].name, 'Old name', 'an archived meter still names its price');
    assert.deepEqual(got.entitlements, [], 'a deleted entitlement is invisible');
    assert.equal(got.credit_entitlements[0].credit_entitlement_unit, 'points');
    await a.products.update(p.product_id, { name: 'Renamed', price: usagePrice({ meters: [{ meter_id: m.id }] }) });
    assert.equal((await a.products.retrieve(p.product_id)).name, 'Renamed');
  });

  test('PATCH replaces credit_entitlements and entitlements; collection counts follow', async () => {
    const p = await a.products.create(fullBody());
    const col = await a.productCollections.create({ name: 'Plans', groups: [{ products: [{ product_id: p.product_id }] }] });
    const member = async () => (await a.productCollections.retrieve(col.id)).groups[0].products[0];
    let m = await member();
    assert.deepEqual([m.addons_count, m.meters_count, m.has_credit_entitlements], [2, 2, true], show(m));

    const ce2 = await a.creditEntitlements.create(creditBody());
    await a.products.update(p.product_id, {
      entitlements: [{ entitlement_id: refs.repo.id }],
      credit_entitlements: [{ credit_entitlement_id: ce2.id, credits_amount: '1' }, { credit_entitlement_id: refs.tokens.id, credits_amount: '2' }],
      addons: [refs.addon2.id],
    });
    let got = await a.products.retrieve(p.product_id);
    assert.deepEqual(got.entitlements.map((x) => x.id), [refs.repo.id]);
    assert.deepEqual(got.credit_entitlements.map((x) => [x.credit_entitlement_id, x.credits_amount]), [[ce2.id, '1'], [refs.tokens.id, '2']]);
    await a.products.update(p.product_id, { name: 'only the name' });
    assert.deepEqual((await a.products.retrieve(p.product_id)).entitlements.map((x) => x.id), [refs.repo.id], 'omitted = unchanged');

    await a.products.update(p.product_id, { credit_entitlements: [], entitlements: [], addons: [], price: usagePrice({ meters: [] }) });
    got = await a.products.retrieve(p.product_id);
    assert.deepEqual([got.credit_entitlements, got.entitlements], [[], []]);
    m = await member();
    assert.deepEqual([m.addons_count, m.meters_count, m.has_credit_entitlements], [0, 0, false], show(m));
  });
});

describe('reference rules (every one rejects with 422 and writes nothing)', () => {
  let archivedMeter, deletedCredit, deletedEnt, theirs;
  before(async () => {
    archivedMeter = await a.meters.create(meterBody());
    await a.meters.archive(archivedMeter.id);
    deletedCredit = await a.creditEntitlements.create(creditBody());
    await a.creditEntitlements.delete(deletedCredit.id);
    deletedEnt = await a.entitlements.create(flagBody());
    await a.entitlements.delete(deletedEnt.id);
    theirs = {
      addon: await b.addons.create(addonBody()),
      meter: await b.meters.create(meterBody()),
      ent: await b.entitlements.create(flagBody()),
      credit: await b.creditEntitlements.create(creditBody()),
    };
  });

  const meters = (...list) => usagePrice({ meters: list });
  const cases = () => [
    ['addons on a one-time product', { price: oneTimePrice(), addons: [refs.addon.id] }, { message: 'subscription' }],
    ['an addon twice', { price: recurringPrice(), addons: [refs.addon.id, refs.addon.id] }, { code: 'DUPLICATE_ADDON_IDS_IN_REQUEST' }],
    ['an unknown addon', { price: recurringPrice(), addons: ['adn_AAAAAAAAAAAAAAAAAAAAA'] }, { code: 'MISSING_ADDON_IDS' }],
    ['another business’s addon', { price: recurringPrice(), addons: [theirs.addon.id] }, { code: 'MISSING_ADDON_IDS' }],
    ['an archived meter', { price: meters({ meter_id: archivedMeter.id }) }, { code: 'METER_IS_DELETED' }],
    ['a meter twice', { price: meters({ meter_id: refs.calls.id }, { meter_id: refs.calls.id }) }, { code: 'DUPLICATE_METER_IDS_IN_REQUEST' }],
    ['another business’s meter', { price: meters({ meter_id: theirs.meter.id }) }, { code: 'MISSING_METER_IDS' }],
    ['credit_entitlement_id without meter_units_per_credit', { price: meters({ meter_id: refs.calls.id, credit_entitlement_id: refs.tokens.id }) }, { message: 'meter_units_per_credit' }],
    ['a meter billed in a deleted credit entitlement', { price: meters({ meter_id: refs.calls.id, credit_entitlement_id: deletedCredit.id, meter_units_per_credit: '1' }) }, { code: 'CREDIT_ENTITLEMENT_IS_DELETED' }],
    ['a meter billed in an unknown credit entitlement', { price: meters({ meter_id: refs.calls.id, credit_entitlement_id: theirs.credit.id, meter_units_per_credit: '1' }) }, { code: 'MISSING_CREDIT_ENTITLEMENT_IDS' }],
    ['a deleted credit entitlement', { credit_entitlements: [{ credit_entitlement_id: deletedCredit.id, credits_amount: '1' }] }, { code: 'CREDIT_ENTITLEMENT_IS_DELETED' }],
    ['another business’s credit entitlement', { credit_entitlements: [{ credit_entitlement_id: theirs.credit.id, credits_amount: '1' }] }, { code: 'MISSING_CREDIT_ENTITLEMENT_IDS' }],
    ['a credit entitlement twice', { credit_entitlements: [1, 2].map((n) => ({ credit_entitlement_id: refs.tokens.id, credits_amount: `${n}` })) }, { message: 'credit_entitlements' }],
    ['a deleted entitlement', { entitlements: [{ entitlement_id: deletedEnt.id }] }, { code: 'MISSING_ENTITLEMENT_IDS' }],
    ['another business’s entitlement', { entitlements: [{ entitlement_id: theirs.ent.id }] }, { code: 'MISSING_ENTITLEMENT_IDS' }],
    ['an entitlement twice', { entitlements: [{ entitlement_id: refs.flag.id }, { entitlement_id: refs.flag.id }] }, { message: 'entitlements' }],
  ];

  test('on create', async () => {
    const before = (await listAll(a)).length;
    for (const [label, over, want] of cases()) {
      await expectAPIError(a.products.create(minimalProduct(over)), { ...Unprocessable, ...want, label });
    }
    assert.equal((await listAll(a)).length, before);
  });

  test('on update, which leaves the product unchanged', async () => {
    const p = await a.products.create(minimalProduct({ price: usagePrice({ meters: [{ meter_id: refs.calls.id }] }) }));
    for (const [label, over, want] of cases()) {
      await expectAPIError(a.products.update(p.product_id, over), { ...Unprocessable, ...want, label });
    }
    const got = await a.products.retrieve(p.product_id);
    assert.deepEqual([got.price.type, got.addons, got.entitlements, got.credit_entitlements], ['usage_based_price', null, [], []]);
  });

  test('limits hold with real objects: at most 5 credit entitlements and 50 entitlements', async () => {
    const ces = [];
    for (let i = 0; i < 6; i++) ces.push(await a.creditEntitlements.create(creditBody()));
    const ents = [];
    for (let i = 0; i < 51; i++) ents.push(await a.entitlements.create(flagBody()));
    const grants = ces.map((x) => ({ credit_entitlement_id: x.id, credits_amount: '1' }));
    const attach = ents.map((x) => ({ entitlement_id: x.id }));
    await expectAPIError(a.products.create(minimalProduct({ credit_entitlements: grants })), { ...Unprocessable, message: 'credit_entitlements' });
    await expectAPIError(a.products.create(minimalProduct({ entitlements: attach })), { ...Unprocessable, message: 'entitlements' });
    const p = await a.products.create(minimalProduct({ credit_entitlements: grants.slice(0, 5), entitlements: attach.slice(0, 50) }));
    assert.equal(p.credit_entitlements.length, 5);
    assert.equal(p.entitlements.length, 50);
    const item = (await listAll(a)).find((x) => x.product_id === p.product_id);
    assert.equal(item.entitlements.length, 50);
  });
});
