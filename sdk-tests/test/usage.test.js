// Addons, meters, entitlements and credit entitlements through the official
// SDK: every endpoint of §8–§11 (uploads excepted), with its error cases.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, expectAPIError, raw, show, DodoPayments } from '../lib/harness.js';
import { ADDON_KEYS, METER_KEYS, ENTITLEMENT_KEYS, CREDIT_KEYS, CONFIGS, assertShape, addonBody, meterBody, flagBody, creditBody, all } from '../lib/usage.js';

let env;
let a; // business A, test mode
let b; // business B
let live; // business A, live mode

before(async () => {
  env = await startServer();
  a = env.client(env.keys.a);
  b = env.client(env.keys.b);
  live = env.client(env.keys.aLive);
});
after(async () => {
  await env?.stop();
});

const Unprocessable = { cls: DodoPayments.UnprocessableEntityError, status: 422 };
const NotFound = { cls: DodoPayments.NotFoundError, status: 404, code: 'NOT_FOUND' };
const isVoid = (v) => v === undefined || v === null || v === '';

describe('addons (§8)', () => {
  test('create, retrieve, update (returns the addon), list; no delete', async () => {
    const ad = await a.addons.create(addonBody({ name: 'Seat', description: 'One more seat' }));
    assertShape(ad, ADDON_KEYS, 'adn_', 'Addon');
    assert.equal(ad.business_id, env.businessA);
    assert.equal(ad.description, 'One more seat');
    assert.equal(ad.image, null);
    assert.deepEqual(await a.addons.retrieve(ad.id), ad);

    const up = await a.addons.update(ad.id, { price: 750, currency: 'EUR', name: null, image_id: null });
    assert.equal(up.price, 750);
    assert.equal(up.currency, 'EUR');
    assert.equal(up.name, 'Seat', 'null on a non-nullable field changes nothing (§3)');
    assert.deepEqual(await a.addons.retrieve(ad.id), up);

    const second = await a.addons.create(addonBody());
    const items = await all((q) => a.addons.list(q));
    assert.deepEqual(items.slice(0, 2).map((x) => x.id), [second.id, ad.id], 'newest first');
    const page = await a.addons.list({ page_size: 1, page_number: 1 });
    assert.deepEqual(page.items.map((x) => x.id), [ad.id]);
    assert.deepEqual((await all((q) => b.addons.list(q))).length, 0, 'another business sees none');

    const r = await raw(env.baseURL, 'DELETE', `/addons/${ad.id}`, { key: env.keys.a });
    assert.equal(r.status, 405, 'the API has no addon delete (§8)');
  });

  test('errors: missing fields, bad values, unknown image, other tenants', async () => {
    await expectAPIError(a.addons.create({ name: 'x' }), { ...Unprocessable, message: 'price' });
    await expectAPIError(a.addons.create(addonBody({ currency: 'usd' })), { ...Unprocessable, message: 'currency' });
    await expectAPIError(a.addons.create(addonBody({ tax_category: 'food' })), { ...Unprocessable, message: 'tax_category' });
    await expectAPIError(a.addons.create(addonBody({ name: 'n'.repeat(101) })), { ...Unprocessable, message: 'name' });
    await expectAPIError(a.addons.create(addonBody({ price: -1 })), { ...Unprocessable, message: 'price' });
    const ad = await a.addons.create(addonBody());
    await expectAPIError(a.addons.update(ad.id, { description: 'd'.repeat(1001) }), { ...Unprocessable, message: 'description' });
    await expectAPIError(a.addons.update(ad.id, { image_id: '3fa85f64-5717-4562-b3fc-2c963f66afa6' }), { ...Unprocessable, message: 'image_id' });
    await expectAPIError(b.addons.retrieve(ad.id), NotFound);
    await expectAPIError(live.addons.update(ad.id, { price: 1 }), NotFound);
    await expectAPIError(a.addons.retrieve('adn_AAAAAAAAAAAAAAAAAAAAA'), NotFound);
    await expectAPIError(env.client(env.keys.aReadOnly).addons.create(addonBody()), { cls: DodoPayments.AuthenticationError, status: 401 });
  });
});

describe('meters (§9)', () => {
  const filter = {
    conjunction: 'and',
    clauses: [
      { conjunction: 'or', clauses: [{ key: 'region', operator: 'equals', value: 'eu' }, { key: 'region', operator: 'equals', value: 'us' }] },
      { conjunction: 'and', clauses: [{ conjunction: 'or', clauses: [{ key: 'tokens', operator: 'greater_than_or_equals', value: 10.5 }, { key: 'beta', operator: 'not_equals', value: true }] }] },
    ],
  };

  test('create (201) with a 3-level filter, retrieve, list with archived filter, archive (204), unarchive', async () => {
    const res = await a.meters.create(meterBody({ aggregation: { type: 'sum', key: 'tokens' }, filter, description: 'Tokens used' })).withResponse();
    assert.equal(res.response.status, 201);
    const m = res.data;
    assertShape(m, METER_KEYS, 'mtr_', 'Meter');
    assert.deepEqual(m.aggregation, { type: 'sum', key: 'tokens' });
    assert.deepEqual(m.filter, filter);
    assert.deepEqual(await a.meters.retrieve(m.id), m);
    const plain = await a.meters.create(meterBody());
    assert.equal(plain.filter, null);

    const archived = await a.meters.archive(m.id).withResponse();
    assert.equal(archived.response.status, 204);
    assert.ok(isVoid(archived.data), show(archived.data));
    assert.ok(!(await all((q) => a.meters.list(q))).some((x) => x.id === m.id), 'archived meters leave the default list');
    assert.deepEqual((await all((q) => a.meters.list(q), { archived: true })).map((x) => x.id), [m.id]);
    assert.equal((await a.meters.retrieve(m.id)).id, m.id, 'an archived meter can still be read');
    assert.ok(isVoid(await a.meters.unarchive(m.id)));
    assert.deepEqual(await all((q) => a.meters.list(q), { archived: true }), []);
    assert.ok((await all((q) => a.meters.list(q))).some((x) => x.id === m.id));
  });

  test('errors: aggregation key, filter depth, clause counts, mixes, unknown ids', async () => {
    const nest = (depth) => {
      let f = { conjunction: 'and', clauses: [{ key: 'k', operator: 'equals', value: 'v' }] };
      for (let i = 1; i < depth; i++) f = { conjunction: 'or', clauses: [f] };
      return f;
    };
    for (const type of ['sum', 'max', 'last']) {
      await expectAPIError(a.meters.create(meterBody({ aggregation: { type } })), { ...Unprocessable, message: 'aggregation.key' });
    }
    await expectAPIError(a.meters.create(meterBody({ aggregation: { type: 'avg', key: 'x' } })), { ...Unprocessable, message: 'aggregation.type' });
    await expectAPIError(a.meters.create({ name: 'x', event_name: 'e', measurement_unit: 'u' }), { ...Unprocessable, message: 'aggregation' });
    await expectAPIError(a.meters.create(meterBody({ filter: nest(4) })), { ...Unprocessable, message: 'nest at most 3' });
    assert.equal((await a.meters.create(meterBody({ filter: nest(3) }))).filter.clauses[0].clauses[0].clauses[0].key, 'k');
    await expectAPIError(a.meters.create(meterBody({ filter: { conjunction: 'and', clauses: [] } })), { ...Unprocessable, message: 'filter.clauses' });
    const eleven = Array.from({ length: 11 }, (_, i) => ({ key: `k${i}`, operator: 'equals', value: i }));
    await expectAPIError(a.meters.create(meterBody({ filter: { conjunction: 'and', clauses: eleven } })), { ...Unprocessable, message: 'filter.clauses' });
    assert.ok(await a.meters.create(meterBody({ filter: { conjunction: 'and', clauses: eleven.slice(0, 10) } })));
    const mixed = { conjunction: 'and', clauses: [{ key: 'k', operator: 'equals', value: 1 }, nest(1)] };
    await expectAPIError(a.meters.create(meterBody({ filter: mixed })), { ...Unprocessable, message: 'mix' });
    await expectAPIError(a.meters.create(meterBody({ filter: { conjunction: 'nand', clauses: [{ key: 'k', operator: 'equals', value: 1 }] } })), { ...Unprocessable, message: 'conjunction' });
    await expectAPIError(a.meters.create(meterBody({ filter: { conjunction: 'and', clauses: [{ key: 'k', operator: 'like', value: 1 }] } })), { ...Unprocessable, message: 'operator' });
    await expectAPIError(a.meters.create(meterBody({ filter: { conjunction: 'and', clauses: [{ key: 'k', operator: 'equals', value: null }] } })), { ...Unprocessable, message: 'value' });
    await expectAPIError(a.meters.create(meterBody({ filter: { conjunction: 'and', clauses: [{ key: 'x'.repeat(101), operator: 'equals', value: 1 }] } })), { ...Unprocessable, message: 'key' });
    await expectAPIError(a.meters.retrieve('mtr_AAAAAAAAAAAAAAAAAAAAA'), NotFound);
    await expectAPIError(a.meters.archive('mtr_AAAAAAAAAAAAAAAAAAAAA'), NotFound);
    const m = await a.meters.create(meterBody());
    await expectAPIError(b.meters.archive(m.id), NotFound);
    await expectAPIError(live.meters.unarchive(m.id), NotFound);
    await expectAPIError(a.meters.list({ page_size: 101 }), { ...Unprocessable, code: 'INVALID_QUERY_PARAMS' });
  });
});

describe('entitlements (§10)', () => {
  test('all nine integration types round-trip in response form; list filters by type', async () => {
    const made = {};
    for (const [type, [config, response]] of Object.entries(CONFIGS)) {
      const e = await a.entitlements.create({ name: `E ${type}`, integration_type: type, integration_config: config, metadata: { tier: 2, beta: true } });
      assertShape(e, ENTITLEMENT_KEYS, 'ent_', `Entitlement ${type}`);
      assert.deepEqual(e.integration_config, response, `${type} integration_config`);
      assert.equal(e.is_active, true);
      assert.deepEqual(e.metadata, { tier: 2, beta: true });
      assert.deepEqual(await a.entitlements.retrieve(e.id), e);
      made[type] = e;
    }
    const lk = await a.entitlements.create({ name: 'Auto', integration_type: 'license_key', integration_config: {} });
    assert.equal(lk.integration_config.fulfillment_mode, 'auto', 'fulfillment_mode defaults to auto (§10.1)');
    assert.equal(lk.integration_config.duration_count, null, 'no duration = never expires');
    for (const type of Object.keys(CONFIGS)) {
      const listed = await all((q) => a.entitlements.list(q), { integration_type: type });
      assert.ok(listed.every((x) => x.integration_type === type) && listed.some((x) => x.id === made[type].id), `${type}: ${show(listed)}`);
    }
    assert.equal((await all((q) => b.entitlements.list(q))).length, 0);
  });

  test('config validated against the type, with the field rules of §10.1', async () => {
    const bad = [
      ['discord', { feature_id: 'x', feature_type: 'boolean' }, 'guild_id'],
      ['feature_flag', { feature_id: 'x' }, 'feature_type'],
      ['feature_flag', { feature_id: 'x', feature_type: 'number' }, 'feature_type'],
      ['github', { target_id: 'a/b', permission: 'write' }, 'permission'],
      ['telegram', {}, 'chat_id'],
      ['figma', { framer_template_id: 'x' }, 'figma_file_id'],
      ['framer', {}, 'framer_template_id'],
      ['notion', { notion_template_id: '' }, 'notion_template_id'],
      ['digital_files', { instructions: 'x' }, 'digital_file_ids'],
      ['digital_files', { digital_file_ids: ['3fa85f64-5717-4562-b3fc-2c963f66afa6'] }, 'does not exist'],
      ['digital_files', { digital_file_ids: [], external_url: 'not a url' }, 'external_url'],
      ['license_key', { duration_count: 2 }, 'duration'],
      ['license_key', { duration_interval: 'Month' }, 'duration'],
      ['license_key', { activation_message: 'm'.repeat(2501) }, 'activation_message'],
      ['license_key', { fulfillment_mode: 'later' }, 'fulfillment_mode'],
      ['license_key', { activations_limit: -1 }, 'activations_limit'],
    ];
    for (const [type, config, mention] of bad) {
      await expectAPIError(a.entitlements.create({ name: 'bad', integration_type: type, integration_config: config }), { ...Unprocessable, message: mention, label: `${type} ${show(config)}` });
    }
    await expectAPIError(a.entitlements.create({ name: 'bad', integration_type: 'slack', integration_config: {} }), { ...Unprocessable, message: 'integration_type' });
    await expectAPIError(a.entitlements.create({ name: 'bad', integration_type: 'figma' }), { ...Unprocessable, message: 'integration_config' });
    await expectAPIError(a.entitlements.list({ integration_type: 'slack' }), { ...Unprocessable, code: 'INVALID_QUERY_PARAMS' });
  });

  test('update returns the entitlement; delete is soft: then 404 and hidden from lists', async () => {
    const e = await a.entitlements.create(flagBody({ description: 'd', metadata: { k: 'v' } }));
    const up = await a.entitlements.update(e.id, { name: 'Renamed', description: null, integration_config: { feature_id: 'beta2', feature_type: 'boolean' } });
    assert.equal(up.name, 'Renamed');
    assert.equal(up.description, 'd', 'null description = no change (§3 inferred)');
    assert.deepEqual(up.integration_config, { feature_id: 'beta2', feature_type: 'boolean' });
    assert.deepEqual(up.metadata, { k: 'v' });
    assert.deepEqual(await a.entitlements.retrieve(e.id), up);
    await expectAPIError(a.entitlements.update(e.id, { integration_config: { guild_id: '1' } }), { ...Unprocessable, message: 'feature_id' });
    await expectAPIError(a.entitlements.update(e.id, { metadata: { 'bad key': 1 } }), { ...Unprocessable, message: 'metadata' });

    const files = await a.entitlements.create({ name: 'Files', integration_type: 'digital_files', integration_config: { digital_file_ids: [], legacy_file_ids: null } });
    const f2 = await a.entitlements.update(files.id, { integration_config: { digital_file_ids: [], instructions: 'new', legacy_file_ids: [] } });
    assert.deepEqual(f2.integration_config, { digital_files: { files: [], external_url: null, instructions: 'new' } });

    assert.ok(isVoid(await a.entitlements.delete(e.id)));
    await expectAPIError(a.entitlements.retrieve(e.id), NotFound);
    await expectAPIError(a.entitlements.update(e.id, { name: 'x' }), NotFound);
    await expectAPIError(a.entitlements.delete(e.id), NotFound);
    assert.ok(!(await all((q) => a.entitlements.list(q))).some((x) => x.id === e.id));
    await expectAPIError(b.entitlements.delete(files.id), NotFound);
    await expectAPIError(live.entitlements.retrieve(files.id), NotFound);
  });
});

describe('credit entitlements (§11)', () => {
  test('create (201), retrieve, list newest first, update (void, tri-state, merged validation)', async () => {
    const res = await a.creditEntitlements
      .create(creditBody({ name: 'API tokens', precision: 3, overage_enabled: true, price_per_unit: '0.002', currency: 'USD', rollover_timeframe_count: 1, rollover_timeframe_interval: 'Month', overage_limit: 5000 }))
      .withResponse();
    assert.equal(res.response.status, 201);
    const ce = res.data;
    assertShape(ce, CREDIT_KEYS, 'cde_', 'CreditEntitlement');
    assert.equal(ce.overage_behavior, 'forgive_at_reset', 'default overage_behavior (§11)');
    assert.equal(ce.price_per_unit, '0.002');
    assert.equal(ce.overage_limit, 5000);
    assert.deepEqual(await a.creditEntitlements.retrieve(ce.id), ce);
    const newer = await a.creditEntitlements.create(creditBody());
    assert.deepEqual((await all((q) => a.creditEntitlements.list(q))).slice(0, 2).map((x) => x.id), [newer.id, ce.id]);

    assert.ok(isVoid(await a.creditEntitlements.update(ce.id, { description: 'Tokens for the API', name: null, overage_limit: null, expires_after_days: 30 })));
    let got = await a.creditEntitlements.retrieve(ce.id);
    assert.equal(got.name, 'API tokens');
    assert.equal(got.description, 'Tokens for the API');
    assert.equal(got.overage_limit, null, 'null clears a nullable field (§3)');
    assert.equal(got.expires_after_days, 30);

    await expectAPIError(a.creditEntitlements.update(ce.id, { currency: null }), { ...Unprocessable, message: 'currency' });
    await expectAPIError(a.creditEntitlements.update(ce.id, { price_per_unit: null, currency: null }), { ...Unprocessable, message: 'price_per_unit' });
    await expectAPIError(a.creditEntitlements.update(ce.id, { rollover_timeframe_interval: null }), { ...Unprocessable, message: 'rollover_timeframe' });
    await expectAPIError(a.creditEntitlements.update(ce.id, { precision: 5 }), { ...Unprocessable, message: 'precision' });
    await expectAPIError(a.creditEntitlements.update(ce.id, { name: newer.name }), { ...Unprocessable, code: 'CREDIT_ENTITLEMENT_NAME_ALREADY_EXISTS' });
    await a.creditEntitlements.update(ce.id, { overage_enabled: false, price_per_unit: null, currency: null, rollover_timeframe_count: null, rollover_timeframe_interval: null, overage_behavior: 'carry_deficit' });
    got = await a.creditEntitlements.retrieve(ce.id);
    assert.deepEqual(
      [got.overage_enabled, got.price_per_unit, got.currency, got.rollover_timeframe_count, got.overage_behavior, got.precision],
      [false, null, null, null, 'carry_deficit', 3],
    );
  });

  test('create errors (§11 constraints)', async () => {
    const bad = [
      [{ name: 'x' }, 'precision'],
      [creditBody({ precision: 11 }), 'precision'],
      [creditBody({ name: '' }), 'name'],
      [creditBody({ name: 'n'.repeat(256) }), 'name'],
      [creditBody({ unit: 'u'.repeat(51) }), 'unit'],
      [creditBody({ overage_enabled: true }), 'price_per_unit'],
      [creditBody({ price_per_unit: '1.5' }), 'currency'],
      [creditBody({ rollover_timeframe_count: 2 }), 'rollover_timeframe'],
      [creditBody({ rollover_percentage: 101 }), 'rollover_percentage'],
      [creditBody({ overage_behavior: 'forgive' }), 'overage_behavior'],
      [creditBody({ description: 'd'.repeat(1001) }), 'description'],
    ];
    for (const [body, mention] of bad) {
      await expectAPIError(a.creditEntitlements.create(body), { ...Unprocessable, message: mention, label: show(body) });
    }
  });

  test('delete (void), 410 when deleted, 404 on get, deleted=true list, undelete and its documented 500s', async () => {
    const ce = await a.creditEntitlements.create(creditBody({ expires_after_days: 7 }));
    assert.ok(isVoid(await a.creditEntitlements.delete(ce.id)));
    await expectAPIError(a.creditEntitlements.delete(ce.id), { status: 410, code: 'CREDIT_ENTITLEMENT_IS_DELETED' });
    await expectAPIError(a.creditEntitlements.retrieve(ce.id), NotFound);
    await expectAPIError(a.creditEntitlements.update(ce.id, { unit: 'x' }), NotFound);
    await expectAPIError(a.creditEntitlements.delete('cde_AAAAAAAAAAAAAAAAAAAAA'), NotFound);
    assert.ok(!(await all((q) => a.creditEntitlements.list(q))).some((x) => x.id === ce.id));
    assert.ok((await all((q) => a.creditEntitlements.list(q), { deleted: true })).some((x) => x.id === ce.id));
    await expectAPIError(a.creditEntitlements.create(creditBody({ name: ce.name })), { ...Unprocessable, code: 'CREDIT_ENTITLEMENT_NAME_ALREADY_EXISTS' });

    // The documented 500s carry x-should-retry: false, so even retrying clients ask once.
    for (const [label, key, id] of [['another business', env.keys.b, ce.id], ['unknown', env.keys.a, 'cde_AAAAAAAAAAAAAAAAAAAAA']]) {
      const retrying = env.client(key, { maxRetries: 2 });
      const t0 = Date.now();
      await expectAPIError(retrying.creditEntitlements.undelete(id), { cls: DodoPayments.InternalServerError, status: 500, label });
      assert.ok(Date.now() - t0 < 400, `${label}: the 500 was retried`);
    }
    assert.ok(isVoid(await a.creditEntitlements.undelete(ce.id)));
    const back = await a.creditEntitlements.retrieve(ce.id);
    assert.equal(back.expires_after_days, 7, 'settings survive delete and undelete');
    const r = await raw(env.baseURL, 'POST', `/credit-entitlements/${ce.id}/undelete`, { key: env.keys.a });
    assert.equal(r.status, 500, 'undelete of an active one is the documented 500');
    assert.equal(r.headers.get('x-should-retry'), 'false');
    assert.equal(typeof r.json?.code, 'string');
  });

  test('concurrent creates with one name: exactly one wins, the rest 422', async () => {
    const name = `Contended ${Date.now()}`;
    const results = await Promise.allSettled(Array.from({ length: 12 }, () => a.creditEntitlements.create(creditBody({ name }))));
    const won = results.filter((r) => r.status === 'fulfilled');
    assert.equal(won.length, 1, show(results.map((r) => r.status)));
    for (const r of results.filter((r) => r.status === 'rejected')) {
      assert.equal(r.reason?.status, 422, show(r.reason?.error));
      assert.equal(r.reason?.error?.code, 'CREDIT_ENTITLEMENT_NAME_ALREADY_EXISTS');
    }
    assert.equal((await all((q) => a.creditEntitlements.list(q))).filter((x) => x.name === name).length, 1);
    // Names are per business and mode.
    assert.equal((await b.creditEntitlements.create(creditBody({ name }))).name, name);
    assert.equal((await live.creditEntitlements.create(creditBody({ name }))).name, name);
  });
});
