// ChartMogul plans through the official chartmogul-node client: CRUD,
// filters, cursor pagination walked to the end, errors, the external_id
// race. Spec: shared/spec/chartmogul.md §3, §5, §6.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/harness.js';
import { ChartMogul, cmConfig, cmRaw, expectCMError, walk, assertPlan } from '../lib/chartmogul.js';

const { DataSource, Plan } = ChartMogul;

let env;
let cfg;
let custom;
let stripe;
before(async () => {
  env = await startServer();
  cfg = cmConfig(env.baseURL, env.keys.a);
  custom = await DataSource.create(cfg, { name: 'Custom source' });
  const res = await cmRaw(env.baseURL, 'POST', '/v1/data_sources', { user: env.keys.a, body: { name: 'Stripe source', system: 'Stripe' } });
  stripe = res.json;
});
after(async () => {
  await env?.stop();
});

const planBody = (ds, extra = {}) => ({ data_source_uuid: ds.uuid, name: 'Plan', interval_count: 1, interval_unit: 'month', ...extra });

describe('plans', () => {
  test('create 201; without external_id one is generated and the uuid embeds it', async () => {
    const raw = await cmRaw(env.baseURL, 'POST', '/v1/plans', { user: env.keys.a, body: planBody(custom, { external_id: 'raw' }) });
    assert.equal(raw.status, 201);
    const p = await Plan.create(cfg, planBody(custom, { name: 'Another Test Plan' }));
    assertPlan(p);
    assert.equal(p.uuid, 'pl_' + p.external_id);
    // stripUndefined keeps an explicit null: it means "generate" too.
    const n = await Plan.create(cfg, planBody(custom, { external_id: null }));
    assert.equal(n.uuid, 'pl_' + n.external_id);
    const e = await Plan.create(cfg, planBody(custom, { name: 'test plan', external_id: 'ext_plan', interval_unit: 'day', interval_count: 7 }));
    assertPlan(e);
    assert.deepEqual(
      { ...e, uuid: undefined },
      { external_id: 'ext_plan', name: 'test plan', interval_count: 7, interval_unit: 'day', data_source_uuid: custom.uuid, uuid: undefined },
    );
    assert.notEqual(e.uuid, 'pl_ext_plan');
    assert.deepEqual(await Plan.retrieve(cfg, e.uuid), e);
  });
  test('external_id is unique per data source', async () => {
    await expectCMError(Plan.create(cfg, planBody(custom, { external_id: 'ext_plan' })), {
      status: 422,
      body: { errors: { external_id: 'A plan with this identifier already exists in our system.' } },
    });
    await Plan.create(cfg, planBody(stripe, { external_id: 'ext_plan' }));
  });
  test('validation errors are 422 {"errors": {field: message}}', async () => {
    await expectCMError(Plan.create(cfg, { name: null, interval_count: null, interval_unit: null, data_source_uuid: null }), {
      status: 422,
      body: {
        errors: {
          name: 'A unique name is required for each plan.',
          interval_count: 'is not a number',
          interval_unit: "Only 'day', 'month' or 'year' are valid values for interval_unit.",
          data_source_uuid: 'A valid data source UUID is required for each plan.',
        },
      },
    });
    await expectCMError(Plan.create(cfg, planBody(custom, { interval_unit: 'week' })), {
      status: 422,
      body: { errors: { interval_unit: "Only 'day', 'month' or 'year' are valid values for interval_unit." } },
    });
    await expectCMError(Plan.create(cfg, planBody({ uuid: 'ds_missing' })), {
      status: 422,
      body: { errors: { data_source_uuid: 'A valid data source UUID is required for each plan.' } },
    });
    await expectCMError(Plan.create(cfg, planBody(custom, { interval_count: 0 })), { status: 422 });
  });
  test('modify (PATCH) is 202 with the updated plan; echoed read-only fields are ignored; update (PUT) too', async () => {
    const p = await Plan.create(cfg, planBody(custom, { name: 'Chocolate Plan', external_id: 'plan_0002', interval_unit: 'day' }));
    const raw = await cmRaw(env.baseURL, 'PATCH', `/v1/plans/${p.uuid}`, { user: env.keys.a, body: { name: 'Chocolate Plan 2' } });
    assert.equal(raw.status, 202);
    assert.deepEqual(raw.json, { ...p, name: 'Chocolate Plan 2' });
    const m = await Plan.modify(cfg, p.uuid, {
      name: 'Another Test Plan 123',
      interval_count: 2,
      interval_unit: 'month',
      external_id: 'something-else',
      data_source_uuid: stripe.uuid,
    });
    assert.deepEqual(m, { ...p, name: 'Another Test Plan 123', interval_count: 2, interval_unit: 'month' });
    const u = await Plan.update(cfg, p.uuid, { interval_count: 3 });
    assert.equal(u.interval_count, 3);
    assert.deepEqual(await Plan.retrieve(cfg, p.uuid), u);
    await expectCMError(Plan.modify(cfg, p.uuid, { interval_unit: 'fortnight' }), { status: 422 });
    await expectCMError(Plan.modify(cfg, 'pl_missing', { name: 'x' }), { status: 404, body: { error: 'Plan not found' } });
  });
  test('destroy is 204; the plan is gone', async () => {
    const p = await Plan.create(cfg, planBody(custom));
    const raw = await cmRaw(env.baseURL, 'DELETE', `/v1/plans/${p.uuid}`, { user: env.keys.a });
    assert.equal(raw.status, 204);
    assert.equal(raw.text, '');
    await expectCMError(Plan.retrieve(cfg, p.uuid), { status: 404, body: { error: 'Plan not found' } });
    await expectCMError(Plan.destroy(cfg, p.uuid), { status: 404, body: { error: 'Plan not found' } });
  });
  test('filters: data_source_uuid, external_id, system; empty values mean no filter', async () => {
    const all = await walk((q) => Plan.all(cfg, q), 'plans', 200);
    const empty = await Plan.all(cfg, { data_source_uuid: '', external_id: '', system: '' });
    assert.deepEqual(empty.plans, all);
    const bySource = await Plan.all(cfg, { data_source_uuid: stripe.uuid });
    assert.deepEqual(bySource.plans.map((p) => p.data_source_uuid), [stripe.uuid]);
    const byExt = await Plan.all(cfg, { external_id: 'ext_plan' });
    assert.deepEqual(byExt.plans.map((p) => p.data_source_uuid).sort(), [custom.uuid, stripe.uuid].sort());
    assert.deepEqual((await Plan.all(cfg, { system: 'stripe' })).plans, bySource.plans);
    assert.deepEqual((await Plan.all(cfg, { data_source_uuid: stripe.uuid, external_id: 'ext_plan', system: 'Stripe' })).plans, bySource.plans);
    assert.deepEqual((await Plan.all(cfg, { data_source_uuid: custom.uuid, system: 'Stripe' })).plans, []);
  });
  test('pagination: walked to the end with small pages, newest first, nothing lost or repeated', async () => {
    const ds = await DataSource.create(cfg, { name: 'Paged' });
    const made = [];
    for (let i = 0; i < 9; i++) made.push(await Plan.create(cfg, planBody(ds, { name: `p${i}` })));
    const newestFirst = made.map((p) => p.uuid).reverse();
    for (const per of [1, 2, 4, 9, 200]) {
      const got = await walk((q) => Plan.all(cfg, { data_source_uuid: ds.uuid, ...q }), 'plans', per);
      assert.deepEqual(got.map((p) => p.uuid), newestFirst, `per_page ${per}`);
      got.forEach(assertPlan);
    }
    const first = await Plan.all(cfg, { data_source_uuid: ds.uuid, per_page: 4 });
    assert.equal(first.total_pages, 3);
    assert.equal(first.has_more, true);
    const last = await Plan.all(cfg, { data_source_uuid: ds.uuid, per_page: 9 });
    assert.equal(last.has_more, false);
    assert.equal(typeof last.cursor, 'string', 'the last page still carries a cursor');
    const none = await Plan.all(cfg, { data_source_uuid: 'ds_none' });
    assert.deepEqual(none, { plans: [], current_page: 1, total_pages: 0, cursor: null, has_more: false });
    const whole = await walk((q) => Plan.all(cfg, q), 'plans', 3);
    assert.equal(new Set(whole.map((p) => p.uuid)).size, whole.length);
  });
  test('pagination errors are 400 {code, message, param}; the client refuses page itself', async () => {
    for (const [q, param] of [[{ per_page: 0 }, 'per_page'], [{ per_page: 'x' }, 'per_page'], [{ cursor: 'bogus!' }, 'cursor']]) {
      const err = await expectCMError(Plan.all(cfg, q), { status: 400 });
      assert.equal(err.response.body.param, param);
      assert.equal(err.response.body.code, 400);
    }
    await assert.rejects(Plan.all(cfg, { page: 2 }), ChartMogul.DeprecatedParamError);
    const res = await Plan.all(cfg, { per_page: 100000 });
    assert.ok(res.plans.length <= 200);
  });
  test('20 concurrent creates with one external_id: one 201, nineteen 422, one plan', async () => {
    const ds = await DataSource.create(cfg, { name: 'Racy' });
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => Plan.create(cfg, planBody(ds, { external_id: 'same' }))),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const rejected = results.filter((r) => r.status === 'rejected');
    assert.equal(ok.length, 1, JSON.stringify(rejected.map((r) => r.reason?.status)));
    for (const r of rejected) assert.equal(r.reason.status, 422);
    assert.equal((await Plan.all(cfg, { data_source_uuid: ds.uuid, external_id: 'same' })).plans.length, 1);
    const names = await Promise.allSettled(Array.from({ length: 20 }, () => DataSource.create(cfg, { name: 'Same name' })));
    assert.equal(names.filter((r) => r.status === 'fulfilled').length, 1);
    assert.ok(names.filter((r) => r.status === 'rejected').every((r) => r.reason.status === 422));
  });
  test('the pre-2017 /v1/import paths are aliases', async () => {
    const res = await cmRaw(env.baseURL, 'POST', '/v1/import/plans', { user: env.keys.a, body: planBody(custom, { name: 'Legacy' }) });
    assert.equal(res.status, 201, res.text);
    const got = await cmRaw(env.baseURL, 'GET', `/v1/import/plans/${res.json.uuid}`, { user: env.keys.a });
    assert.deepEqual(got.json, res.json);
    const ds = await cmRaw(env.baseURL, 'POST', '/v1/import/data_sources', { user: env.keys.a, body: { name: 'Legacy source' } });
    assert.equal(ds.status, 201);
  });
});
