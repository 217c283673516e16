// Server behaviour: first-start banner, persistence across restarts, health
// endpoints, request ids, retry headers, graceful shutdown and the `keys` CLI.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer,
  newDatabase,
  spawnServer,
  cli,
  cliOK,
  createKey,
  listKeys,
  rowForKey,
  client,
  raw,
  sleep,
  show,
  expectAPIError,
  listAll,
  DodoPayments,
} from '../lib/harness.js';
import { minimalProduct, recurringPrice } from '../lib/products.js';

async function waitFor(fn, { timeout = 5000, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const unquote = (s) => s.replace(/^["']|["']$/g, '');

describe('first start on an empty database, then restart', () => {
  let database;
  let server;
  let banner;
  const state = {};

  before(async () => {
    database = await newDatabase();
  });
  after(async () => {
    await server?.stop().catch(() => {});
    await database?.cleanup();
  });

  test('serve on an empty database prints a banner with a working key', async () => {
    // No `migrate` first: serve migrates at start (house style, STYLE.md habit 7).
    server = await spawnServer(database.db, { cwd: database.dir });
    banner = await waitFor(() => (/DODO_PAYMENTS_API_KEY=/.test(server.stdout()) && /curl/.test(server.stdout()) ? server.stdout() : null), {
      what: `the banner on stdout${server.describe()}`,
    });
    const key = unquote(banner.match(/DODO_PAYMENTS_API_KEY=(\S+)/)?.[1] ?? '');
    const base = unquote(banner.match(/DODO_PAYMENTS_BASE_URL=(\S+)/)?.[1] ?? '');
    assert.match(key, /^pb_test_\S+$/, `banner key must be a test key: ${banner}`);
    assert.equal(base.replace(/\/$/, ''), server.baseURL, `banner base URL must be the bound address: ${banner}`);
    const curlLine = banner.split('\n').find((l) => /curl/.test(l));
    assert.ok(curlLine.includes(server.baseURL), `curl line must use the base URL: ${curlLine}`);

    const c = client(base, key);
    const p = await c.products.create(minimalProduct({ name: 'first!', price: recurringPrice(), metadata: { x: 1 } }));
    assert.match(p.business_id, /^bus_/);
    assert.equal(p.brand_id, p.business_id);
    const items = await listAll(c);
    assert.deepEqual(items.map((x) => x.product_id), [p.product_id]);

    // a second product, updated, and a third one archived — all must survive the restart
    const q = await c.products.create(minimalProduct({ name: 'second', description: 'before' }));
    await c.products.update(q.product_id, { description: 'after', pricing_mode: 'by_country' });
    const r = await c.products.create(minimalProduct({ name: 'third' }));
    await c.products.archive(r.product_id);

    state.key = key;
    state.businessId = p.business_id;
    state.products = await Promise.all([p, q, r].map((x) => c.products.retrieve(x.product_id)));
    state.active = (await listAll(c)).map((x) => x.product_id);
    state.archived = (await listAll(c, { archived: true })).map((x) => x.product_id);
    assert.deepEqual(state.archived, [r.product_id]);
  });

  test('SIGTERM shuts down gracefully (exit code 0)', async () => {
    assert.ok(server, 'server from the previous test');
    const res = await server.stop();
    assert.deepEqual(res, { code: 0, signal: null }, `graceful shutdown must exit 0, got ${show(res)}${server.describe()}`);
    assert.doesNotMatch(server.stderr(), /panic|goroutine \d+ \[/, `no panic on shutdown${server.describe()}`);
  });

  test('the bootstrap created exactly one business and one test key', async () => {
    const rows = await listKeys(database.db);
    assert.equal(rows.length, 1, show(rows));
    assert.equal(rows[0].mode, 'test');
    assert.equal(rows[0].read_only, false);
    assert.equal(rows[0].business_id, state.businessId);
    assert.ok(state.key.startsWith(rows[0].prefix), `prefix ${rows[0].prefix} of ${state.key.slice(0, 12)}…`);
  });

  test('keys create without --business uses the only business', async () => {
    const k = await createKey(database.db, ['--mode', 'test']);
    const rows = await listKeys(database.db);
    assert.equal(rowForKey(rows, k).business_id, state.businessId);
    state.extraKey = k;
  });

  test('data survives a restart; no second banner; keys still work', async () => {
    server = await spawnServer(database.db, { cwd: database.dir });
    const c = client(server.baseURL, state.key);
    for (const p of state.products) {
      assert.deepEqual(await c.products.retrieve(p.product_id), p, 'product identical after restart');
    }
    assert.deepEqual((await listAll(c)).map((x) => x.product_id), state.active);
    assert.deepEqual((await listAll(c, { archived: true })).map((x) => x.product_id), state.archived);
    const c2 = client(server.baseURL, state.extraKey);
    assert.equal((await listAll(c2)).length, state.active.length);
    await sleep(200);
    assert.doesNotMatch(server.stdout(), /DODO_PAYMENTS_API_KEY=/, `no banner when the database is not empty: ${server.stdout()}`);
    const rows = await listKeys(database.db);
    assert.equal(rows.length, 2, `restart must not create keys: ${show(rows)}`);
    const res = await server.stop();
    assert.equal(res.code, 0, server.describe());
  });
});

describe('graceful shutdown under load', () => {
  let database;
  let server;
  after(async () => {
    await server?.stop().catch(() => {});
    await database?.cleanup();
  });

  test('SIGTERM during concurrent creates: exit 0, and every create answered 200 is persisted', async () => {
    database = await newDatabase();
    await cliOK(['migrate', '--db', database.db]);
    const key = await createKey(database.db, ['--mode', 'test', '--new-business']);
    server = await spawnServer(database.db, { cwd: database.dir });
    const c = client(server.baseURL, key);
    const inflight = Array.from({ length: 30 }, (_, i) => c.products.create(minimalProduct({ name: `load ${i}` })));
    await Promise.race(inflight);
    const stopped = server.stop();
    const results = await Promise.allSettled(inflight);
    const res = await stopped;
    assert.deepEqual(res, { code: 0, signal: null }, `graceful shutdown must exit 0${server.describe()}`);
    const ok = results.filter((r) => r.status === 'fulfilled').map((r) => r.value);
    for (const r of results) {
      if (r.status === 'rejected') {
        // requests cut off by the shutdown may fail only at the connection level, never with a 5xx
        assert.ok(!(r.reason instanceof DodoPayments.APIError) || r.reason instanceof DodoPayments.APIConnectionError, `unexpected error during shutdown: ${r.reason}`);
      }
    }
    assert.ok(ok.length >= 1);

    server = await spawnServer(database.db, { cwd: database.dir });
    const c2 = client(server.baseURL, key);
    for (const p of ok) assert.deepEqual(await c2.products.retrieve(p.product_id), p, 'acknowledged create lost across shutdown');
    const listed = await listAll(c2);
    assert.ok(listed.length >= ok.length, `${listed.length} listed < ${ok.length} acknowledged`);
    await server.stop();
  });
});

describe('running server', () => {
  let env;
  let c;
  before(async () => {
    env = await startServer();
    c = env.client(env.keys.a);
  });
  after(async () => {
    await env?.stop();
  });

  test('/healthz and /readyz return 200 without auth (and ignore a bad one)', async () => {
    for (const path of ['/healthz', '/readyz']) {
      const r = await raw(env.baseURL, 'GET', path);
      assert.equal(r.status, 200, `${path} → ${r.status} ${r.text}`);
      const r2 = await raw(env.baseURL, 'GET', path, { key: 'garbage' });
      assert.equal(r2.status, 200, `${path} with a bad key → ${r2.status} ${r2.text}`);
    }
  });

  test('every response carries a unique X-Request-Id', async () => {
    const p = await c.products.create(minimalProduct());
    const archived = await c.products.create(minimalProduct());
    await c.products.archive(archived.product_id);
    const requests = [
      ['GET', '/healthz', {}],
      ['GET', '/readyz', {}],
      ['GET', '/products', { key: env.keys.a }],
      ['GET', `/products/${p.product_id}`, { key: env.keys.a }],
      ['POST', '/products', { key: env.keys.a, body: minimalProduct() }],
      ['PATCH', `/products/${p.product_id}`, { key: env.keys.a, body: { name: 'renamed' } }],
      ['GET', '/products/pdt_AAAAAAAAAAAAAAAAAAAAA', { key: env.keys.a }],
      ['GET', '/products', {}],
      ['GET', '/products', { key: 'garbage' }],
      ['POST', '/products', { key: env.keys.a, body: {} }],
      ['POST', '/products', { key: env.keys.a, body: '{bad', headers: { 'content-type': 'application/json' } }],
      ['DELETE', `/products/${archived.product_id}`, { key: env.keys.a }],
      ['POST', '/products', { key: env.keys.aReadOnly, body: minimalProduct() }],
      ['GET', '/products?page_size=101', { key: env.keys.a }],
      ['GET', '/definitely-not-a-route', { key: env.keys.a }],
    ];
    const seen = new Set();
    for (const [method, path, opts] of requests) {
      const r = await raw(env.baseURL, method, path, opts);
      const id = r.headers.get('x-request-id');
      assert.ok(id && id.length > 0, `${method} ${path} (${r.status}) has no X-Request-Id header; body ${r.text.slice(0, 200)}`);
      assert.ok(!seen.has(id), `X-Request-Id ${id} repeated on ${method} ${path}`);
      seen.add(id);
    }
    // the SDK sees it too
    const { response } = await c.products.list().withResponse();
    assert.ok(response.headers.get('x-request-id'));
  });

  test('JSON responses declare Content-Type application/json', async () => {
    const p = await c.products.create(minimalProduct());
    for (const [method, path] of [['GET', '/products'], ['GET', `/products/${p.product_id}`], ['GET', '/products/pdt_AAAAAAAAAAAAAAAAAAAAA']]) {
      const r = await raw(env.baseURL, method, path, { key: env.keys.a });
      assert.match(r.headers.get('content-type') ?? '', /^application\/json/, `${method} ${path} → ${r.headers.get('content-type')}`);
    }
  });

  test('void endpoints are safe for the Node SDK (§1.5): no empty chunked JSON body', async () => {
    const p = await c.products.create(minimalProduct());
    for (const [method, path, body] of [
      ['PATCH', `/products/${p.product_id}`, { name: 'void' }],
      ['DELETE', `/products/${p.product_id}`, undefined],
      ['POST', `/products/${p.product_id}/unarchive`, undefined],
    ]) {
      const r = await raw(env.baseURL, method, path, { key: env.keys.a, body, headers: { accept: '*/*' } });
      assert.ok(r.status === 200 || r.status === 204, `${method} ${path} → ${r.status} ${r.text}`);
      const ct = r.headers.get('content-type') ?? '';
      if (r.text === '' && /json/.test(ct) && r.status !== 204) {
        assert.equal(r.headers.get('content-length'), '0', `${method} ${path}: JSON content type with an empty body needs Content-Length: 0 (§1.5 trap)`);
      }
      if (r.text !== '') assert.doesNotThrow(() => JSON.parse(r.text), `${method} ${path} body must be JSON if present: ${r.text}`);
    }
  });

  test('logs go to stderr; stdout stays empty when the database was not empty', async () => {
    await c.products.list();
    await sleep(100);
    assert.equal(env.server.stdout(), '', `stdout must be empty (no banner, logs on stderr): ${env.server.stdout()}`);
    assert.match(env.server.stderr(), /\/products/, 'request log lines on stderr mention the path');
  });

  test('deterministic 409 carries x-should-retry: false (§1.7, §14.5)', async () => {
    const p = await c.products.create(minimalProduct());
    const slug = 'dup-slug-' + Date.now();
    const first = await raw(env.baseURL, 'POST', `/products/${p.product_id}/short_links`, { key: env.keys.a, body: { slug } });
    assert.equal(first.status, 200, first.text);
    const second = await raw(env.baseURL, 'POST', `/products/${p.product_id}/short_links`, { key: env.keys.a, body: { slug } });
    assert.equal(second.status, 409, second.text);
    assert.equal(second.json?.code, 'SLUG_ALREADY_TAKEN', second.text);
    assert.equal(second.headers.get('x-should-retry'), 'false', 'a deterministic 409 must not be retried by the SDKs');
    // and the SDK with default retries therefore makes exactly one attempt (fast)
    const sdk = env.client(env.keys.a, { maxRetries: 2 });
    const t0 = Date.now();
    await expectAPIError(sdk.products.shortLinks.create(p.product_id, { slug }), { cls: DodoPayments.ConflictError, status: 409 });
    // two retries would add at least 0.375 s + 0.75 s of back-off (§1.7)
    assert.ok(Date.now() - t0 < 1000, `409 was retried (took ${Date.now() - t0}ms)`);
  });

  test('deterministic 409 (brand already archived, §12.1) carries x-should-retry: false', async (t) => {
    let brand;
    try {
      brand = await c.brands.create({ name: 'Archive me twice' });
    } catch (e) {
      if (e?.status === 404 || e?.status === 405 || e?.status === 501) return t.skip(`brands not implemented (${e.status})`);
      throw e;
    }
    const first = await raw(env.baseURL, 'POST', `/brands/${brand.brand_id}/archive`, { key: env.keys.a, body: {} });
    assert.equal(first.status, 200, first.text);
    const second = await raw(env.baseURL, 'POST', `/brands/${brand.brand_id}/archive`, { key: env.keys.a, body: {} });
    assert.equal(second.status, 409, second.text);
    assert.equal(second.headers.get('x-should-retry'), 'false', 'a deterministic 409 must not be retried by the SDKs');
    const sdk = env.client(env.keys.a, { maxRetries: 2 });
    const t0 = Date.now();
    await expectAPIError(sdk.brands.archive(brand.brand_id, {}), { cls: DodoPayments.ConflictError, status: 409 });
    assert.ok(Date.now() - t0 < 1000, `409 was retried (took ${Date.now() - t0}ms)`);
  });

  test('deterministic 500 (credit-entitlement undelete of a live row) carries x-should-retry: false (§11)', async (t) => {
    let ce;
    try {
      ce = await c.creditEntitlements.create({ name: 'Credits ' + Date.now(), precision: 0, unit: 'credits', rollover_enabled: false, overage_enabled: false });
    } catch (e) {
      if (e?.status === 404 || e?.status === 405 || e?.status === 501) {
        t.skip(`credit entitlements not implemented (${e.status}); cannot provoke a deterministic 500`);
        return;
      }
      throw e;
    }
    const r = await raw(env.baseURL, 'POST', `/credit-entitlements/${ce.id}/undelete`, { key: env.keys.a });
    assert.equal(r.status, 500, r.text);
    assert.equal(r.headers.get('x-should-retry'), 'false', 'a deterministic 500 must not be retried by the SDKs');
  });

  test('keys list --json: documented fields, no secrets, flags right', async () => {
    const res = await cli(['keys', 'list', '--db', env.db, '--json']);
    assert.equal(res.code, 0, res.stderr);
    for (const k of Object.values(env.keys)) {
      assert.ok(!res.stdout.includes(k), 'keys list must never print a full key');
      // and not the secret part after the printed prefix either
      assert.ok(!res.stdout.includes(k.slice(-16)), 'keys list must never print the key secret');
    }
    const rows = JSON.parse(res.stdout);
    assert.equal(rows.length, 5, show(rows));
    for (const r of rows) {
      for (const f of ['id', 'business_id', 'mode', 'read_only', 'prefix', 'created_at', 'revoked_at']) {
        assert.ok(Object.prototype.hasOwnProperty.call(r, f), `keys list row lacks ${f}: ${show(r)}`);
      }
      assert.match(r.id, /^key_/);
      assert.match(r.business_id, /^bus_/);
      assert.match(r.prefix, /^pb_(test|live)_/);
      assert.ok(Number.isFinite(Date.parse(r.created_at)), show(r));
    }
    const row = (k) => rowForKey(rows, k);
    assert.deepEqual(
      Object.fromEntries(Object.entries(env.keys).map(([n, k]) => [n, [row(k).business_id === env.businessA ? 'A' : 'B', row(k).mode, row(k).read_only, row(k).revoked_at !== null]])),
      {
        a: ['A', 'test', false, false],
        aLive: ['A', 'live', false, false],
        aReadOnly: ['A', 'test', true, false],
        b: ['B', 'test', false, false],
        revoked: ['A', 'test', false, true],
      },
    );
    assert.match(env.keys.aLive, /^pb_live_/);
    assert.match(env.keys.a, /^pb_test_/);
  });

  test('keys revoke by key id takes effect on the running server', async () => {
    const k = await createKey(env.db, ['--mode', 'test', '--business', env.businessB]);
    const kc = env.client(k);
    await kc.products.list(); // works
    const id = rowForKey(await listKeys(env.db), k).id;
    await cliOK(['keys', 'revoke', '--db', env.db, id]);
    // revocation must not be cached for long; allow a short grace period
    const deadline = Date.now() + 3000;
    for (;;) {
      try {
        await kc.products.list();
      } catch (e) {
        assert.ok(e instanceof DodoPayments.AuthenticationError, `${e}`);
        assert.equal(e.error?.code, 'UNAUTHORIZED');
        break;
      }
      if (Date.now() > deadline) assert.fail('a revoked key still works 3s after `keys revoke`');
      await sleep(100);
    }
    const row = rowForKey(await listKeys(env.db), k);
    assert.ok(row.revoked_at !== null, show(row));
  });

  test('keys create without --business fails when there are several businesses; nothing printed', async () => {
    const res = await cli(['keys', 'create', '--db', env.db, '--mode', 'test']);
    assert.notEqual(res.code, 0, `should fail: ${res.stdout}`);
    assert.doesNotMatch(res.stdout, /pb_(test|live)_/, 'no key may be printed on failure');
    assert.equal((await listKeys(env.db)).length, 6, 'no key created'); // 5 fixture keys + the one revoked above
  });

  test('keys create rejects a bad mode and an unknown business; revoke rejects an unknown key', async () => {
    for (const args of [
      ['keys', 'create', '--db', env.db, '--mode', 'prod', '--business', env.businessA],
      ['keys', 'create', '--db', env.db, '--mode', 'test', '--business', 'bus_doesnotexist'],
      ['keys', 'revoke', '--db', env.db, 'key_doesnotexist'],
      ['keys', 'revoke', '--db', env.db, 'pb_test_doesnotexist'],
    ]) {
      const res = await cli(args);
      assert.notEqual(res.code, 0, `${args.join(' ')} should fail; stdout ${res.stdout}`);
    }
    assert.equal((await listKeys(env.db)).length, 6);
  });
});
