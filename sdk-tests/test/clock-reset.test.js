// Test clocks and reset (issue 15), through the official SDKs, each test
// in its own namespace on first use (the server runs with
// --open-test-keys), concurrently. See README "Pricebook in your test
// suite".

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { UnprocessableEntityError } from 'dodopayments';
import { startServer, raw, expectAPIError } from '../lib/harness.js';
import { minimalProduct } from '../lib/products.js';
import { ChartMogul } from '../lib/chartmogul.js';

let env;

before(async () => {
  env = await startServer({ serveArgs: ['--open-test-keys'] });
});
after(async () => {
  await env?.stop();
});

const newToken = () => 'pb_test_' + randomBytes(16).toString('hex');
const sdk = (token) => env.client(token);
const pb = (token, method, path, body, headers) => raw(env.baseURL, method, path, { key: token, body, headers });

async function setClock(token, body) {
  const res = await pb(token, 'POST', '/_pricebook/v1/clock', body);
  assert.equal(res.status, 200, res.text);
  return res.json;
}

async function events(token, query = '') {
  const res = await pb(token, 'GET', '/_pricebook/v1/events?limit=200' + query);
  assert.equal(res.status, 200, res.text);
  return res.json.data;
}

describe('test clocks', { concurrency: 8 }, () => {
  test('set, read, advance and delete; the clock stands still in between', async () => {
    const t = newToken();
    const real = await pb(t, 'GET', '/_pricebook/v1/clock');
    assert.equal(real.status, 200, real.text);
    assert.equal(real.json.test_clock, false);
    assert.ok(Math.abs(Date.parse(real.json.now) - Date.now()) < 60_000, real.text);

    assert.deepEqual(await setClock(t, { now: '2030-01-01T00:00:00Z' }), { now: '2030-01-01T00:00:00Z', test_clock: true });
    await new Promise((r) => setTimeout(r, 20));
    assert.equal((await pb(t, 'GET', '/_pricebook/v1/clock')).json.now, '2030-01-01T00:00:00Z', 'a set clock stands still');
    assert.equal((await setClock(t, { advance: '48h' })).now, '2030-01-03T00:00:00Z');
    assert.equal((await setClock(t, { advance: '30d' })).now, '2030-02-02T00:00:00Z');
    assert.equal((await setClock(t, { advance: '1h30m' })).now, '2030-02-02T01:30:00Z');

    const del = await pb(t, 'DELETE', '/_pricebook/v1/clock');
    assert.equal(del.status, 200, del.text);
    assert.equal(del.json.test_clock, false);
    assert.ok(Math.abs(Date.parse(del.json.now) - Date.now()) < 60_000, del.text);
  });

  test('a bad body is a 422 naming the field; live-mode keys get 403', async () => {
    const t = newToken();
    for (const [body, field] of [
      [{}, 'now'],
      [{ now: '2030-01-01T00:00:00Z', advance: '1h' }, 'now'],
      [{ now: 'tomorrow' }, 'now'],
      [{ advance: '-1h' }, 'advance'],
      [{ advance: '0s' }, 'advance'],
      [{ advance: 'soon' }, 'advance'],
      [{ now: '0001-01-01T00:00:00Z' }, 'now'],
    ]) {
      const res = await pb(t, 'POST', '/_pricebook/v1/clock', body);
      assert.equal(res.status, 422, JSON.stringify(body) + ' ' + res.text);
      assert.match(res.json.message, new RegExp(field), res.text);
    }
    assert.equal((await pb(t, 'GET', '/_pricebook/v1/clock')).json.test_clock, false, 'nothing was set');
    for (const [method, body] of [['GET'], ['POST', { advance: '1h' }], ['DELETE']]) {
      const res = await pb(env.keys.aLive, method, '/_pricebook/v1/clock', body);
      assert.equal(res.status, 403, method + ' ' + res.text);
    }
  });

  test('objects and the journal take the clock’s time, and say so; another namespace keeps the real time', async () => {
    const t = newToken();
    const other = newToken();
    await setClock(t, { now: '2031-05-06T07:08:09Z' });
    const p = await sdk(t).products.create(minimalProduct({ name: 'Clocked' }));
    assert.equal(Date.parse(p.created_at), Date.parse('2031-05-06T07:08:09Z'));
    const [e] = await events(t, '&type=product.created');
    assert.equal(e.test_clock, true);
    assert.equal(Date.parse(e.created_at), Date.parse('2031-05-06T07:08:09Z'));

    const q = await sdk(other).products.create(minimalProduct({ name: 'Real' }));
    assert.ok(Math.abs(Date.parse(q.created_at) - Date.now()) < 60_000, q.created_at);
    assert.equal((await events(other))[0].test_clock, false);

    await pb(t, 'DELETE', '/_pricebook/v1/clock');
    const r = await sdk(t).products.create(minimalProduct({ name: 'Real again' }));
    assert.ok(Math.abs(Date.parse(r.created_at) - Date.now()) < 60_000, r.created_at);
  });

  test('discount starts_at and expires_at follow the clock', async () => {
    const t = newToken();
    const c = sdk(t);
    await setClock(t, { now: '2030-01-01T00:00:00Z' });
    const d = await c.discounts.create({ type: 'percentage', amount: 1000, code: 'TENOFF', starts_at: '2030-01-02T00:00:00Z', expires_at: '2030-01-05T00:00:00Z' });
    await expectAPIError(c.discounts.retrieveByCode('TENOFF'), { cls: UnprocessableEntityError, code: 'DISCOUNT_NOT_YET_ACTIVE' });
    await setClock(t, { advance: '1d' });
    assert.equal((await c.discounts.retrieveByCode('TENOFF')).discount_id, d.discount_id);
    await setClock(t, { advance: '3d' });
    await expectAPIError(c.discounts.retrieveByCode('TENOFF'), { cls: UnprocessableEntityError, code: 'DISCOUNT_CODE_EXPIRED' });
    await setClock(t, { now: '2030-01-03T00:00:00Z' });
    assert.equal((await c.discounts.retrieveByCode('TENOFF')).discount_id, d.discount_id, 'and back');
  });

  test('an Idempotency-Key expires after 24 hours of the clock', async () => {
    const t = newToken();
    const c = sdk(t);
    await setClock(t, { now: '2030-01-01T00:00:00Z' });
    const opts = { headers: { 'Idempotency-Key': 'create-pro' } };
    const first = await c.products.create(minimalProduct({ name: 'Pro' }), opts);
    await setClock(t, { advance: '23h' });
    assert.equal((await c.products.create(minimalProduct({ name: 'Pro' }), opts)).product_id, first.product_id, 'replayed within the day');
    await setClock(t, { advance: '2h' });
    const later = await c.products.create(minimalProduct({ name: 'Pro' }), opts);
    assert.notEqual(later.product_id, first.product_id, 'expired: the request ran again');
  });

  test('history as_of reads the times the clock wrote', async () => {
    const t = newToken();
    const c = sdk(t);
    await setClock(t, { now: '2030-03-01T00:00:00Z' });
    const p = await c.products.create(minimalProduct({ name: 'March' }));
    await setClock(t, { now: '2030-04-01T00:00:00Z' });
    await c.products.update(p.product_id, { name: 'April' });
    const asOf = async (at) => (await pb(t, 'GET', `/_pricebook/v1/objects/${p.product_id}?as_of=${at}`)).json.name;
    assert.equal(await asOf('2030-03-15T00:00:00Z'), 'March');
    assert.equal(await asOf('2030-04-01T00:00:00Z'), 'April');
    assert.equal((await pb(t, 'GET', `/_pricebook/v1/objects/${p.product_id}?as_of=2030-02-01T00:00:00Z`)).status, 404);
  });
});

describe('reset', () => {
  test('empties the whole partition on both faces, in one go, while another namespace writes', async () => {
    const t = newToken();
    const c = sdk(t);
    const p = await c.products.create(minimalProduct({ name: 'Gone soon' }));
    await c.addons.create({ name: 'Seat', currency: 'USD', price: 500, tax_category: 'saas' });
    await c.discounts.create({ type: 'percentage', amount: 500, code: 'RESETME' });
    await c.meters.create({ name: 'Calls', event_name: 'api.call', measurement_unit: 'calls', aggregation: { type: 'count' } });
    await c.productCollections.create({ name: 'Plans', groups: [{ group_name: 'Main', products: [{ product_id: p.product_id }] }] });
    await c.webhooks.create({ url: 'https://example.com/hook' });
    await c.brands.create({ name: 'Side brand' });
    const cm = new ChartMogul.Config(t, env.baseURL);
    const ds = await ChartMogul.DataSource.create(cm, { name: 'Billing' });
    const plan = await ChartMogul.Plan.create(cm, { data_source_uuid: ds.uuid, name: 'Pro', interval_count: 1, interval_unit: 'month' });
    await ChartMogul.PlanGroup.create(cm, { name: 'All', plans: [plan.uuid] });
    assert.equal((await pb(t, 'POST', '/_pricebook/v1/faults', { path: '/nothing', fault: 'status=500' })).status, 201);
    await setClock(t, { now: '2030-01-01T00:00:00Z' });
    const brandsBefore = await c.brands.list();
    assert.equal(brandsBefore.items.length, 2);

    // Another namespace writes all along.
    const other = newToken();
    let stop = false;
    let written = 0;
    const writer = (async () => {
      while (!stop) {
        await sdk(other).products.create(minimalProduct({ name: `w${written}` }));
        written++;
      }
    })();
    await new Promise((r) => setTimeout(r, 100));
    const res = await pb(t, 'POST', '/_pricebook/v1/reset');
    stop = true;
    await writer;
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.mode, 'test');
    assert.equal(res.json.deleted.products, 1);
    assert.equal(res.json.deleted.webhook_endpoints, 1);
    assert.equal(res.json.deleted.plans, 1);
    assert.ok(res.json.deleted.events >= 10, res.text);

    assert.deepEqual((await c.products.list()).items, []);
    assert.deepEqual((await c.addons.list()).items, []);
    assert.deepEqual((await c.discounts.list()).items, []);
    assert.deepEqual((await c.meters.list()).items, []);
    assert.deepEqual((await c.productCollections.list()).items, []);
    assert.deepEqual((await c.webhooks.list()).data, []);
    const brands = (await c.brands.list()).items;
    assert.deepEqual(brands.map((b) => b.brand_id), [brandsBefore.items[0].brand_id], 'only the primary brand stays (listed first before)');
    assert.deepEqual((await ChartMogul.DataSource.all(cm)).data_sources, []);
    assert.deepEqual((await ChartMogul.Plan.all(cm)).plans, []);
    assert.deepEqual((await ChartMogul.PlanGroup.all(cm)).plan_groups, []);
    assert.deepEqual(await events(t), []);
    assert.deepEqual((await pb(t, 'GET', '/_pricebook/v1/faults')).json.data, []);
    assert.equal((await pb(t, 'GET', '/_pricebook/v1/clock')).json.test_clock, false);
    // The code is free again, and the key still works.
    await c.discounts.create({ type: 'percentage', amount: 500, code: 'RESETME' });

    // The other namespace lost nothing.
    assert.ok(written > 0);
    const kept = [];
    for await (const x of sdk(other).products.list({ page_size: 100 })) kept.push(x);
    assert.equal(kept.length, written);
    assert.equal((await events(other, '&type=product.created')).length, Math.min(written, 200));
  });

  test('live-mode keys cannot reset; read-only keys cannot either', async () => {
    for (const [key, status] of [[env.keys.aLive, 403], [env.keys.aReadOnly, 401]]) {
      const res = await pb(key, 'POST', '/_pricebook/v1/reset');
      assert.equal(res.status, status, res.text);
    }
    assert.ok((await sdk(env.keys.a).products.list()).items !== undefined);
  });
});
