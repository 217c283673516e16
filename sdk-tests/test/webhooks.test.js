// Webhook endpoints through the official SDK (client.webhooks.*): create,
// list (cursor pages, auto-pagination), retrieve, update, delete,
// retrieveSecret, headers.retrieve and headers.update. The shapes are the
// SDK's own types (resources/webhooks/*.d.ts); where they are silent the
// test follows internal/api/dodo/README.md "Webhooks". Deliveries are
// webhook-deliveries.test.js's.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, expectAPIError, show, DodoPayments } from '../lib/harness.js';

const { NotFoundError, UnprocessableEntityError, PermissionDeniedError, AuthenticationError } = DodoPayments;

const KEYS = ['id', 'url', 'description', 'filter_types', 'rate_limit', 'disabled', 'metadata', 'created_at', 'updated_at'];
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

let env;
let c; // business A, test mode

before(async () => {
  env = await startServer();
  c = env.client(env.keys.a);
});
after(async () => {
  await env?.stop();
});

function assertShape(w) {
  for (const k of KEYS) assert.ok(k in w, `WebhookDetails lacks ${k}: ${show(w)}`);
  assert.match(w.id, /^whk_/);
  assert.match(w.created_at, ISO);
  assert.match(w.updated_at, ISO);
  assert.equal(typeof w.description, 'string');
  assert.equal(typeof w.metadata, 'object');
}

describe('webhooks', () => {
  test('create, retrieve, update, secret, headers, delete', async () => {
    const w = await c.webhooks.create({
      url: 'https://hooks.example.com/in',
      description: 'Orders',
      filter_types: ['payment.succeeded', 'refund.succeeded'],
      metadata: { team: 'billing' },
      headers: { 'X-Team': 'billing', Authorization: 'Bearer s3cret' },
      rate_limit: 10,
    });
    assertShape(w);
    assert.equal(w.url, 'https://hooks.example.com/in');
    assert.deepEqual(w.filter_types, ['payment.succeeded', 'refund.succeeded']);
    assert.equal(w.rate_limit, 10);
    assert.equal(w.disabled, false);
    assert.deepEqual(w.metadata, { team: 'billing' });
    assert.deepEqual(await c.webhooks.retrieve(w.id), w);

    const { secret } = await c.webhooks.retrieveSecret(w.id);
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{32}$/);
    assert.equal(Buffer.from(secret.slice(6), 'base64').length, 24);
    assert.equal((await c.webhooks.retrieveSecret(w.id)).secret, secret, 'the secret is stable');

    assert.deepEqual(await c.webhooks.headers.retrieve(w.id), { headers: { 'X-Team': 'billing' }, sensitive: ['Authorization'] });
    assert.equal(await c.webhooks.headers.update(w.id, { headers: { 'x-region': 'eu', 'X-Team': 'ops' } }), undefined);
    assert.deepEqual(await c.webhooks.headers.retrieve(w.id), {
      headers: { 'X-Region': 'eu', 'X-Team': 'ops' }, sensitive: ['Authorization'],
    });

    const u = await c.webhooks.update(w.id, { disabled: true, filter_types: null, rate_limit: null, description: 'All events' });
    assertShape(u);
    assert.equal(u.disabled, true);
    assert.equal(u.filter_types, null);
    assert.equal(u.rate_limit, null);
    assert.equal(u.description, 'All events');
    assert.equal(u.url, w.url, 'an omitted field stays');
    assert.deepEqual(u.metadata, w.metadata);
    assert.deepEqual(await c.webhooks.retrieve(w.id), u);

    assert.equal(await c.webhooks.delete(w.id), undefined);
    await expectAPIError(c.webhooks.retrieve(w.id), { cls: NotFoundError, status: 404, code: 'NOT_FOUND' });
    await expectAPIError(c.webhooks.retrieveSecret(w.id), { cls: NotFoundError, status: 404 });
    await expectAPIError(c.webhooks.headers.retrieve(w.id), { cls: NotFoundError, status: 404 });
    await expectAPIError(c.webhooks.delete(w.id), { cls: NotFoundError, status: 404 });
  });

  test('list pages by cursor and the SDK auto-paginates', async () => {
    const other = env.client(env.keys.b);
    const made = [];
    for (let i = 0; i < 5; i++) made.push((await other.webhooks.create({ url: `https://example.com/${i}` })).id);
    const first = await other.webhooks.list({ limit: 2 });
    assert.equal(first.data.length, 2);
    assert.equal(first.done, false);
    assert.ok(first.iterator, 'a page with more after it has an iterator');
    assert.deepEqual(first.data.map((w) => w.id), made.slice(-2).reverse(), 'newest first');
    const seen = [];
    for await (const w of other.webhooks.list({ limit: 2 })) {
      assertShape(w);
      seen.push(w.id);
    }
    assert.deepEqual(seen, [...made].reverse());
    let pages = 0;
    for await (const page of (await other.webhooks.list({ limit: 2 })).iterPages()) {
      pages++;
      if (page.done) assert.equal(page.iterator, '', 'the last page has no iterator');
    }
    assert.equal(pages, 3);
    // Another partition sees none of them.
    const ids = [];
    for await (const w of c.webhooks.list()) ids.push(w.id);
    for (const id of made) assert.ok(!ids.includes(id));
    await expectAPIError(c.webhooks.retrieve(made[0]), { cls: NotFoundError, status: 404 });
  });

  test('a bad URL is 422 naming the field', async () => {
    for (const url of ['ftp://example.com/in', 'not a url', '/relative', 'https://']) {
      const err = await expectAPIError(c.webhooks.create({ url }), { cls: UnprocessableEntityError, status: 422, code: 'INVALID_REQUEST_BODY' });
      assert.match(err.error?.message ?? err.message, /url: /);
    }
    const w = await c.webhooks.create({ url: 'https://example.com/ok' });
    await expectAPIError(c.webhooks.update(w.id, { url: 'mailto:x@example.com' }), { cls: UnprocessableEntityError, status: 422 });
    await expectAPIError(c.webhooks.create({ url: 'https://example.com', filter_types: ['payment.sent'] }), { status: 422 });
    assert.equal((await c.webhooks.retrieve(w.id)).url, 'https://example.com/ok');
  });

  test('private addresses: allowed in test mode, refused in live mode (default policy)', async () => {
    const local = await c.webhooks.create({ url: 'http://127.0.0.1:9000/hooks' });
    assert.equal(local.url, 'http://127.0.0.1:9000/hooks');
    const live = env.client(env.keys.aLive);
    for (const url of ['http://127.0.0.1:9000/hooks', 'http://localhost/x', 'http://10.0.0.1/', 'http://[::1]/', 'http://169.254.169.254/']) {
      await expectAPIError(live.webhooks.create({ url }), { cls: UnprocessableEntityError, status: 422, code: 'INVALID_REQUEST_BODY' });
    }
    assertShape(await live.webhooks.create({ url: 'https://hooks.example.com/live' }));
  });

  test('keys: read-only reads, cannot write; a bad key is 401', async () => {
    const w = await c.webhooks.create({ url: 'https://example.com/ro' });
    const ro = env.client(env.keys.aReadOnly);
    assert.equal((await ro.webhooks.retrieve(w.id)).id, w.id);
    await expectAPIError(ro.webhooks.create({ url: 'https://example.com/x' }), { status: 401 });
    await expectAPIError(ro.webhooks.headers.update(w.id, { headers: { A: 'b' } }), { status: 401 });
    await expectAPIError(env.client(env.keys.revoked).webhooks.list(), { cls: AuthenticationError, status: 401 });
  });
});
