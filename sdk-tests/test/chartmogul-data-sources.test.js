// ChartMogul data sources and authentication through the official
// chartmogul-node client. Spec: shared/spec/chartmogul.md §1.2–§1.6, §2.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/harness.js';
import { ChartMogul, cmConfig, cmRaw, expectCMError } from '../lib/chartmogul.js';

const { DataSource, Plan, PlanGroup } = ChartMogul;
const UNAUTHORIZED = { code: 401, message: 'No valid API key provided', param: null };
const NOT_FOUND = { error: 'Data source not found' };

let env;
let cfg;
before(async () => {
  env = await startServer();
  cfg = cmConfig(env.baseURL, env.keys.a);
});
after(async () => {
  await env?.stop();
});

describe('authentication', () => {
  test('key as Basic username with an empty password (what every client sends)', async () => {
    const res = await DataSource.all(cfg);
    assert.deepEqual(res, { data_sources: [] });
  });
  test('password equal to the key (legacy two-part clients) is accepted, another password is not', async () => {
    const ok = await cmRaw(env.baseURL, 'GET', '/v1/data_sources', { user: env.keys.a, password: env.keys.a });
    assert.equal(ok.status, 200);
    const bad = await cmRaw(env.baseURL, 'GET', '/v1/data_sources', { user: env.keys.a, password: 'nope' });
    assert.equal(bad.status, 401);
    assert.deepEqual(bad.json, UNAUTHORIZED);
  });
  test('unknown, revoked and missing keys get the recorded 401 body', async () => {
    for (const key of ['not-a-key', env.keys.revoked]) {
      await expectCMError(DataSource.all(cmConfig(env.baseURL, key)), { status: 401, body: UNAUTHORIZED, label: key });
    }
    const none = await cmRaw(env.baseURL, 'GET', '/v1/plans');
    assert.equal(none.status, 401);
    assert.deepEqual(none.json, UNAUTHORIZED);
  });
  test('a read-only key reads, and its writes get the 401 body', async () => {
    const ro = cmConfig(env.baseURL, env.keys.aReadOnly);
    await DataSource.all(ro);
    await Plan.all(ro, { per_page: 1 });
    await expectCMError(DataSource.create(ro, { name: 'RO' }), { status: 401, body: UNAUTHORIZED });
    await expectCMError(PlanGroup.create(ro, { name: 'RO', plans: ['pl_x'] }), { status: 401, body: UNAUTHORIZED });
    assert.deepEqual((await DataSource.all(cfg, { name: 'RO' })).data_sources, []);
  });
});

describe('data sources', () => {
  let ds;
  test('create answers 201 with the five base fields', async () => {
    const res = await cmRaw(env.baseURL, 'POST', '/v1/data_sources', { user: env.keys.a, body: { name: 'Raw source' } });
    assert.equal(res.status, 201);
    assert.match(res.headers.get('content-type'), /^application\/json/);
    ds = await DataSource.create(cfg, { name: 'Test Data Source' });
    assert.deepEqual(Object.keys(ds), ['uuid', 'name', 'system', 'created_at', 'status']);
    assert.match(ds.uuid, /^ds_[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.match(ds.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(ds.name, 'Test Data Source');
    assert.equal(ds.system, 'Custom');
    assert.equal(ds.status, 'idle');
  });
  test('create errors: missing name 400, null or blank 422, duplicate 422', async () => {
    await expectCMError(DataSource.create(cfg, {}), {
      status: 400,
      body: { code: 400, message: 'Parameter "name" is missing', param: 'name' },
    });
    for (const name of [null, '', '   ']) {
      await expectCMError(DataSource.create(cfg, { name }), {
        status: 422,
        body: { errors: { name: 'A name is required for each data source.' } },
        label: JSON.stringify(name),
      });
    }
    await expectCMError(DataSource.create(cfg, { name: 'Test Data Source' }), {
      status: 422,
      body: { errors: { name: 'Has already been taken.' } },
    });
    // Names are per account: another business and the live mode may reuse it.
    await DataSource.create(cmConfig(env.baseURL, env.keys.b), { name: 'Test Data Source' });
    await DataSource.create(cmConfig(env.baseURL, env.keys.aLive), { name: 'Test Data Source' });
  });
  test('Go-style create with empty read-only fields and a system', async () => {
    const res = await cmRaw(env.baseURL, 'POST', '/v1/data_sources', {
      user: env.keys.a,
      body: { uuid: '', created_at: '', status: '', system: 'Stripe', name: 'Go source' },
    });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.json.system, 'Stripe');
  });
  test('list is exactly {"data_sources": [...]}, newest first, filtered by name and system', async () => {
    const all = await DataSource.all(cfg);
    assert.deepEqual(Object.keys(all), ['data_sources']);
    assert.deepEqual(
      all.data_sources.map((d) => d.name),
      ['Go source', 'Test Data Source', 'Raw source'],
    );
    assert.deepEqual((await DataSource.all(cfg, { name: 'Test Data Source' })).data_sources.map((d) => d.uuid), [ds.uuid]);
    assert.deepEqual((await DataSource.all(cfg, { system: 'stripe' })).data_sources.map((d) => d.name), ['Go source']);
    assert.equal((await DataSource.all(cfg, { system: 'Custom' })).data_sources.length, 2);
    assert.deepEqual((await DataSource.all(cfg, { name: 'nope' })).data_sources, []);
  });
  test('with_* flags add the optional blocks on list and retrieve (true/1 on, false/0 off)', async () => {
    const full = await DataSource.retrieve(cfg, ds.uuid, {
      with_processing_status: true,
      with_auto_churn_subscription_setting: true,
      with_invoice_handling_setting: true,
    });
    assert.deepEqual(full.processing_status, { processed: 0, failed: 0, pending: 0 });
    assert.deepEqual(full.auto_churn_subscription_setting, { enabled: false, interval: null });
    assert.equal(full.invoice_handling_setting.manual.create_subscription_when_invoice_is, 'open');
    assert.equal(typeof full.invoice_handling_setting.automatic.prevent_subscription_for_invoice_voided, 'boolean');
    const some = await DataSource.retrieve(cfg, ds.uuid, { with_processing_status: true, with_auto_churn_subscription_setting: false });
    assert.ok('processing_status' in some && !('auto_churn_subscription_setting' in some));
    const listed = await DataSource.all(cfg, { with_invoice_handling_setting: true, name: 'Test Data Source' });
    assert.ok('invoice_handling_setting' in listed.data_sources[0]);
    const php = await cmRaw(env.baseURL, 'GET', `/v1/data_sources/${ds.uuid}?with_processing_status=1&with_invoice_handling_setting=0`, { user: env.keys.a });
    assert.ok('processing_status' in php.json && !('invoice_handling_setting' in php.json), php.text);
    const plain = await DataSource.retrieve(cfg, ds.uuid);
    assert.deepEqual(plain, { ...ds });
  });
  test('unknown or other-tenant uuids are 404 with the recorded body', async () => {
    await expectCMError(DataSource.retrieve(cfg, 'ds_00000000-0000-0000-0000-000000000000'), { status: 404, body: NOT_FOUND });
    await expectCMError(DataSource.destroy(cfg, '1234-a-uuid-that-doesnt-exist'), { status: 404, body: NOT_FOUND });
    await expectCMError(DataSource.retrieve(cmConfig(env.baseURL, env.keys.b), ds.uuid), { status: 404, body: NOT_FOUND });
  });
  test('delete is 204 with no body and cascades to plans and group memberships', async () => {
    const doomed = await DataSource.create(cfg, { name: 'Doomed' });
    const p1 = await Plan.create(cfg, { data_source_uuid: doomed.uuid, name: 'P1', interval_count: 1, interval_unit: 'month' });
    const p2 = await Plan.create(cfg, { data_source_uuid: doomed.uuid, name: 'P2', interval_count: 1, interval_unit: 'year' });
    const keep = await Plan.create(cfg, { data_source_uuid: ds.uuid, name: 'Keep', interval_count: 1, interval_unit: 'day' });
    const group = await PlanGroup.create(cfg, { name: 'Mixed', plans: [p1.uuid, p2.uuid, keep.uuid] });
    assert.equal(group.plans_count, 3);

    const raw = await cmRaw(env.baseURL, 'DELETE', `/v1/data_sources/${doomed.uuid}`, { user: env.keys.a });
    assert.equal(raw.status, 204);
    assert.equal(raw.text, '');
    await expectCMError(DataSource.retrieve(cfg, doomed.uuid), { status: 404, body: NOT_FOUND });
    await expectCMError(Plan.retrieve(cfg, p1.uuid), { status: 404, body: { error: 'Plan not found' } });
    assert.equal((await PlanGroup.retrieve(cfg, group.uuid)).plans_count, 1);
    const members = await PlanGroup.all(cfg, group.uuid, { per_page: 10 });
    assert.deepEqual(members.plans.map((p) => p.uuid), [keep.uuid]);
    await DataSource.destroy(cfg, ds.uuid);
    assert.deepEqual((await DataSource.all(cfg, { name: 'Test Data Source' })).data_sources, []);
    assert.equal((await PlanGroup.retrieve(cfg, group.uuid)).plans_count, 0);
  });
});
