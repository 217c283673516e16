// Product collections, groups and items through the official SDK
// (client.productCollections.*, .groups.*, .groups.items.*).
// Spec: shared/spec/dodo-catalog.md §1–§3, §5 rows 16–28, §7, Appendix B;
// group create body: shared/seeds/000_fa69c4c2b81fc66e.txt. Where the spec is
// silent the test follows internal/api/dodo/README.md "Product collections"
// and says so in a comment.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer, expectAPIError, show, sleep, raw, DodoPayments } from '../lib/harness.js';
import { minimalProduct, oneTimePrice, recurringPrice, usagePrice } from '../lib/products.js';
import {
  LIST_ITEM_KEYS,
  MEMBER_KEYS,
  POLICY,
  POLICY_FIELDS,
  UNARCHIVE_KEYS,
  assertCollectionShape,
  assertGroupShape,
  assertKeys,
  assertMemberMatches,
  assertMemberShape,
  listAllCollections,
  snapshot,
  structure,
} from '../lib/collections.js';

const { NotFoundError, UnprocessableEntityError, AuthenticationError } = DodoPayments;

let env;
let c; // business A, test mode, read-write

before(async () => {
  env = await startServer();
  c = env.client(env.keys.a);
});
after(async () => {
  await env?.stop();
});

// ---------------------------------------------------------------------------
// helpers

// Void endpoints (§1.5): the SDK resolves with whatever an empty body parses to.
function assertVoid(res, what) {
  assert.ok(
    res === undefined || res === null || res === '' || (typeof res === 'object' && Object.keys(res).length === 0),
    `${what} is a void endpoint: expected an empty body, got ${show(res)}`,
  );
}

const product = (over = {}) => c.products.create(minimalProduct(over));
async function products(n, over = {}) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(await product(over));
  return out;
}
const pids = (ps) => ps.map((p) => p.product_id);
const ids = (items) => items.map((x) => x.id);

/** A collection with one unnamed group holding `n` fresh products. Resolves {col, ps}. */
async function simpleCollection(n = 1, over = {}) {
  const ps = await products(n);
  const col = await c.productCollections.create({
    name: `Collection ${Date.now()} ${Math.random().toString(36).slice(2, 8)}`,
    groups: [{ products: ps.map((p) => ({ product_id: p.product_id })) }],
    ...over,
  });
  assertCollectionShape(col, { brandId: env.businessA });
  return { col, ps };
}

async function collectionOf(productId, client = c) {
  return (await client.products.retrieve(productId)).product_collection_id;
}

async function assertFree(productIds, why) {
  for (const id of productIds) assert.equal(await collectionOf(id), null, `${id} must be in no collection: ${why}`);
}

/** Asserts a collection is as it was; `touched` allows updated_at to move (a successful no-op write). */
async function assertUnchanged(id, before, why, { touched = false } = {}) {
  const now = await c.productCollections.retrieve(id);
  const strip = (x) => {
    const s = snapshot(x);
    if (touched) delete s.updated_at;
    return s;
  };
  assert.deepEqual(strip(now), strip(before), `collection ${id} must be unchanged: ${why}`);
  return now;
}

async function activeIds() {
  return ids(await listAllCollections(c));
}

const invalid = (extra = {}) => ({ cls: UnprocessableEntityError, status: 422, ...extra });
const gone = (label) => ({ status: 410, code: 'PRODUCT_COLLECTION_IS_DELETED', label });
const notFound = (label) => ({ cls: NotFoundError, status: 404, code: 'NOT_FOUND', label });
const mustHaveProducts = (label) => invalid({ code: 'PRODUCT_COLLECTION_MUST_HAVE_PRODUCTS', label });
// The spec leaves these codes open (§14.7); the values are the README decisions.
const README_CODES = {
  twice: 'INVALID_REQUEST_BODY',
  archived: 'PRODUCT_IS_DELETED',
  unknownProduct: 'INVALID_REQUEST_BODY',
  taken: 'PRODUCT_ALREADY_IN_COLLECTION',
  groupName: 'GROUP_NAME_ALREADY_EXISTS',
};

// ---------------------------------------------------------------------------

describe('create + retrieve (§7.2, §7.3)', () => {
  test('full create: every key, groups in order, memberships with the product summary', async () => {
    const oneTime = await product({
      name: 'Starter',
      description: 'For one person',
      price: oneTimePrice({ price: 900, currency: 'EUR', tax_inclusive: true }),
      tax_category: 'digital_products',
    });
    const disabled = await product({ name: 'Legacy', price: oneTimePrice({ price: 500 }) });
    const rec = await product({
      name: 'Pro',
      price: recurringPrice({ price: 1999, tax_inclusive: false }),
      license_key_enabled: true,
      tax_category: 'saas',
    });
    const usage = await product({ name: 'Metered', price: usagePrice({ fixed_price: 321, currency: 'GBP' }), tax_category: 'edtech' });
    const body = {
      name: 'SaaS Plans',
      description: 'Starter, Pro and Metered',
      effective_at_on_downgrade: 'next_billing_date',
      effective_at_on_upgrade: 'immediately',
      on_payment_failure: 'prevent_change',
      proration_billing_mode_on_downgrade: 'do_not_bill',
      proration_billing_mode_on_upgrade: 'prorated_immediately',
      groups: [
        {
          group_name: 'Monthly',
          products: [{ product_id: oneTime.product_id }, { product_id: disabled.product_id, status: false }],
        },
        { group_name: null, status: false, products: [{ product_id: rec.product_id, status: true }, { product_id: usage.product_id }] },
      ],
    };
    const col = await c.productCollections.create(body);
    assertCollectionShape(col, { brandId: env.businessA });
    assert.equal(col.brand_id, env.businessA, 'brand_id defaults to the primary brand = business id (§7.2, §4.1)');
    assert.equal(col.name, body.name);
    assert.equal(col.description, body.description);
    assert.equal(col.image, null);
    for (const f of POLICY_FIELDS) assert.equal(col[f], body[f], `${f} round-trips; ${show(col)}`);

    assert.equal(col.groups.length, 2, show(col.groups));
    const [g1, g2] = col.groups;
    assert.equal(g1.group_name, 'Monthly');
    assert.equal(g1.status, true, 'group status defaults to true');
    assert.deepEqual(pids(g1.products), [oneTime.product_id, disabled.product_id], 'members keep request order');
    assert.deepEqual(g1.products.map((m) => m.status), [true, false], 'member status defaults to true; false is kept');
    assert.equal(g2.group_name, null);
    assert.equal(g2.status, false);
    assert.deepEqual(pids(g2.products), [rec.product_id, usage.product_id]);
    assert.deepEqual(g2.products.map((m) => m.status), [true, true]);
    assert.notEqual(g1.group_id, g2.group_id);

    const byId = {};
    for (const p of [oneTime, disabled, rec, usage]) byId[p.product_id] = await c.products.retrieve(p.product_id);
    for (const g of col.groups) for (const m of g.products) assertMemberMatches(m, byId[m.product_id]);
    const m = (pid) => col.groups.flatMap((g) => g.products).find((x) => x.product_id === pid);
    assert.equal(m(oneTime.product_id).price, 900);
    assert.equal(m(oneTime.product_id).currency, 'EUR');
    assert.equal(m(oneTime.product_id).tax_inclusive, true);
    assert.equal(m(oneTime.product_id).tax_category, 'digital_products');
    assert.equal(m(oneTime.product_id).description, 'For one person');
    assert.equal(m(rec.product_id).is_recurring, true);
    assert.equal(m(rec.product_id).license_key_enabled, true);
    assert.equal(m(rec.product_id).tax_inclusive, false);
    assert.equal(m(usage.product_id).price, 321, 'usage-based headline price is fixed_price');
    assert.equal(m(usage.product_id).price_detail.type, 'usage_based_price');
    assert.equal(m(usage.product_id).is_recurring, true);
    for (const x of col.groups.flatMap((g) => g.products)) {
      assert.equal(x.has_credit_entitlements, false);
      assert.equal(x.addons_count, 0);
      assert.equal(x.files_count, 0);
      assert.equal(x.meters_count, 0);
    }

    const got = await c.productCollections.retrieve(col.id);
    assert.deepEqual(got, col, 'retrieve must return exactly what create returned');

    // §7.1: the product then exposes product_collection_id
    for (const p of Object.values(byId)) assert.equal(p.product_collection_id, col.id, `product_collection_id of ${p.product_id}`);
  });

  test('minimal create: optional keys present as null, defaults applied', async () => {
    const p = await product();
    const col = await c.productCollections.create({ name: 'Minimal', groups: [{ products: [{ product_id: p.product_id }] }] });
    assertCollectionShape(col, { brandId: env.businessA });
    for (const k of ['description', 'image', ...POLICY_FIELDS]) assert.equal(col[k], null, `${k} must be null when not set; ${show(col)}`);
    assert.equal(col.groups.length, 1);
    assert.equal(col.groups[0].group_name, null, 'group_name null when not sent');
    assert.equal(col.groups[0].status, true);
    assert.equal(col.groups[0].products.length, 1);
    assert.equal(col.groups[0].products[0].status, true);
    assert.equal(col.created_at, col.updated_at, 'a new collection has updated_at = created_at');
    assert.deepEqual(await c.productCollections.retrieve(col.id), col);
  });

  test('explicit brand_id = primary brand works; null = default; unknown brand → 422, nothing written', async () => {
    const [p1, p2, p3] = await products(3);
    const a = await c.productCollections.create({ name: 'Branded', brand_id: env.businessA, groups: [{ products: [{ product_id: p1.product_id }] }] });
    assert.equal(a.brand_id, env.businessA);
    const b = await c.productCollections.create({ name: 'Null brand', brand_id: null, groups: [{ products: [{ product_id: p2.product_id }] }] });
    assert.equal(b.brand_id, env.businessA);
    const before = await activeIds();
    await expectAPIError(
      c.productCollections.create({ name: 'Bad brand', brand_id: 'brnd_doesnotexist00000000', groups: [{ products: [{ product_id: p3.product_id }] }] }),
      invalid({ label: 'unknown brand_id' }),
    );
    assert.deepEqual(await activeIds(), before);
    await assertFree([p3.product_id], 'failed create');
  });

  test('several null-named groups in one create are fine; a repeated name is 422', async () => {
    const ps = await products(4);
    const col = await c.productCollections.create({
      name: 'Unnamed groups',
      groups: [
        { products: [{ product_id: ps[0].product_id }] },
        { group_name: null, products: [{ product_id: ps[1].product_id }] },
        { products: [{ product_id: ps[2].product_id }] },
      ],
    });
    assert.deepEqual(col.groups.map((g) => g.group_name), [null, null, null]);
    const before = await activeIds();
    await expectAPIError(
      c.productCollections.create({
        name: 'Dup names',
        groups: [
          { group_name: 'Same', products: [{ product_id: ps[3].product_id }] },
          { group_name: 'Same', products: [] },
        ],
      }),
      invalid({ label: 'group name twice' }),
    );
    assert.deepEqual(await activeIds(), before);
    await assertFree([ps[3].product_id], 'failed create');
  });

  test('validation failures → 422, nothing created, products stay free', async () => {
    const [p, q] = await products(2);
    const ok = [{ products: [{ product_id: p.product_id }] }];
    const cases = {
      'name missing': { groups: ok },
      'name empty': { name: '', groups: ok },
      'groups missing': { name: 'x' },
      'groups empty': { name: 'x', groups: [] },
      'group without products key': { name: 'x', groups: [{ group_name: 'g' }] },
      'product_id missing': { name: 'x', groups: [{ products: [{ status: true }] }] },
      'empty group_name': { name: 'x', groups: [{ group_name: '', products: [{ product_id: p.product_id }] }] },
      'bad effective_at_on_upgrade': { name: 'x', groups: ok, effective_at_on_upgrade: 'later' },
      'bad on_payment_failure': { name: 'x', groups: ok, on_payment_failure: 'ignore' },
      'bad proration_billing_mode_on_downgrade': { name: 'x', groups: ok, proration_billing_mode_on_downgrade: 'free' },
      'unknown product': { name: 'x', groups: [{ products: [{ product_id: p.product_id }, { product_id: 'pdt_doesnotexist000000000' }] }] },
    };
    const before = await activeIds();
    for (const [label, body] of Object.entries(cases)) {
      await expectAPIError(c.productCollections.create(body), invalid({ label }));
    }
    const e = await expectAPIError(
      c.productCollections.create({ name: 'x', groups: [{ products: [{ product_id: 'pdt_doesnotexist000000000' }] }] }),
      invalid({ label: 'unknown product only', code: README_CODES.unknownProduct }),
    );
    assert.match(e.error.message, /pdt_doesnotexist000000000/, 'the message names the unknown product');
    // README decision: groups that hold no product at all
    await expectAPIError(
      c.productCollections.create({ name: 'x', groups: [{ group_name: 'empty', products: [] }] }),
      mustHaveProducts('only empty groups'),
    );
    assert.deepEqual(await activeIds(), before, 'nothing created');
    await assertFree([p.product_id, q.product_id], 'failed creates');
  });

  test('the same product twice in one request → 422 (same group and across groups)', async () => {
    const [p, q] = await products(2);
    const before = await activeIds();
    await expectAPIError(
      c.productCollections.create({ name: 'twice', groups: [{ products: [{ product_id: p.product_id }, { product_id: p.product_id }] }] }),
      invalid({ label: 'twice in one group', message: p.product_id, code: README_CODES.twice }),
    );
    await expectAPIError(
      c.productCollections.create({
        name: 'twice',
        groups: [{ products: [{ product_id: p.product_id }] }, { products: [{ product_id: q.product_id }, { product_id: p.product_id }] }],
      }),
      invalid({ label: 'twice across groups', message: p.product_id, code: README_CODES.twice }),
    );
    assert.deepEqual(await activeIds(), before);
    await assertFree([p.product_id, q.product_id], 'failed creates');
  });

  test('archived product → 422, nothing created', async () => {
    const [p, q] = await products(2);
    await c.products.archive(q.product_id);
    const before = await activeIds();
    await expectAPIError(
      c.productCollections.create({ name: 'arch', groups: [{ products: [{ product_id: p.product_id }, { product_id: q.product_id }] }] }),
      invalid({ label: 'archived product', message: q.product_id, code: README_CODES.archived }),
    );
    assert.deepEqual(await activeIds(), before);
    await assertFree([p.product_id], 'failed create');
  });

  test('a product already in another collection → 422 naming the product and the collection', async () => {
    const { col, ps } = await simpleCollection(1);
    const fresh = await product();
    const before = await activeIds();
    const e = await expectAPIError(
      c.productCollections.create({
        name: 'steal',
        groups: [{ products: [{ product_id: fresh.product_id }, { product_id: ps[0].product_id }] }],
      }),
      invalid({ label: 'product in another collection', code: README_CODES.taken }),
    );
    assert.ok(e.error.message.includes(ps[0].product_id), `message must name the product; ${show(e.error)}`);
    assert.ok(e.error.message.includes(col.id), `message must name the collection it is in; ${show(e.error)}`);
    assert.deepEqual(await activeIds(), before);
    assert.equal(await collectionOf(ps[0].product_id), col.id);
    await assertFree([fresh.product_id], 'failed create');
    await assertUnchanged(col.id, col, 'a failed create elsewhere');
  });
});

describe('list (§7.4, §2)', () => {
  let made; // newest first
  before(async () => {
    made = [];
    for (let i = 0; i < 5; i++) {
      const ps = await products(i + 1);
      const col = await c.productCollections.create({
        name: `List ${i}`,
        description: i % 2 ? `desc ${i}` : undefined,
        groups: [
          { group_name: 'a', products: ps.slice(0, 1).map((p) => ({ product_id: p.product_id })) },
          { group_name: 'b', products: ps.slice(1).map((p, j) => ({ product_id: p.product_id, status: j % 2 === 0 })) },
        ],
      });
      made.unshift(col);
      await sleep(5);
    }
  });

  test('items: documented keys, products_count counts every membership, no groups/brand_id', async () => {
    const page = await c.productCollections.list({ page_size: 100 });
    assert.ok(Array.isArray(page.items), show(page.items));
    const top = page.items.slice(0, 5);
    assert.deepEqual(ids(top), ids(made), 'newest first; the 5 newest collections are the ones just made');
    for (const [i, item] of top.entries()) {
      const ctx = show(item);
      assertKeys(item, LIST_ITEM_KEYS, 'ProductCollectionListResponse');
      assert.ok(!('groups' in item), `list items carry no groups (§7.4); ${ctx}`);
      assert.ok(!('brand_id' in item), `list items carry no brand_id (§7.4); ${ctx}`);
      const full = made[i];
      assert.equal(item.name, full.name);
      assert.equal(item.description, full.description);
      assert.equal(item.image, null);
      assert.equal(item.created_at, full.created_at);
      assert.equal(item.updated_at, full.updated_at);
      const members = full.groups.flatMap((g) => g.products).length;
      assert.equal(item.products_count, members, `products_count counts every membership, disabled ones too (§7.1); ${ctx}`);
      assert.equal(typeof item.products_count, 'number');
    }
  });

  test('page_size / page_number are zero-based; auto-pagination from page 0 sees everything once', async () => {
    const all = ids((await c.productCollections.list({ page_size: 100 })).items);
    assert.ok(all.length >= 5);
    for (let n = 0; n < 3; n++) {
      const page = await c.productCollections.list({ page_size: 2, page_number: n });
      assert.deepEqual(ids(page.items), all.slice(n * 2, n * 2 + 2), `page_size=2 page_number=${n}`);
    }
    const walked = [];
    for await (const item of c.productCollections.list({ page_size: 2, page_number: 0 })) walked.push(item.id);
    assert.deepEqual(walked, all);
    const def = await c.productCollections.list();
    assert.deepEqual(ids(def.items), all.slice(0, 10), 'default page_size 10, page 0');
  });

  test('past the end → 200 {items: []}; page_size 101 → 422', async () => {
    const page = await c.productCollections.list({ page_size: 100, page_number: 50 });
    assert.deepEqual(page.items, []);
    const r = await raw(env.baseURL, 'GET', '/product-collections?page_size=5&page_number=1000', { key: env.keys.a });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { items: [] }, r.text);
    await expectAPIError(c.productCollections.list({ page_size: 101 }), invalid({ label: 'page_size 101' }));
  });

  test('brand_id filter', async (t) => {
    const mine = await listAllCollections(c, { brand_id: env.businessA });
    assert.deepEqual(ids(mine), await activeIds(), 'brand_id = primary brand lists every active collection');
    assert.deepEqual(await listAllCollections(c, { brand_id: 'brnd_doesnotexist00000000' }), [], 'an unknown brand has no collections');
    let brand;
    try {
      brand = await c.brands.create({ name: 'Collections brand' });
    } catch (e) {
      if (e instanceof NotFoundError || e?.status === 405 || e?.status === 501) {
        t.skip(`POST /brands not available (${e.status}); brand filter only checked with the primary brand`);
        return;
      }
      throw e;
    }
    const p = await product({ brand_id: brand.brand_id });
    const col = await c.productCollections.create({ name: 'Second brand', brand_id: brand.brand_id, groups: [{ products: [{ product_id: p.product_id }] }] });
    assert.equal(col.brand_id, brand.brand_id);
    assert.deepEqual(ids(await listAllCollections(c, { brand_id: brand.brand_id })), [col.id]);
    assert.ok(!ids(await listAllCollections(c, { brand_id: env.businessA })).includes(col.id));
  });

  test('archived: only with archived=true', async () => {
    const { col } = await simpleCollection(1);
    assert.ok((await activeIds()).includes(col.id));
    assertVoid(await c.productCollections.delete(col.id), 'delete');
    assert.ok(!(await activeIds()).includes(col.id), 'archived collections leave the default list');
    assert.ok(!ids(await listAllCollections(c, { archived: false })).includes(col.id), 'archived=false = active only');
    const archived = await listAllCollections(c, { archived: true });
    assert.ok(ids(archived).includes(col.id), 'archived=true lists it');
    const active = new Set(await activeIds());
    assert.ok(archived.every((x) => !active.has(x.id)), 'archived=true lists only archived collections');
    const item = archived.find((x) => x.id === col.id);
    assert.equal(item.products_count, 1, `an archived collection keeps its memberships; ${show(item)}`);
  });
});

describe('update (§7.5, §3)', () => {
  test('void; name set, null = keep, omitted = keep', async () => {
    const { col } = await simpleCollection(1, { description: 'd0' });
    assertVoid(await c.productCollections.update(col.id, { name: 'Renamed' }), 'update');
    let got = await c.productCollections.retrieve(col.id);
    assert.equal(got.name, 'Renamed');
    assert.equal(got.description, 'd0', 'omitted description is kept');
    assert.ok(Date.parse(got.updated_at) >= Date.parse(col.updated_at), 'updated_at does not go back');
    assert.equal(got.created_at, col.created_at);
    // §3 inferred rule: null on a non-nullable response field = no change
    assertVoid(await c.productCollections.update(col.id, { name: null, brand_id: null }), 'update');
    got = await c.productCollections.retrieve(col.id);
    assert.equal(got.name, 'Renamed');
    assert.equal(got.brand_id, env.businessA);
    assertVoid(await c.productCollections.update(col.id, {}), 'update {}');
    const after = await c.productCollections.retrieve(col.id);
    assert.deepEqual(structure(after), structure(col), 'groups untouched by a plain update');
  });

  test('description: set, null clears, omitted keeps (§3 tri-state)', async () => {
    const { col } = await simpleCollection(1);
    assert.equal(col.description, null);
    await c.productCollections.update(col.id, { description: 'hello' });
    assert.equal((await c.productCollections.retrieve(col.id)).description, 'hello');
    await c.productCollections.update(col.id, { name: 'only name' });
    assert.equal((await c.productCollections.retrieve(col.id)).description, 'hello', 'omitted keeps');
    await c.productCollections.update(col.id, { description: null });
    const got = await c.productCollections.retrieve(col.id);
    assert.equal(got.description, null, 'null clears');
    assert.equal(got.name, 'only name');
  });

  test('the five policy fields: set, null clears (inherit), omitted keeps (§3)', async () => {
    const { col } = await simpleCollection(1);
    const first = Object.fromEntries(POLICY_FIELDS.map((f) => [f, POLICY[f][0]]));
    await c.productCollections.update(col.id, first);
    let got = await c.productCollections.retrieve(col.id);
    for (const f of POLICY_FIELDS) assert.equal(got[f], first[f], `${f} set; ${show(got)}`);
    for (const [i, f] of POLICY_FIELDS.entries()) {
      // change one field to its other value, keep the rest
      await c.productCollections.update(col.id, { [f]: POLICY[f][1] });
      got = await c.productCollections.retrieve(col.id);
      for (const [j, g] of POLICY_FIELDS.entries()) {
        const want = j <= i ? POLICY[g][1] : POLICY[g][0];
        assert.equal(got[g], want, `after setting ${f}: ${g} must be ${want}; ${show(got)}`);
      }
    }
    // clear two, keep three
    await c.productCollections.update(col.id, { on_payment_failure: null, effective_at_on_upgrade: null });
    got = await c.productCollections.retrieve(col.id);
    assert.equal(got.on_payment_failure, null);
    assert.equal(got.effective_at_on_upgrade, null);
    assert.equal(got.effective_at_on_downgrade, POLICY.effective_at_on_downgrade[1]);
    assert.equal(got.proration_billing_mode_on_downgrade, POLICY.proration_billing_mode_on_downgrade[1]);
    assert.equal(got.proration_billing_mode_on_upgrade, POLICY.proration_billing_mode_on_upgrade[1]);
    // clear all
    await c.productCollections.update(col.id, Object.fromEntries(POLICY_FIELDS.map((f) => [f, null])));
    got = await c.productCollections.retrieve(col.id);
    for (const f of POLICY_FIELDS) assert.equal(got[f], null, `${f} cleared; ${show(got)}`);
  });

  test('invalid values → 422 and nothing changes (whole PATCH rejected)', async () => {
    const { col } = await simpleCollection(1, { description: 'keep me', on_payment_failure: 'apply_change' });
    const cases = {
      'empty name': { name: '' },
      'bad policy value': { name: 'should not apply', effective_at_on_downgrade: 'tomorrow' },
      'bad proration': { description: 'should not apply', proration_billing_mode_on_upgrade: 'sometimes' },
      'unknown brand': { name: 'should not apply', brand_id: 'brnd_doesnotexist00000000' },
      'unknown image_id (uploads not implemented, README)': { image_id: randomUUID() },
    };
    for (const [label, body] of Object.entries(cases)) {
      await expectAPIError(c.productCollections.update(col.id, body), invalid({ label }));
      await assertUnchanged(col.id, col, label);
    }
    // image_id null clears (there is none): accepted
    assertVoid(await c.productCollections.update(col.id, { image_id: null }), 'image_id null');
    assert.equal((await c.productCollections.retrieve(col.id)).image, null);
  });

  test('group_order reorders groups; a non-permutation is 422 and changes nothing', async () => {
    const ps = await products(3);
    const col = await c.productCollections.create({
      name: 'Ordered',
      groups: [
        { group_name: 'one', products: [{ product_id: ps[0].product_id }] },
        { group_name: 'two', products: [{ product_id: ps[1].product_id }] },
        { products: [{ product_id: ps[2].product_id }] },
      ],
    });
    const [g1, g2, g3] = col.groups.map((g) => g.group_id);
    assertVoid(await c.productCollections.update(col.id, { group_order: [g3, g1, g2] }), 'group_order');
    let got = await c.productCollections.retrieve(col.id);
    assert.deepEqual(got.groups.map((g) => g.group_id), [g3, g1, g2]);
    assert.deepEqual(got.groups.map((g) => g.group_name), [null, 'one', 'two']);
    assert.deepEqual(got.groups.map((g) => g.products[0].product_id), [ps[2], ps[0], ps[1]].map((p) => p.product_id), 'groups move with their products');

    const other = await simpleCollection(1);
    const bad = {
      'one group missing': [g3, g1],
      'a group twice': [g3, g1, g2, g1],
      'a duplicate instead of one': [g3, g1, g1],
      'an unknown uuid': [g3, g1, randomUUID()],
      'an extra unknown uuid': [g3, g1, g2, randomUUID()],
      'a group of another collection': [g3, g1, other.col.groups[0].group_id],
      'membership ids instead of group ids': got.groups.map((g) => g.products[0].id),
      empty: [],
    };
    const before = got;
    for (const [label, order] of Object.entries(bad)) {
      await expectAPIError(c.productCollections.update(col.id, { name: 'must not apply', group_order: order }), invalid({ label: `group_order: ${label}` }));
      got = await assertUnchanged(col.id, before, `group_order: ${label}`);
    }
    assert.equal(got.name, 'Ordered');
    // group_order: null = no change
    await c.productCollections.update(col.id, { group_order: null });
    assert.deepEqual((await c.productCollections.retrieve(col.id)).groups.map((g) => g.group_id), [g3, g1, g2]);
  });
});

describe('archive (DELETE) and unarchive (§7.1, §5 rows 20–21)', () => {
  test('archive: void; products released; second archive → 410 PRODUCT_COLLECTION_IS_DELETED', async () => {
    const { col, ps } = await simpleCollection(2);
    for (const p of ps) assert.equal(await collectionOf(p.product_id), col.id);
    assertVoid(await c.productCollections.delete(col.id), 'delete');
    for (const p of ps) assert.equal(await collectionOf(p.product_id), null, 'product_collection_id becomes null once the collection is archived');
    await expectAPIError(c.productCollections.delete(col.id), gone('second archive'));
    // README decision: GET still works and the memberships are kept
    const got = await c.productCollections.retrieve(col.id);
    assert.deepEqual(structure(got), structure(col));
  });

  test('changes to an archived collection → 410 and nothing changes', async () => {
    const { col, ps } = await simpleCollection(2);
    const g = col.groups[0];
    const [m1] = g.products;
    const fresh = await product();
    await c.productCollections.delete(col.id);
    const before = await c.productCollections.retrieve(col.id);
    const attempts = {
      'groups.create': () => c.productCollections.groups.create(col.id, { group_name: 'late', products: [{ product_id: fresh.product_id }] }),
      'groups.update': () => c.productCollections.groups.update(g.group_id, { id: col.id, group_name: 'renamed' }),
      'groups.delete': () => c.productCollections.groups.delete(g.group_id, { id: col.id }),
      'items.create': () => c.productCollections.groups.items.create(g.group_id, { id: col.id, products: [{ product_id: fresh.product_id }] }),
      'items.update': () => c.productCollections.groups.items.update(m1.id, { id: col.id, group_id: g.group_id, status: false }),
      'items.delete': () => c.productCollections.groups.items.delete(m1.id, { id: col.id, group_id: g.group_id }),
      update: () => c.productCollections.update(col.id, { name: 'renamed' }),
    };
    for (const [label, call] of Object.entries(attempts)) {
      await expectAPIError(call(), gone(label));
      await assertUnchanged(col.id, before, label);
    }
    await assertFree([fresh.product_id, ...pids(ps)], 'archived collection');
  });

  test('unarchive: {collection_id, excluded_product_ids, message}; archived member products are excluded', async () => {
    const { col, ps } = await simpleCollection(3);
    await c.productCollections.delete(col.id);
    await c.products.archive(ps[1].product_id);
    const res = await c.productCollections.unarchive(col.id);
    assertKeys(res, UNARCHIVE_KEYS, 'ProductCollectionUnarchiveResponse', { exact: true });
    assert.equal(res.collection_id, col.id);
    assert.deepEqual(res.excluded_product_ids, [ps[1].product_id], `the archived product is excluded; ${show(res)}`);
    assert.equal(typeof res.message, 'string');
    assert.ok(res.message.length > 0);
    const got = await c.productCollections.retrieve(col.id);
    assertCollectionShape(got, { brandId: env.businessA });
    assert.deepEqual(pids(got.groups[0].products), [ps[0].product_id, ps[2].product_id]);
    assert.ok((await activeIds()).includes(col.id), 'back in the default list');
    assert.ok(!ids(await listAllCollections(c, { archived: true })).includes(col.id), 'no longer in the archived list');
    assert.equal(await collectionOf(ps[0].product_id), col.id, 'product_collection_id restored');
    assert.equal(await collectionOf(ps[2].product_id), col.id);
    assert.equal(await collectionOf(ps[1].product_id), null);
    // archive works again after unarchive
    await c.productCollections.delete(col.id);
    await c.productCollections.unarchive(col.id);
  });

  test('unarchive: a member that joined another collection meanwhile is excluded (README)', async () => {
    const { col, ps } = await simpleCollection(2);
    await c.productCollections.delete(col.id);
    // the archived collection released its products, so another may take one
    const other = await c.productCollections.create({ name: 'Taker', groups: [{ products: [{ product_id: ps[1].product_id }] }] });
    assert.equal(await collectionOf(ps[1].product_id), other.id);
    const res = await c.productCollections.unarchive(col.id);
    assert.deepEqual(res.excluded_product_ids, [ps[1].product_id], show(res));
    assert.deepEqual(pids((await c.productCollections.retrieve(col.id)).groups[0].products), [ps[0].product_id]);
    assert.equal(await collectionOf(ps[1].product_id), other.id);
    assert.equal(await collectionOf(ps[0].product_id), col.id);
  });

  test('unarchive an active collection: no-op 200 with an empty list (README)', async () => {
    const { col } = await simpleCollection(1);
    const res = await c.productCollections.unarchive(col.id);
    assertKeys(res, UNARCHIVE_KEYS, 'ProductCollectionUnarchiveResponse', { exact: true });
    assert.equal(res.collection_id, col.id);
    assert.deepEqual(res.excluded_product_ids, []);
    await assertUnchanged(col.id, col, 'no-op unarchive');
  });

  test('unarchive when every member product is archived → 422 PRODUCT_COLLECTION_MUST_HAVE_PRODUCTS, stays archived (README)', async () => {
    const { col, ps } = await simpleCollection(1);
    await c.productCollections.delete(col.id);
    await c.products.archive(ps[0].product_id);
    await expectAPIError(c.productCollections.unarchive(col.id), mustHaveProducts('unarchive with nothing left'));
    assert.ok(ids(await listAllCollections(c, { archived: true })).includes(col.id), 'still archived');
    await expectAPIError(c.productCollections.delete(col.id), gone('still archived'));
  });
});

describe('groups (§7.7, seed schema)', () => {
  test('create with the seed body {group_name, products:[{product_id, status}], status}', async () => {
    const { col } = await simpleCollection(1);
    const [p, q] = await products(2);
    const g = await c.productCollections.groups.create(col.id, {
      group_name: 'Annual',
      products: [
        { product_id: p.product_id, status: true },
        { product_id: q.product_id, status: false },
      ],
      status: false,
    });
    assertGroupShape(g);
    assertKeys(g, ['group_id', 'group_name', 'status', 'products'], 'ProductCollectionGroupResponse', { exact: true });
    assert.equal(g.group_name, 'Annual');
    assert.equal(g.status, false);
    assert.deepEqual(pids(g.products), [p.product_id, q.product_id]);
    assert.deepEqual(g.products.map((m) => m.status), [true, false]);
    for (const m of g.products) assertMemberMatches(m, await c.products.retrieve(m.product_id));
    const got = await c.productCollections.retrieve(col.id);
    assert.equal(got.groups.length, 2);
    assert.deepEqual(got.groups[1], g, 'the new group goes last and retrieve shows exactly the response');
    assert.equal(await collectionOf(p.product_id), col.id);
    assert.equal(await collectionOf(q.product_id), col.id);
  });

  test('create minimal {products:[{product_id}]}: group_name null, status true; empty group allowed (README)', async () => {
    const { col } = await simpleCollection(1);
    const p = await product();
    const g = await c.productCollections.groups.create(col.id, { products: [{ product_id: p.product_id }] });
    assertGroupShape(g);
    assert.equal(g.group_name, null);
    assert.equal(g.status, true);
    assert.equal(g.products[0].status, true);
    const empty = await c.productCollections.groups.create(col.id, { group_name: 'Empty', products: [] });
    assert.deepEqual(empty.products, []);
    assert.deepEqual((await c.productCollections.retrieve(col.id)).groups.map((x) => x.group_id), [col.groups[0].group_id, g.group_id, empty.group_id]);
  });

  test('named groups are unique per collection (422); several null names are fine; names are per collection', async () => {
    const { col } = await simpleCollection(1);
    const ps = await products(5);
    await c.productCollections.groups.create(col.id, { group_name: 'Pro', products: [{ product_id: ps[0].product_id }] });
    const before = await c.productCollections.retrieve(col.id);
    await expectAPIError(
      c.productCollections.groups.create(col.id, { group_name: 'Pro', products: [{ product_id: ps[1].product_id }] }),
      invalid({ label: 'duplicate group_name', code: README_CODES.groupName }),
    );
    await assertUnchanged(col.id, before, 'duplicate group name');
    await assertFree([ps[1].product_id], 'rejected group');
    for (const p of ps.slice(2, 4)) await c.productCollections.groups.create(col.id, { group_name: null, products: [{ product_id: p.product_id }] });
    await c.productCollections.groups.create(col.id, { products: [] });
    const got = await c.productCollections.retrieve(col.id);
    assert.deepEqual(got.groups.map((g) => g.group_name), [null, 'Pro', null, null, null]);
    // the same name in another collection is fine
    const { col: other } = await simpleCollection(1);
    const g = await c.productCollections.groups.create(other.id, { group_name: 'Pro', products: [{ product_id: ps[4].product_id }] });
    assert.equal(g.group_name, 'Pro');
  });

  test('groups.create validation and membership rules → 422, nothing added', async () => {
    const { col } = await simpleCollection(1);
    const { col: other, ps: otherPs } = await simpleCollection(1);
    const [p, arch] = await products(2);
    await c.products.archive(arch.product_id);
    const cases = {
      'products missing': { group_name: 'x' },
      'empty group_name': { group_name: '', products: [{ product_id: p.product_id }] },
      'product twice': { products: [{ product_id: p.product_id }, { product_id: p.product_id }] },
      'archived product': { products: [{ product_id: p.product_id }, { product_id: arch.product_id }] },
      'unknown product': { products: [{ product_id: 'pdt_doesnotexist000000000' }] },
      'product already in this collection': { products: [{ product_id: col.groups[0].products[0].product_id }] },
      'product in another collection': { products: [{ product_id: p.product_id }, { product_id: otherPs[0].product_id }] },
    };
    const codes = {
      'product twice': README_CODES.twice,
      'archived product': README_CODES.archived,
      'unknown product': README_CODES.unknownProduct,
      'product already in this collection': README_CODES.taken,
      'product in another collection': README_CODES.taken,
    };
    for (const [label, body] of Object.entries(cases)) {
      const e = await expectAPIError(c.productCollections.groups.create(col.id, body), invalid({ label, code: codes[label] }));
      if (label === 'product in another collection') {
        assert.ok(e.error.message.includes(otherPs[0].product_id) && e.error.message.includes(other.id), `message names the product and its collection; ${show(e.error)}`);
      }
      await assertUnchanged(col.id, col, label);
    }
    await assertFree([p.product_id], 'rejected groups');
    await assertUnchanged(other.id, other, 'other collection');
  });

  test('update: group_name set / null clears / omitted keeps; status; duplicate name 422', async () => {
    const ps = await products(2);
    const col = await c.productCollections.create({
      name: 'Group update',
      groups: [
        { group_name: 'A', products: [{ product_id: ps[0].product_id }] },
        { group_name: 'B', products: [{ product_id: ps[1].product_id }] },
      ],
    });
    const [ga, gb] = col.groups;
    assertVoid(await c.productCollections.groups.update(ga.group_id, { id: col.id, group_name: 'Alpha' }), 'groups.update');
    let got = await c.productCollections.retrieve(col.id);
    assert.deepEqual(got.groups.map((g) => g.group_name), ['Alpha', 'B']);
    await c.productCollections.groups.update(ga.group_id, { id: col.id, status: false });
    got = await c.productCollections.retrieve(col.id);
    assert.equal(got.groups[0].group_name, 'Alpha', 'omitted group_name keeps');
    assert.equal(got.groups[0].status, false);
    assert.equal(got.groups[1].status, true);
    await c.productCollections.groups.update(ga.group_id, { id: col.id, status: true, group_name: null });
    got = await c.productCollections.retrieve(col.id);
    assert.equal(got.groups[0].group_name, null, 'group_name null clears (§3)');
    assert.equal(got.groups[0].status, true);
    // a cleared name can be reused by renaming the other group, but a clash is 422
    const before = got;
    await expectAPIError(c.productCollections.groups.update(ga.group_id, { id: col.id, group_name: 'B', status: false }), invalid({ label: 'rename to an existing name', code: README_CODES.groupName }));
    await assertUnchanged(col.id, before, 'rename clash');
    await expectAPIError(c.productCollections.groups.update(ga.group_id, { id: col.id, group_name: '' }), invalid({ label: 'empty group_name' }));
    await assertUnchanged(col.id, before, 'empty name');
    // renaming a group to its own name is fine
    await c.productCollections.groups.update(gb.group_id, { id: col.id, group_name: 'B' });
    await assertUnchanged(col.id, before, 'same name', { touched: true });
    // update {} is a no-op
    assertVoid(await c.productCollections.groups.update(gb.group_id, { id: col.id }), 'groups.update {}');
    await assertUnchanged(col.id, before, 'empty update', { touched: true });
  });

  test('update: product_order of membership ids reorders; a bad order is 422 and changes nothing', async () => {
    const { col, ps } = await simpleCollection(3);
    const g = col.groups[0];
    const [m1, m2, m3] = g.products.map((m) => m.id);
    assertVoid(await c.productCollections.groups.update(g.group_id, { id: col.id, product_order: [m3, m1, m2] }), 'product_order');
    let got = await c.productCollections.retrieve(col.id);
    assert.deepEqual(ids(got.groups[0].products), [m3, m1, m2]);
    assert.deepEqual(pids(got.groups[0].products), [ps[2], ps[0], ps[1]].map((p) => p.product_id));
    const other = await c.productCollections.groups.create(col.id, { products: [{ product_id: (await product()).product_id }] });
    got = await c.productCollections.retrieve(col.id);
    const bad = {
      'product ids instead of membership ids': [ps[2], ps[0], ps[1]].map((p) => p.product_id),
      'one missing': [m3, m1],
      'one twice': [m3, m1, m2, m1],
      'unknown uuid': [m3, m1, randomUUID()],
      'membership of another group': [m3, m1, m2, other.products[0].id],
      empty: [],
    };
    for (const [label, order] of Object.entries(bad)) {
      await expectAPIError(
        c.productCollections.groups.update(g.group_id, { id: col.id, group_name: 'must not apply', product_order: order }),
        invalid({ label: `product_order: ${label}` }),
      );
      await assertUnchanged(col.id, got, `product_order: ${label}`);
    }
  });

  test('delete: 204 → resolves; its products are released; the last group with products → 422', async () => {
    const ps = await products(3);
    const col = await c.productCollections.create({
      name: 'Group delete',
      groups: [
        { group_name: 'keep', products: [{ product_id: ps[0].product_id }] },
        { group_name: 'drop', products: [{ product_id: ps[1].product_id }, { product_id: ps[2].product_id }] },
        { group_name: 'empty', products: [] },
      ],
    });
    const [keep, drop, empty] = col.groups;
    assertVoid(await c.productCollections.groups.delete(drop.group_id, { id: col.id }), 'groups.delete');
    let got = await c.productCollections.retrieve(col.id);
    assert.deepEqual(got.groups.map((g) => g.group_id), [keep.group_id, empty.group_id]);
    await assertFree([ps[1].product_id, ps[2].product_id], 'their group was deleted');
    assert.equal(await collectionOf(ps[0].product_id), col.id);
    await expectAPIError(c.productCollections.groups.delete(drop.group_id, { id: col.id }), notFound('deleted group'));
    // keep is now the last group with products
    const e = await expectAPIError(c.productCollections.groups.delete(keep.group_id, { id: col.id }), mustHaveProducts('last group with products'));
    assert.match(e.error.message, /archive/i, 'the message tells the caller to archive instead (§7.1)');
    await assertUnchanged(col.id, got, 'last group delete refused');
    // an empty group can go
    await c.productCollections.groups.delete(empty.group_id, { id: col.id });
    got = await c.productCollections.retrieve(col.id);
    assert.deepEqual(got.groups.map((g) => g.group_id), [keep.group_id]);
    await expectAPIError(c.productCollections.groups.delete(keep.group_id, { id: col.id }), mustHaveProducts('only group'));
    // the released products may join another collection
    const again = await c.productCollections.create({ name: 'Reuse', groups: [{ products: [{ product_id: ps[1].product_id }] }] });
    assert.equal(await collectionOf(ps[1].product_id), again.id);
  });
});

describe('items (§7.7)', () => {
  test('items.create returns a bare array of the added memberships; they go last', async () => {
    const { col } = await simpleCollection(1);
    const g = col.groups[0];
    const [p, q] = await products(2, { price: recurringPrice({ price: 4900 }) });
    const added = await c.productCollections.groups.items.create(g.group_id, {
      id: col.id,
      products: [{ product_id: p.product_id, status: false }, { product_id: q.product_id }],
    });
    assert.ok(Array.isArray(added), `items.create returns a bare JSON array (§5 row 26); got ${show(added)}`);
    assert.equal(added.length, 2, show(added));
    for (const m of added) {
      assertMemberShape(m);
      assertKeys(m, MEMBER_KEYS, 'ProductCollectionProduct');
      assertMemberMatches(m, await c.products.retrieve(m.product_id));
    }
    assert.deepEqual(pids(added), [p.product_id, q.product_id]);
    assert.deepEqual(added.map((m) => m.status), [false, true]);
    const got = await c.productCollections.retrieve(col.id);
    assert.deepEqual(got.groups[0].products.slice(1), added, 'retrieve shows the same memberships, after the existing one');
    assert.equal(got.groups[0].products[0].id, g.products[0].id);
    assert.equal(await collectionOf(p.product_id), col.id);
    const item = (await listAllCollections(c)).find((x) => x.id === col.id);
    assert.equal(item.products_count, 3, 'disabled memberships count too');
  });

  test('items.create rules → 422, nothing added', async () => {
    const { col, ps } = await simpleCollection(1);
    const { col: other, ps: otherPs } = await simpleCollection(1);
    const g = col.groups[0];
    const g2 = await c.productCollections.groups.create(col.id, { group_name: 'second', products: [] });
    const [p, arch] = await products(2);
    await c.products.archive(arch.product_id);
    const before = await c.productCollections.retrieve(col.id);
    const cases = {
      'empty products': [],
      'same product twice': [{ product_id: p.product_id }, { product_id: p.product_id }],
      'archived product': [{ product_id: p.product_id }, { product_id: arch.product_id }],
      'unknown product': [{ product_id: 'pdt_doesnotexist000000000' }],
      'already in this group': [{ product_id: ps[0].product_id }],
      'missing product_id': [{ status: true }],
    };
    const codes = {
      'same product twice': README_CODES.twice,
      'archived product': README_CODES.archived,
      'unknown product': README_CODES.unknownProduct,
      'already in this group': README_CODES.taken,
    };
    for (const [label, list] of Object.entries(cases)) {
      await expectAPIError(c.productCollections.groups.items.create(g.group_id, { id: col.id, products: list }), invalid({ label, code: codes[label] }));
      await assertUnchanged(col.id, before, label);
    }
    // README: the same product twice in one collection, even in two groups
    await expectAPIError(
      c.productCollections.groups.items.create(g2.group_id, { id: col.id, products: [{ product_id: ps[0].product_id }] }),
      invalid({ label: 'already in another group of this collection', code: README_CODES.taken }),
    );
    const e = await expectAPIError(
      c.productCollections.groups.items.create(g.group_id, { id: col.id, products: [{ product_id: p.product_id }, { product_id: otherPs[0].product_id }] }),
      invalid({ label: 'product in another collection', code: README_CODES.taken }),
    );
    assert.ok(e.error.message.includes(otherPs[0].product_id), `message names the product; ${show(e.error)}`);
    assert.ok(e.error.message.includes(other.id), `message names the collection; ${show(e.error)}`);
    await assertUnchanged(col.id, before, 'rejected items');
    await assertUnchanged(other.id, other, 'other collection');
    await assertFree([p.product_id], 'rejected items');
    await expectAPIError(c.productCollections.groups.items.create(g.group_id, { id: col.id }), invalid({ label: 'products key missing' }));
    await assertUnchanged(col.id, before, 'products key missing');
  });

  test('items.update {status}: void; toggles; status is required', async () => {
    const { col } = await simpleCollection(2);
    const g = col.groups[0];
    const [m1, m2] = g.products;
    assertVoid(await c.productCollections.groups.items.update(m1.id, { id: col.id, group_id: g.group_id, status: false }), 'items.update');
    let got = await c.productCollections.retrieve(col.id);
    assert.deepEqual(got.groups[0].products.map((m) => m.status), [false, true]);
    assert.deepEqual(ids(got.groups[0].products), [m1.id, m2.id], 'order unchanged');
    await c.productCollections.groups.items.update(m1.id, { id: col.id, group_id: g.group_id, status: true });
    got = await c.productCollections.retrieve(col.id);
    assert.deepEqual(got.groups[0].products.map((m) => m.status), [true, true]);
    await expectAPIError(c.productCollections.groups.items.update(m1.id, { id: col.id, group_id: g.group_id }), invalid({ label: 'status missing (required, §7.7)' }));
    await expectAPIError(c.productCollections.groups.items.update(m1.id, { id: col.id, group_id: g.group_id, status: null }), invalid({ label: 'status null' }));
    await assertUnchanged(col.id, got, 'rejected item updates');
  });

  test('items.delete: 204 → resolves, product released; the last product → 422', async () => {
    const { col, ps } = await simpleCollection(2);
    const g = col.groups[0];
    const [m1, m2] = g.products;
    assertVoid(await c.productCollections.groups.items.delete(m1.id, { id: col.id, group_id: g.group_id }), 'items.delete');
    const got = await c.productCollections.retrieve(col.id);
    assert.deepEqual(ids(got.groups[0].products), [m2.id]);
    await assertFree([ps[0].product_id], 'membership deleted');
    await expectAPIError(c.productCollections.groups.items.delete(m1.id, { id: col.id, group_id: g.group_id }), notFound('deleted item'));
    const e = await expectAPIError(c.productCollections.groups.items.delete(m2.id, { id: col.id, group_id: g.group_id }), mustHaveProducts('last product'));
    assert.match(e.error.message, /archive/i, 'the message tells the caller to archive instead (§7.1)');
    await assertUnchanged(col.id, got, 'last item delete refused');
    assert.equal(await collectionOf(ps[1].product_id), col.id);
    // the last product counts across groups: with an empty second group it is still the last
    await c.productCollections.groups.create(col.id, { products: [] });
    await expectAPIError(c.productCollections.groups.items.delete(m2.id, { id: col.id, group_id: g.group_id }), mustHaveProducts('last product, empty group beside'));
  });
});

describe('wire status codes and bodies (§5 rows 19–28, §1.5)', () => {
  test('void PATCHes answer 200 with an empty body; group and item DELETE answer 204', async () => {
    const { col } = await simpleCollection(2);
    const g = col.groups[0];
    const [m1, m2] = g.products;
    const key = env.keys.a;
    const base = `/product-collections/${col.id}`;
    const check = async (method, path, body, status) => {
      const r = await raw(env.baseURL, method, path, { key, body, headers: { accept: '*/*' } });
      assert.equal(r.status, status, `${method} ${path} → ${r.status} ${r.text}`);
      assert.equal(r.text, '', `${method} ${path} must have an empty body; got ${show(r.text)}`);
    };
    await check('PATCH', base, { name: 'wire' }, 200);
    await check('PATCH', `${base}/groups/${g.group_id}`, { group_name: 'wire' }, 200);
    await check('PATCH', `${base}/groups/${g.group_id}/items/${m1.id}`, { status: false }, 200);
    await check('DELETE', `${base}/groups/${g.group_id}/items/${m2.id}`, undefined, 204);
    const extra = await c.productCollections.groups.create(col.id, { products: [] });
    await check('DELETE', `${base}/groups/${extra.group_id}`, undefined, 204);
    await check('DELETE', base, undefined, 200);
    const r = await raw(env.baseURL, 'DELETE', base, { key });
    assert.equal(r.status, 410, r.text);
    assert.equal(r.json?.code, 'PRODUCT_COLLECTION_IS_DELETED', r.text);
    const u = await raw(env.baseURL, 'POST', `${base}/unarchive`, { key });
    assert.equal(u.status, 200, u.text);
    assert.deepEqual(Object.keys(u.json).sort(), [...UNARCHIVE_KEYS].sort(), u.text);
    const items = await raw(env.baseURL, 'POST', `${base}/groups/${g.group_id}/items`, { key, body: { products: [{ product_id: (await product()).product_id }] } });
    assert.equal(items.status, 200, items.text);
    assert.ok(Array.isArray(items.json), `items.create body is a bare JSON array; got ${items.text}`);
  });
});

describe('unknown ids → NotFoundError (§5, §14.4)', () => {
  let col;
  let other;
  before(async () => {
    ({ col } = await simpleCollection(2));
    ({ col: other } = await simpleCollection(1));
  });

  test('unknown collection id', async () => {
    const p = await product();
    for (const id of ['pdc_doesnotexist000000000', 'nope']) {
      await expectAPIError(c.productCollections.retrieve(id), notFound(`retrieve ${id}`));
      await expectAPIError(c.productCollections.update(id, { name: 'x' }), notFound(`update ${id}`));
      await expectAPIError(c.productCollections.delete(id), notFound(`delete ${id}`));
      await expectAPIError(c.productCollections.unarchive(id), notFound(`unarchive ${id}`));
      await expectAPIError(c.productCollections.groups.create(id, { products: [{ product_id: p.product_id }] }), notFound(`groups.create ${id}`));
      const g = col.groups[0];
      await expectAPIError(c.productCollections.groups.update(g.group_id, { id, group_name: 'x' }), notFound(`groups.update under ${id}`));
      await expectAPIError(c.productCollections.groups.delete(g.group_id, { id }), notFound(`groups.delete under ${id}`));
      await expectAPIError(c.productCollections.groups.items.create(g.group_id, { id, products: [{ product_id: p.product_id }] }), notFound(`items.create under ${id}`));
      await expectAPIError(c.productCollections.groups.items.update(g.products[0].id, { id, group_id: g.group_id, status: false }), notFound(`items.update under ${id}`));
      await expectAPIError(c.productCollections.groups.items.delete(g.products[0].id, { id, group_id: g.group_id }), notFound(`items.delete under ${id}`));
    }
    await assertFree([p.product_id], 'nothing was added');
    await assertUnchanged(col.id, col, 'unknown collection ids');
  });

  test('unknown group id, or a group of another collection', async () => {
    const p = await product();
    const foreign = other.groups[0].group_id;
    for (const gid of [randomUUID(), 'not-a-uuid', foreign]) {
      await expectAPIError(c.productCollections.groups.update(gid, { id: col.id, group_name: 'x' }), notFound(`groups.update ${gid}`));
      await expectAPIError(c.productCollections.groups.delete(gid, { id: col.id }), notFound(`groups.delete ${gid}`));
      await expectAPIError(c.productCollections.groups.items.create(gid, { id: col.id, products: [{ product_id: p.product_id }] }), notFound(`items.create ${gid}`));
      const m = col.groups[0].products[0];
      await expectAPIError(c.productCollections.groups.items.update(m.id, { id: col.id, group_id: gid, status: false }), notFound(`items.update in group ${gid}`));
      await expectAPIError(c.productCollections.groups.items.delete(m.id, { id: col.id, group_id: gid }), notFound(`items.delete in group ${gid}`));
    }
    await assertFree([p.product_id], 'nothing was added');
    await assertUnchanged(col.id, col, 'unknown group ids');
    await assertUnchanged(other.id, other, 'foreign group');
  });

  test('unknown item id, or an item of another group/collection', async () => {
    const g = col.groups[0];
    const g2 = await c.productCollections.groups.create(col.id, { products: [{ product_id: (await product()).product_id }] });
    const before = await c.productCollections.retrieve(col.id);
    for (const iid of [randomUUID(), 'not-a-uuid', g2.products[0].id, other.groups[0].products[0].id]) {
      await expectAPIError(c.productCollections.groups.items.update(iid, { id: col.id, group_id: g.group_id, status: false }), notFound(`items.update ${iid}`));
      await expectAPIError(c.productCollections.groups.items.delete(iid, { id: col.id, group_id: g.group_id }), notFound(`items.delete ${iid}`));
    }
    await assertUnchanged(col.id, before, 'unknown item ids');
    await assertUnchanged(other.id, other, 'foreign item');
  });
});

describe('isolation and key scopes (§1.2)', () => {
  let col;
  let ps;
  before(async () => {
    ({ col, ps } = await simpleCollection(2, { description: 'A only' }));
  });

  for (const who of ['b', 'aLive']) {
    test(`${who === 'b' ? "business B's key" : "A's LIVE key"}: A's collection is 404 everywhere and not listed`, async () => {
      const o = env.client(env.keys[who]);
      const g = col.groups[0];
      const m = g.products[0];
      const own = await o.products.create(minimalProduct());
      await expectAPIError(o.productCollections.retrieve(col.id), notFound('retrieve'));
      await expectAPIError(o.productCollections.update(col.id, { name: 'hijack' }), notFound('update'));
      await expectAPIError(o.productCollections.delete(col.id), notFound('delete'));
      await expectAPIError(o.productCollections.unarchive(col.id), notFound('unarchive'));
      await expectAPIError(o.productCollections.groups.create(col.id, { products: [{ product_id: own.product_id }] }), notFound('groups.create'));
      await expectAPIError(o.productCollections.groups.update(g.group_id, { id: col.id, group_name: 'x' }), notFound('groups.update'));
      await expectAPIError(o.productCollections.groups.delete(g.group_id, { id: col.id }), notFound('groups.delete'));
      await expectAPIError(o.productCollections.groups.items.create(g.group_id, { id: col.id, products: [{ product_id: own.product_id }] }), notFound('items.create'));
      await expectAPIError(o.productCollections.groups.items.update(m.id, { id: col.id, group_id: g.group_id, status: false }), notFound('items.update'));
      await expectAPIError(o.productCollections.groups.items.delete(m.id, { id: col.id, group_id: g.group_id }), notFound('items.delete'));
      for (const q of [{}, { archived: true }, { brand_id: env.businessA }]) {
        assert.ok(!ids(await listAllCollections(o, q)).includes(col.id), `${who} list ${show(q)} must not show A's collection`);
      }
      // A's products cannot be put into the other tenant's collection
      await expectAPIError(
        o.productCollections.create({ name: 'steal', groups: [{ products: [{ product_id: ps[0].product_id }] }] }),
        invalid({ label: "another tenant's product" }),
      );
      // its own collection works and is invisible to A
      const mine = await o.productCollections.create({ name: `owned by ${who}`, groups: [{ products: [{ product_id: own.product_id }] }] });
      assert.equal(mine.brand_id, who === 'b' ? env.businessB : env.businessA, 'brand_id defaults to the primary brand of the key’s business');
      assert.ok(ids(await listAllCollections(o)).includes(mine.id));
      await expectAPIError(c.productCollections.retrieve(mine.id), notFound("A's test key retrieving the other's collection"));
      assert.ok(!(await activeIds()).includes(mine.id));
      await assertUnchanged(col.id, col, `${who} attempts`);
      for (const p of ps) assert.equal(await collectionOf(p.product_id), col.id);
    });
  }

  test('read-only key: reads work, every write → 401 UNAUTHORIZED, nothing written', async () => {
    const ro = env.client(env.keys.aReadOnly);
    assert.deepEqual(await ro.productCollections.retrieve(col.id), await c.productCollections.retrieve(col.id));
    assert.ok(ids(await listAllCollections(ro)).includes(col.id));
    const fresh = await product();
    const g = col.groups[0];
    const m = g.products[0];
    const unauthorized = (label) => ({ cls: AuthenticationError, status: 401, code: 'UNAUTHORIZED', label });
    const before = await activeIds();
    await expectAPIError(ro.productCollections.create({ name: 'ro', groups: [{ products: [{ product_id: fresh.product_id }] }] }), unauthorized('create'));
    await expectAPIError(ro.productCollections.update(col.id, { name: 'ro' }), unauthorized('update'));
    await expectAPIError(ro.productCollections.delete(col.id), unauthorized('delete'));
    await expectAPIError(ro.productCollections.unarchive(col.id), unauthorized('unarchive'));
    await expectAPIError(ro.productCollections.groups.create(col.id, { products: [{ product_id: fresh.product_id }] }), unauthorized('groups.create'));
    await expectAPIError(ro.productCollections.groups.update(g.group_id, { id: col.id, group_name: 'ro' }), unauthorized('groups.update'));
    await expectAPIError(ro.productCollections.groups.delete(g.group_id, { id: col.id }), unauthorized('groups.delete'));
    await expectAPIError(ro.productCollections.groups.items.create(g.group_id, { id: col.id, products: [{ product_id: fresh.product_id }] }), unauthorized('items.create'));
    await expectAPIError(ro.productCollections.groups.items.update(m.id, { id: col.id, group_id: g.group_id, status: false }), unauthorized('items.update'));
    await expectAPIError(ro.productCollections.groups.items.delete(m.id, { id: col.id, group_id: g.group_id }), unauthorized('items.delete'));
    assert.deepEqual(await activeIds(), before);
    await assertUnchanged(col.id, col, 'read-only attempts');
    await assertFree([fresh.product_id], 'read-only attempts');
  });

  test('revoked key → 401', async () => {
    const rk = env.client(env.keys.revoked);
    await expectAPIError(rk.productCollections.retrieve(col.id), { cls: AuthenticationError, status: 401, code: 'UNAUTHORIZED' });
    await expectAPIError(rk.productCollections.list(), { cls: AuthenticationError, status: 401, code: 'UNAUTHORIZED' });
  });
});

describe('memberships reflect the product as it is now', () => {
  test('products.update changes what the collection shows', async () => {
    const { col, ps } = await simpleCollection(2);
    await c.products.update(ps[0].product_id, {
      name: 'Renamed product',
      description: 'now described',
      price: recurringPrice({ price: 7777, currency: 'EUR', tax_inclusive: true }),
      tax_category: 'e_book',
    });
    const p = await c.products.retrieve(ps[0].product_id);
    assert.equal(p.name, 'Renamed product');
    const got = await c.productCollections.retrieve(col.id);
    const m = got.groups[0].products[0];
    assertMemberMatches(m, p);
    assert.equal(m.name, 'Renamed product');
    assert.equal(m.description, 'now described');
    assert.equal(m.price, 7777);
    assert.equal(m.currency, 'EUR');
    assert.equal(m.is_recurring, true);
    assert.equal(m.tax_inclusive, true);
    assert.equal(m.tax_category, 'e_book');
    assert.equal(m.id, col.groups[0].products[0].id, 'same membership');
    assertMemberMatches(got.groups[0].products[1], await c.products.retrieve(ps[1].product_id));
    // and in the items.create / groups.create responses too
    const fresh = await product({ name: 'Before' });
    await c.products.update(fresh.product_id, { name: 'After' });
    const [added] = await c.productCollections.groups.items.create(col.groups[0].group_id, { id: col.id, products: [{ product_id: fresh.product_id }] });
    assert.equal(added.name, 'After');
  });

  test('products.retrieve(...).product_collection_id follows membership', async () => {
    const { col, ps } = await simpleCollection(1);
    assert.equal(await collectionOf(ps[0].product_id), col.id);
    const p = await product();
    assert.equal(await collectionOf(p.product_id), null);
    const [m] = await c.productCollections.groups.items.create(col.groups[0].group_id, { id: col.id, products: [{ product_id: p.product_id }] });
    assert.equal(await collectionOf(p.product_id), col.id);
    // the list of products does not carry it, but retrieve does; after archive it is null
    await c.productCollections.delete(col.id);
    assert.equal(await collectionOf(p.product_id), null);
    assert.equal(await collectionOf(ps[0].product_id), null);
    await c.productCollections.unarchive(col.id);
    assert.equal(await collectionOf(p.product_id), col.id);
    await c.productCollections.groups.items.delete(m.id, { id: col.id, group_id: col.groups[0].group_id });
    assert.equal(await collectionOf(p.product_id), null);
  });
});

describe('concurrency through the SDK', () => {
  test('10 parallel creates with the same product: exactly one wins, the rest 422', async () => {
    const p = await product();
    const extras = await products(10);
    const before = new Set(await activeIds());
    const results = await Promise.allSettled(
      extras.map((extra, i) =>
        c.productCollections.create({
          name: `race ${i}`,
          groups: [{ products: [{ product_id: extra.product_id }, { product_id: p.product_id }] }],
        }),
      ),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    assert.equal(won.length, 1, `exactly one create must win; got ${won.length}: ${show(results.map((r) => r.status === 'fulfilled' ? r.value.id : `${r.reason?.status} ${r.reason?.error?.code}`))}`);
    for (const r of lost) {
      assert.ok(r.reason instanceof UnprocessableEntityError, `losers are 422; got ${r.reason?.status} ${show(r.reason?.error)} ${r.reason?.stack}`);
      assert.equal(r.reason.status, 422);
      assert.equal(r.reason.error?.code, README_CODES.taken, show(r.reason.error));
      assert.ok(r.reason.error.message.includes(p.product_id), `the message names the product; ${show(r.reason.error)}`);
    }
    const winner = won[0].value;
    const added = (await activeIds()).filter((id) => !before.has(id));
    assert.deepEqual(added, [winner.id], 'the list holds exactly one new collection');
    assert.equal(await collectionOf(p.product_id), winner.id);
    const got = await c.productCollections.retrieve(winner.id);
    assert.equal(got.groups[0].products.length, 2);
  });

  test('10 parallel groups.create with the same group_name: exactly one wins', async () => {
    const { col } = await simpleCollection(1);
    const ps = await products(10);
    const results = await Promise.allSettled(
      ps.map((p) => c.productCollections.groups.create(col.id, { group_name: 'Contended', products: [{ product_id: p.product_id }] })),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    assert.equal(won.length, 1, `exactly one group create must win; ${show(results.map((r) => r.status === 'fulfilled' ? r.value.group_id : `${r.reason?.status} ${r.reason?.error?.code}`))}`);
    for (const r of results.filter((x) => x.status === 'rejected')) {
      assert.equal(r.reason?.status, 422, `losers are 422; ${show(r.reason?.error)} ${r.reason?.stack}`);
      assert.equal(r.reason?.error?.code, README_CODES.groupName, show(r.reason?.error));
    }
    const got = await c.productCollections.retrieve(col.id);
    const named = got.groups.filter((g) => g.group_name === 'Contended');
    assert.equal(named.length, 1, show(got.groups));
    assert.equal(named[0].group_id, won[0].value.group_id);
    assert.equal(got.groups.length, 2);
    const winnerProduct = named[0].products[0].product_id;
    await assertFree(pids(ps).filter((id) => id !== winnerProduct), 'losing group creates');
  });

  test('10 parallel items.create of one product into 10 collections: exactly one wins', async () => {
    const cols = [];
    for (let i = 0; i < 10; i++) cols.push((await simpleCollection(1)).col);
    const p = await product();
    const results = await Promise.allSettled(
      cols.map((col) => c.productCollections.groups.items.create(col.groups[0].group_id, { id: col.id, products: [{ product_id: p.product_id }] })),
    );
    const won = results.map((r, i) => [r, cols[i]]).filter(([r]) => r.status === 'fulfilled');
    assert.equal(won.length, 1, `exactly one must win; ${show(results.map((r) => r.status === 'fulfilled' ? 'ok' : `${r.reason?.status} ${r.reason?.error?.code}`))}`);
    for (const r of results.filter((x) => x.status === 'rejected')) {
      assert.equal(r.reason?.status, 422, show(r.reason?.error));
      assert.equal(r.reason?.error?.code, README_CODES.taken, show(r.reason?.error));
      assert.ok(r.reason.error.message.includes(p.product_id), show(r.reason.error));
    }
    assert.equal(await collectionOf(p.product_id), won[0][1].id);
    for (const col of cols) {
      const got = await c.productCollections.retrieve(col.id);
      assert.equal(got.groups[0].products.length, col.id === won[0][1].id ? 2 : 1, `collection ${col.id}`);
    }
  });

  test('parallel deletes of the last two items: one succeeds, the collection keeps a product', async () => {
    const { col } = await simpleCollection(2);
    const g = col.groups[0];
    const results = await Promise.allSettled(g.products.map((m) => c.productCollections.groups.items.delete(m.id, { id: col.id, group_id: g.group_id })));
    const ok = results.filter((r) => r.status === 'fulfilled');
    assert.equal(ok.length, 1, show(results.map((r) => r.status === 'fulfilled' ? 'ok' : `${r.reason?.status} ${r.reason?.error?.code}`)));
    const bad = results.find((r) => r.status === 'rejected');
    assert.equal(bad.reason?.status, 422, show(bad.reason?.error));
    assert.equal(bad.reason?.error?.code, 'PRODUCT_COLLECTION_MUST_HAVE_PRODUCTS');
    const got = await c.productCollections.retrieve(col.id);
    assert.equal(got.groups[0].products.length, 1);
  });
});
