// Pricebook as a stand-in in a test suite (issue 15): namespaces on first
// use (each test below picks its own random pb_test_ token and needs no
// set-up; the tests run concurrently), fault injection that the official
// SDKs' retries meet as a real outage, the request inspector, and
// POST /_pricebook/v1/tenants. The server runs with --open-test-keys.
// See README "Pricebook in your test suite".

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startServer, raw, show } from '../lib/harness.js';
import { minimalProduct } from '../lib/products.js';
import { ChartMogul } from '../lib/chartmogul.js';

let env;

before(async () => {
  env = await startServer({ serveArgs: ['--open-test-keys'] });
});
after(async () => {
  await env?.stop();
});

/** A new namespace: a random token nobody issued. */
const newToken = () => 'pb_test_' + randomBytes(16).toString('hex');

/** The Dodo SDK as a test suite would make it: the SDK's own default retries (2). */
const sdk = (token) => env.client(token, { maxRetries: 2 });

const pb = (token, method, path, body) => raw(env.baseURL, method, path, { key: token, body });

/** The namespace's inspected requests of one method and path, oldest first. */
async function inspected(token, method, path) {
  const res = await pb(token, 'GET', '/_pricebook/v1/requests?limit=200');
  assert.equal(res.status, 200, res.text);
  return res.json.data.filter((r) => r.method === method && r.path === path).reverse();
}

describe('namespaces on first use, faults and the inspector', { concurrency: 8 }, () => {
  test('a new token is its own empty namespace at once, on both faces', async () => {
    const a = newToken();
    const b = newToken();
    const p = await sdk(a).products.create(minimalProduct({ name: 'Mine' }));
    assert.match(p.product_id, /^pdt_/);
    const mine = await sdk(a).products.list();
    assert.deepEqual(mine.items.map((x) => x.product_id), [p.product_id]);
    assert.deepEqual((await sdk(b).products.list()).items, []);
    const cm = new ChartMogul.Config(b, env.baseURL);
    const ds = await ChartMogul.DataSource.create(cm, { name: 'ns' });
    assert.match(ds.uuid, /^ds_/);
    const all = await ChartMogul.DataSource.all(cm);
    assert.deepEqual(all.data_sources.map((d) => d.uuid), [ds.uuid]);
    assert.equal((await ChartMogul.DataSource.all(new ChartMogul.Config(a, env.baseURL))).data_sources.length, 0);
  });

  test("a rule of two 503s: the SDK's two retries meet it and the create succeeds once", async () => {
    const t = newToken();
    const rule = await pb(t, 'POST', '/_pricebook/v1/faults', { method: 'POST', path: '/products', fault: 'status=503', count: 2 });
    assert.equal(rule.status, 201, rule.text);
    const p = await sdk(t).products.create(minimalProduct({ name: 'Third time' }));
    const attempts = await inspected(t, 'POST', '/products');
    assert.deepEqual(attempts.map((r) => r.status), [503, 503, 200], show(attempts));
    assert.match(attempts[0].fault, new RegExp(`rule=${rule.json.id}`));
    assert.deepEqual((await sdk(t).products.list()).items.map((x) => x.product_id), [p.product_id]);
    const rules = await pb(t, 'GET', '/_pricebook/v1/faults');
    assert.equal(rules.json.data[0].fired, 2);
    assert.equal(rules.json.data[0].count, 0);
  });

  test('retry-after on an injected 429 is honoured by the SDK', async () => {
    const t = newToken();
    await pb(t, 'POST', '/_pricebook/v1/faults', { path: '/products', fault: 'status=429; retry-after=1', count: 1 });
    const began = Date.now();
    await sdk(t).products.list();
    assert.ok(Date.now() - began >= 950, `answered after ${Date.now() - began} ms`);
    assert.deepEqual((await inspected(t, 'GET', '/products')).map((r) => r.status), [429, 200]);
  });

  test('after-commit: the write commits, the 500 makes the SDK retry with its Idempotency-Key, and the replay finishes it', async () => {
    const t = newToken();
    await pb(t, 'POST', '/_pricebook/v1/faults', { method: 'POST', path: '/products', fault: 'after-commit; status=500', count: 1 });
    const p = await sdk(t).products.create(minimalProduct({ name: 'Once' }), { headers: { 'Idempotency-Key': 'create-once' } });
    const attempts = await inspected(t, 'POST', '/products');
    assert.deepEqual(attempts.map((r) => [r.status, r.idempotency_key]), [[500, 'create-once'], [200, 'create-once']]);
    const all = (await sdk(t).products.list()).items;
    assert.deepEqual(all.map((x) => x.product_id), [p.product_id], 'one product, not two');
  });

  test('the Pricebook-Fault header: every attempt faulted, the SDK gives up after its retries; a malformed one is 400', async () => {
    const t = newToken();
    await assert.rejects(
      sdk(t).products.list({}, { headers: { 'Pricebook-Fault': 'status=502' } }),
      (e) => e.status === 502 && e.error?.code === 'BAD_GATEWAY',
    );
    assert.deepEqual((await inspected(t, 'GET', '/products')).map((r) => r.status), [502, 502, 502]);
    await assert.rejects(
      sdk(t).products.list({}, { headers: { 'Pricebook-Fault': 'status=418' } }),
      (e) => e.status === 400 && e.error?.code === 'INVALID_FAULT' && /status must be/.test(e.message),
    );
    const dropped = sdk(t).products.create(minimalProduct(), { headers: { 'Pricebook-Fault': 'drop' }, maxRetries: 0 });
    await assert.rejects(dropped, (e) => e.constructor.name === 'APIConnectionError');
    assert.deepEqual((await sdk(t).products.list()).items, [], 'a fault before the handler writes nothing');
  });

  test('a ChartMogul client backs off through two injected 503s', async () => {
    const t = newToken();
    await pb(t, 'POST', '/_pricebook/v1/faults', { method: 'GET', path: '/v1/data_sources', fault: 'status=503', count: 2 });
    const cm = new ChartMogul.Config(t, env.baseURL); // the client's own retries (20, backing off)
    const all = await ChartMogul.DataSource.all(cm);
    assert.deepEqual(all.data_sources, []);
    const attempts = await inspected(t, 'GET', '/v1/data_sources');
    assert.deepEqual(attempts.map((r) => r.status), [503, 503, 200]);
  });

  test('the inspector shows what the client sent, credentials redacted', async () => {
    const t = newToken();
    const w = await sdk(t).webhooks.create({ url: 'https://example.com/hook', headers: { Authorization: 'Bearer hush' } });
    const list = await inspected(t, 'POST', '/webhooks');
    assert.equal(list.length, 1);
    const full = await pb(t, 'GET', `/_pricebook/v1/requests/${list[0].request_id}`);
    assert.equal(full.status, 200, full.text);
    assert.match(full.json.request_body, /example\.com\/hook/);
    assert.match(full.json.response_body, new RegExp(w.id));
    assert.equal(full.json.request_headers.Authorization, 'Bearer [redacted]');
    assert.doesNotMatch(full.text, /hush|pb_test_[0-9a-f]{32}/);
    assert.match(full.json.request_headers['User-Agent'] ?? '', /DodoPayments/i);
  });

  test('POST /_pricebook/v1/tenants answers a new business key once', async () => {
    const t = newToken();
    const res = await pb(t, 'POST', '/_pricebook/v1/tenants', { name: 'Suite' });
    assert.equal(res.status, 201, res.text);
    assert.match(res.json.key, /^pb_test_/);
    assert.notEqual(res.json.business_id, undefined);
    const p = await sdk(res.json.key).products.create(minimalProduct());
    assert.deepEqual((await sdk(res.json.key).products.list()).items.map((x) => x.product_id), [p.product_id]);
    const live = await pb(env.keys.aLive, 'POST', '/_pricebook/v1/tenants');
    assert.equal(live.status, 403, live.text);
  });
});
