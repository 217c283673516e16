// Brands through the official SDK (client.brands.*): list, create, retrieve,
// update and archive. Spec: shared/spec/dodo-catalog.md §1–§3, §5 rows 52–57,
// §12.1. Where the spec is silent the test follows internal/api/dodo/README.md
// "Brands" and says so in a comment. Image upload (row 56) is out of scope.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, expectAPIError, raw, show, DodoPayments } from '../lib/harness.js';
import { minimalProduct } from '../lib/products.js';

const { NotFoundError, UnprocessableEntityError, PermissionDeniedError, ConflictError, AuthenticationError } = DodoPayments;

const BRAND_KEYS = [
  'brand_id', 'business_id', 'enabled', 'statement_descriptor', 'verification_enabled', 'verification_status',
  'archived_at', 'description', 'image', 'name', 'reason_for_hold', 'support_email', 'url',
];
const ARCHIVE_KEYS = ['brand_id', 'archived_at', 'products_moved', 'subscriptions_moved', 'collections_moved', 'moved_to_brand_id'];
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

let env;
let c; // business A, test mode, read-write

before(async () => {
  env = await startServer();
  c = env.client(env.keys.a);
});
after(async () => {
  await env?.stop();
});

function assertBrandShape(b, { businessId } = {}) {
  for (const k of BRAND_KEYS) assert.ok(k in b, `Brand lacks documented key ${k}: ${show(b)}`);
  assert.equal(typeof b.brand_id, 'string');
  assert.equal(typeof b.enabled, 'boolean');
  assert.equal(typeof b.verification_enabled, 'boolean');
  assert.equal(typeof b.statement_descriptor, 'string');
  assert.ok(['Success', 'Fail', 'Review', 'Hold'].includes(b.verification_status), `verification_status ${b.verification_status}`);
  assert.ok(b.archived_at === null || ISO.test(b.archived_at), `archived_at ${b.archived_at}`);
  if (businessId) assert.equal(b.business_id, businessId);
}

const listIds = async (client, query) => (await client.brands.list(query)).items.map((b) => b.brand_id);

describe('primary brand', () => {
  test('every business has one, its id is the business id, and it is listed first', async () => {
    const { items } = await c.brands.list();
    assert.ok(items.length >= 1);
    const primary = items[0];
    assertBrandShape(primary, { businessId: env.businessA });
    assert.equal(primary.brand_id, env.businessA, 'the primary brand id equals the business id (§4.1)');
    assert.equal(primary.archived_at, null);
    assert.deepEqual(await c.brands.retrieve(env.businessA), primary);
  });

  test('cannot be edited: 403 UNABLE_TO_EDIT_PRIMARY_BRAND, nothing changes', async () => {
    const before = await c.brands.retrieve(env.businessA);
    await expectAPIError(c.brands.update(env.businessA, { name: 'Hijacked' }), {
      cls: PermissionDeniedError, status: 403, code: 'UNABLE_TO_EDIT_PRIMARY_BRAND',
    });
    await expectAPIError(c.brands.update(env.businessA, {}), { status: 403, code: 'UNABLE_TO_EDIT_PRIMARY_BRAND' });
    assert.deepEqual(await c.brands.retrieve(env.businessA), before);
  });

  test('cannot be archived: 403', async () => {
    const other = await c.brands.create({ name: 'Target' });
    await expectAPIError(c.brands.archive(env.businessA, { move_products_to: other.brand_id }), {
      cls: PermissionDeniedError, status: 403, code: 'UNABLE_TO_EDIT_PRIMARY_BRAND',
    });
  });

  test('products and collections default to it', async () => {
    const p = await c.products.create(minimalProduct());
    assert.equal(p.brand_id, env.businessA);
    const col = await c.productCollections.create({ name: 'C', groups: [{ products: [{ product_id: p.product_id }] }] });
    assert.equal(col.brand_id, env.businessA);
  });
});

describe('create, retrieve, update', () => {
  test('create() with no body at all gives a brand in review with a derived descriptor', async () => {
    const b = await c.brands.create();
    assertBrandShape(b, { businessId: env.businessA });
    assert.match(b.brand_id, /^brnd_/);
    assert.equal(b.name, null);
    assert.equal(b.image, null);
    // README "Brands": new brands start enabled and in Review (§12.1, inferred).
    assert.equal(b.verification_status, 'Review');
    assert.equal(b.enabled, true);
    assert.ok(b.statement_descriptor.length >= 5 && b.statement_descriptor.length <= 22, show(b));
    assert.deepEqual(await c.brands.retrieve(b.brand_id), b);
  });

  test('every field round-trips; update returns the brand', async () => {
    const body = { name: 'Acme', description: 'Tools', statement_descriptor: 'ACME TOOLS', support_email: 'help@acme.test', url: 'https://acme.test' };
    const b = await c.brands.create(body);
    for (const [k, v] of Object.entries(body)) assert.equal(b[k], v, k);
    const u = await c.brands.update(b.brand_id, { name: 'Acme 2', support_email: 'x@acme.test' });
    assertBrandShape(u);
    assert.equal(u.name, 'Acme 2');
    assert.equal(u.support_email, 'x@acme.test');
    assert.equal(u.description, 'Tools');
    assert.deepEqual(await c.brands.retrieve(b.brand_id), u);
  });

  test('PATCH null is "no change" (§3 inferred rule); an empty string clears an optional field (README)', async () => {
    const b = await c.brands.create({ name: 'N', description: 'D', url: 'https://n.test' });
    const u = await c.brands.update(b.brand_id, { name: null, url: null, description: '' });
    assert.equal(u.name, 'N');
    assert.equal(u.url, 'https://n.test');
    assert.equal(u.description, null);
  });

  test('invalid fields are 422 naming the field', async () => {
    const b = await c.brands.create({ name: 'V' });
    for (const [body, field] of [
      [{ support_email: 'not-an-email' }, 'support_email'],
      [{ url: 'acme.test' }, 'url'],
      [{ statement_descriptor: 'AB' }, 'statement_descriptor'],
      [{ name: '' }, 'name'],
      [{ image_id: '00000000-0000-4000-8000-000000000000' }, 'image_id'],
    ]) {
      await expectAPIError(c.brands.create(body), { cls: UnprocessableEntityError, code: 'INVALID_REQUEST_BODY', message: field, label: `create ${show(body)}` });
      await expectAPIError(c.brands.update(b.brand_id, body), { status: 422, code: 'INVALID_REQUEST_BODY', message: field, label: `update ${show(body)}` });
    }
    assert.equal((await c.brands.retrieve(b.brand_id)).name, 'V');
  });

  test('unknown ids are 404 on retrieve, update and archive', async () => {
    await expectAPIError(c.brands.retrieve('brnd_missing'), { cls: NotFoundError, code: 'NOT_FOUND' });
    await expectAPIError(c.brands.update('brnd_missing', { name: 'x' }), { cls: NotFoundError });
    await expectAPIError(c.brands.archive('brnd_missing', {}), { cls: NotFoundError });
  });

  test('brands are private to a business and a mode; read-only keys only read', async () => {
    const b = await c.brands.create({ name: 'Private' });
    for (const k of ['b', 'aLive']) {
      const other = env.client(env.keys[k]);
      await expectAPIError(other.brands.retrieve(b.brand_id), { cls: NotFoundError, label: k });
      assert.ok(!(await listIds(other, { include_archived: true })).includes(b.brand_id), k);
    }
    const ro = env.client(env.keys.aReadOnly);
    assert.equal((await ro.brands.retrieve(b.brand_id)).name, 'Private');
    await expectAPIError(ro.brands.create({ name: 'no' }), { cls: AuthenticationError, status: 401 });
    await expectAPIError(ro.brands.archive(b.brand_id, {}), { status: 401 });
  });

  test('products may be created on and moved to another brand', async () => {
    const b = await c.brands.create({ name: 'Shop 2' });
    const p = await c.products.create(minimalProduct({ brand_id: b.brand_id }));
    assert.equal(p.brand_id, b.brand_id);
    const listed = [];
    for await (const it of c.products.list({ brand_id: b.brand_id, page_number: 0 })) listed.push(it.product_id);
    assert.deepEqual(listed, [p.product_id]);
  });
});

describe('archive', () => {
  test('moves products (archived ones too) and collections in one go, and reports the counts', async () => {
    const old = await c.brands.create({ name: 'Old' });
    const target = await c.brands.create({ name: 'New' });
    const p1 = await c.products.create(minimalProduct({ brand_id: old.brand_id }));
    const p2 = await c.products.create(minimalProduct({ brand_id: old.brand_id }));
    await c.products.archive(p2.product_id);
    const col = await c.productCollections.create({ name: 'C', brand_id: old.brand_id, groups: [{ products: [{ product_id: p1.product_id }] }] });

    const res = await c.brands.archive(old.brand_id, { move_products_to: target.brand_id });
    for (const k of ARCHIVE_KEYS) assert.ok(k in res, `BrandArchiveResponse lacks ${k}: ${show(res)}`);
    assert.equal(res.brand_id, old.brand_id);
    assert.match(res.archived_at, ISO);
    assert.equal(res.products_moved, 2);
    assert.equal(res.collections_moved, 1);
    assert.equal(res.subscriptions_moved, 0);
    assert.equal(res.moved_to_brand_id, target.brand_id);

    assert.equal((await c.products.retrieve(p1.product_id)).brand_id, target.brand_id);
    assert.equal((await c.products.retrieve(p2.product_id)).brand_id, target.brand_id);
    assert.equal((await c.productCollections.retrieve(col.id)).brand_id, target.brand_id);
    const archived = await c.brands.retrieve(old.brand_id);
    assert.equal(archived.archived_at, res.archived_at);

    // Listing: default hides archived brands, include_archived adds them (§12.1).
    assert.ok(!(await listIds(c)).includes(old.brand_id));
    assert.ok(!(await listIds(c, { include_archived: false })).includes(old.brand_id));
    assert.ok((await listIds(c, { include_archived: true })).includes(old.brand_id));
    assert.ok((await listIds(c, { include_archived: true })).includes(target.brand_id));

    // Permanent: archiving again is 409, with x-should-retry: false so the SDK
    // does not retry it even when allowed to (§1.7).
    const retrying = env.client(env.keys.a, { maxRetries: 2 });
    const started = Date.now();
    await expectAPIError(retrying.brands.archive(old.brand_id, { move_products_to: target.brand_id }), {
      cls: ConflictError, status: 409, code: 'BRAND_ALREADY_ARCHIVED',
    });
    assert.ok(Date.now() - started < 400, 'a 409 with x-should-retry: false must not be retried');
    const r = await raw(env.baseURL, 'POST', `/brands/${old.brand_id}/archive`, { key: env.keys.a, body: {} });
    assert.equal(r.status, 409);
    assert.equal(r.headers.get('x-should-retry'), 'false');

    // README "Brands": an archived brand can no longer be edited nor take products.
    await expectAPIError(c.brands.update(old.brand_id, { name: 'x' }), { status: 422, code: 'BRAND_NOT_ENABLED' });
    await expectAPIError(c.products.create(minimalProduct({ brand_id: old.brand_id })), { status: 422, code: 'BRAND_NOT_ENABLED' });
  });

  test('the primary brand is a valid target', async () => {
    const b = await c.brands.create({ name: 'To primary' });
    const p = await c.products.create(minimalProduct({ brand_id: b.brand_id }));
    const res = await c.brands.archive(b.brand_id, { move_products_to: env.businessA });
    assert.equal(res.moved_to_brand_id, env.businessA);
    assert.equal(res.products_moved, 1);
    assert.equal((await c.products.retrieve(p.product_id)).brand_id, env.businessA);
  });

  test('a target is required while the brand holds products; bad targets are 422; nothing moves', async () => {
    const b = await c.brands.create({ name: 'Busy' });
    const p = await c.products.create(minimalProduct({ brand_id: b.brand_id }));
    const gone = await c.brands.create({ name: 'Gone' });
    await c.brands.archive(gone.brand_id, {});
    const foreign = await env.client(env.keys.b).brands.create({ name: 'Theirs' });
    for (const [body, code] of [
      [{}, 'INVALID_REQUEST_BODY'],
      [{ move_products_to: null }, 'INVALID_REQUEST_BODY'],
      [{ move_products_to: 'brnd_missing' }, 'INVALID_REQUEST_BODY'],
      [{ move_products_to: b.brand_id }, 'INVALID_REQUEST_BODY'],
      [{ move_products_to: foreign.brand_id }, 'INVALID_REQUEST_BODY'],
      [{ move_products_to: gone.brand_id }, 'BRAND_NOT_ENABLED'],
    ]) {
      await expectAPIError(c.brands.archive(b.brand_id, body), { cls: UnprocessableEntityError, code, label: show(body) });
    }
    assert.equal((await c.brands.retrieve(b.brand_id)).archived_at, null);
    assert.equal((await c.products.retrieve(p.product_id)).brand_id, b.brand_id);
  });

  test('an empty brand archives without a target (and without a body)', async () => {
    const b = await c.brands.create({ name: 'Empty' });
    const res = await c.brands.archive(b.brand_id);
    assert.equal(res.moved_to_brand_id, null);
    assert.equal(res.products_moved, 0);
    assert.equal(res.collections_moved, 0);
  });

  test('concurrent archives of one brand: one 200, the rest 409', async () => {
    const b = await c.brands.create({ name: 'Raced' });
    for (let i = 0; i < 3; i++) await c.products.create(minimalProduct({ brand_id: b.brand_id }));
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, () => c.brands.archive(b.brand_id, { move_products_to: env.businessA })),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    assert.equal(ok.length, 1, show(results.map((r) => r.status === 'fulfilled' ? 200 : r.reason.status)));
    assert.equal(ok[0].value.products_moved, 3);
    for (const r of results) if (r.status === 'rejected') assert.equal(r.reason.status, 409);
  });
});
