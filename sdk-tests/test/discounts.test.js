// Discounts through the official SDK (client.discounts.*): create, retrieve,
// retrieveByCode, list with its filters, update, delete. Spec:
// shared/spec/dodo-catalog.md §1–§3, §5 rows 58–63, §12.2. Where the spec is
// silent the test follows internal/api/dodo/README.md "Discounts" and says so.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, expectAPIError, raw, show, DodoPayments } from '../lib/harness.js';
import { minimalProduct } from '../lib/products.js';

const { NotFoundError, UnprocessableEntityError, AuthenticationError } = DodoPayments;

const DISCOUNT_KEYS = [
  'discount_id', 'business_id', 'code', 'amount', 'type', 'times_used', 'restricted_to', 'customer_eligibility',
  'preserve_on_plan_change', 'metadata', 'created_at', 'currency_options', 'expires_at', 'starts_at', 'name',
  'per_customer_usage_limit', 'subscription_cycles', 'usage_limit',
];
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

function assertDiscountShape(d) {
  for (const k of DISCOUNT_KEYS) assert.ok(k in d, `Discount lacks documented key ${k}: ${show(d)}`);
  assert.match(d.discount_id, /^dsc_/);
  assert.equal(d.business_id, env.businessA);
  assert.match(d.created_at, ISO);
  assert.ok(Array.isArray(d.restricted_to) && Array.isArray(d.currency_options), show(d));
  assert.equal(typeof d.metadata, 'object');
}

let seq = 0;
const uniq = (p) => `${p}${++seq}`.toUpperCase();
const pct = (over = {}) => c.discounts.create({ amount: 1000, type: 'percentage', ...over });
const hoursFromNow = (h) => new Date(Date.now() + h * 3600_000).toISOString();

async function listCodes(query) {
  const out = [];
  for await (const d of c.discounts.list({ page_number: 0, page_size: 100, ...query })) out.push(d.code);
  return out.sort();
}

describe('create and retrieve', () => {
  test('minimal percentage discount: random 16-character uppercase code, every key present', async () => {
    const d = await pct({ amount: 540 });
    assertDiscountShape(d);
    assert.match(d.code, /^[A-Z0-9]{16}$/);
    assert.equal(d.amount, 540, 'amounts are basis points');
    assert.equal(d.type, 'percentage');
    assert.equal(d.times_used, 0);
    assert.equal(d.customer_eligibility, 'any');
    assert.equal(d.preserve_on_plan_change, false);
    assert.deepEqual(d.restricted_to, []);
    assert.deepEqual(d.currency_options, []);
    assert.deepEqual(d.metadata, {});
    for (const k of ['expires_at', 'starts_at', 'name', 'usage_limit', 'per_customer_usage_limit', 'subscription_cycles']) {
      assert.equal(d[k], null, k);
    }
    assert.deepEqual(await c.discounts.retrieve(d.discount_id), d);
    const empty = await pct({ code: '' });
    assert.match(empty.code, /^[A-Z0-9]{16}$/, 'an empty code is generated too');
    assert.notEqual(empty.code, d.code);
  });

  test('every field round-trips; codes are uppercased', async () => {
    const p = await c.products.create(minimalProduct());
    const body = {
      amount: 1, type: 'flat', code: 'flat-five', name: 'Five off', usage_limit: 10, per_customer_usage_limit: 2,
      subscription_cycles: 3, preserve_on_plan_change: true, customer_eligibility: 'specific',
      starts_at: '2020-01-01T00:00:00Z', expires_at: '2999-06-01T12:00:00.123456Z', metadata: { a: 'b', n: 2, t: true },
      restricted_to: [p.product_id],
      currency_options: [
        { currency: 'USD', is_default: true, max_amount_possible: 500, minimum_subtotal: 1000 },
        { currency: 'EUR', max_amount_possible: 450 },
      ],
    };
    const d = await c.discounts.create(body);
    assertDiscountShape(d);
    assert.equal(d.code, 'FLAT-FIVE');
    for (const k of ['amount', 'type', 'name', 'usage_limit', 'per_customer_usage_limit', 'subscription_cycles', 'preserve_on_plan_change', 'customer_eligibility']) {
      assert.equal(d[k], body[k], k);
    }
    assert.equal(Date.parse(d.starts_at), Date.parse(body.starts_at));
    assert.equal(d.expires_at, '2999-06-01T12:00:00.123456Z');
    assert.deepEqual(d.metadata, body.metadata);
    assert.deepEqual(d.restricted_to, [p.product_id]);
    assert.deepEqual(d.currency_options, [
      { currency: 'USD', is_default: true, max_amount_possible: 500, minimum_subtotal: 1000 },
      { currency: 'EUR', is_default: false, max_amount_possible: 450, minimum_subtotal: 0 },
    ]);
    assert.deepEqual(await c.discounts.retrieve(d.discount_id), d);
  });

  test('a lone currency option is the default of a flat discount (README)', async () => {
    const d = await c.discounts.create({ amount: 1, type: 'flat', currency_options: [{ currency: 'INR', max_amount_possible: 100 }] });
    assert.equal(d.currency_options[0].is_default, true);
  });

  test('invalid bodies are 422 with the documented code, and nothing is written', async () => {
    const before = await listCodes({});
    for (const [body, code, field] of [
      [{ amount: 0, type: 'percentage' }, 'INVALID_REQUEST_BODY', 'amount'],
      [{ amount: 10001, type: 'percentage' }, 'INVALID_PERCENTAGE', 'amount'],
      [{ amount: 1, type: 'flat_per_unit' }, 'UNSUPPORTED_DISCOUNT_TYPE', 'type'],
      [{ amount: 1, type: 'flat' }, 'DISCOUNT_CURRENCY_OPTION_INVALID', 'currency_options'],
      [{ amount: 1, type: 'flat', currency_options: [{ currency: 'USD', max_amount_possible: 1 }, { currency: 'EUR', max_amount_possible: 1 }] }, 'DISCOUNT_CURRENCY_OPTION_INVALID', 'default'],
      [{ amount: 1, type: 'percentage', currency_options: [{ currency: 'USD', is_default: true }, { currency: 'EUR', is_default: true }] }, 'DISCOUNT_CURRENCY_OPTION_INVALID', 'default'],
      [{ amount: 1, type: 'percentage', currency_options: [{ currency: 'USD' }, { currency: 'USD' }] }, 'DISCOUNT_CURRENCY_OPTION_INVALID', 'currency_options[1]'],
      [{ amount: 1, type: 'percentage', currency_options: [{ currency: 'USD', max_amount_possible: 0 }] }, 'INVALID_REQUEST_BODY', 'max_amount_possible'],
      [{ amount: 1, type: 'percentage', code: 'ab' }, 'INVALID_REQUEST_BODY', 'code'],
      [{ amount: 1, type: 'percentage', starts_at: '2030-01-02T00:00:00Z', expires_at: '2030-01-01T00:00:00Z' }, 'INVALID_REQUEST_BODY', 'starts_at'],
      [{ amount: 1, type: 'percentage', usage_limit: 0 }, 'INVALID_REQUEST_BODY', 'usage_limit'],
      [{ amount: 1, type: 'percentage', usage_limit: 1, per_customer_usage_limit: 2 }, 'INVALID_REQUEST_BODY', 'per_customer_usage_limit'],
      [{ amount: 1, type: 'percentage', restricted_to: ['pdt_missing'] }, 'INVALID_REQUEST_BODY', 'pdt_missing'],
      [{ amount: 1, type: 'percentage', expires_at: 'next week' }, 'INVALID_REQUEST_BODY', 'expires_at'],
    ]) {
      await expectAPIError(c.discounts.create(body), { cls: UnprocessableEntityError, code, message: field, label: show(body) });
    }
    assert.deepEqual(await listCodes({}), before);
  });

  test('codes are unique per business and mode, case-insensitively: 422 DISCOUNT_CODE_ALREADY_EXISTS', async () => {
    const code = uniq('dup');
    await pct({ code });
    await expectAPIError(pct({ code: code.toLowerCase() }), { cls: UnprocessableEntityError, code: 'DISCOUNT_CODE_ALREADY_EXISTS' });
    // another business, or live mode, may use the same code
    await env.client(env.keys.b).discounts.create({ amount: 1, type: 'percentage', code });
    await env.client(env.keys.aLive).discounts.create({ amount: 1, type: 'percentage', code });
  });

  test('parallel creates of one code: exactly one wins', async () => {
    const code = uniq('race');
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => pct({ code })));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, show(results.map((r) => r.reason?.error ?? 'ok')));
    for (const r of results) if (r.status === 'rejected') assert.equal(r.reason.error?.code, 'DISCOUNT_CODE_ALREADY_EXISTS');
  });

  test('private to a business and a mode; read-only keys only read', async () => {
    const d = await pct({ code: uniq('mine') });
    for (const k of ['b', 'aLive']) {
      const other = env.client(env.keys[k]);
      await expectAPIError(other.discounts.retrieve(d.discount_id), { cls: NotFoundError, label: k });
      await expectAPIError(other.discounts.retrieveByCode(d.code), { cls: NotFoundError, label: k });
      await expectAPIError(other.discounts.update(d.discount_id, { name: 'x' }), { cls: NotFoundError, label: k });
      await expectAPIError(other.discounts.delete(d.discount_id), { cls: NotFoundError, label: k });
    }
    const ro = env.client(env.keys.aReadOnly);
    assert.equal((await ro.discounts.retrieve(d.discount_id)).code, d.code);
    await expectAPIError(ro.discounts.create({ amount: 1, type: 'percentage' }), { cls: AuthenticationError });
    await expectAPIError(ro.discounts.delete(d.discount_id), { status: 401 });
  });
});

describe('retrieveByCode', () => {
  test('finds a redeemable discount by code, case-insensitively', async () => {
    const d = await pct({ code: uniq('bycode') });
    assert.deepEqual(await c.discounts.retrieveByCode(d.code.toLowerCase()), d);
    assert.deepEqual(await c.discounts.retrieveByCode(d.code), d);
  });

  test('404 when missing or deleted', async () => {
    await expectAPIError(c.discounts.retrieveByCode('NOSUCHCODE'), { cls: NotFoundError, code: 'NOT_FOUND' });
    const d = await pct({ code: uniq('gone') });
    await c.discounts.delete(d.discount_id);
    await expectAPIError(c.discounts.retrieveByCode(d.code), { cls: NotFoundError });
  });

  test('422 DISCOUNT_CODE_EXPIRED once expired, 422 DISCOUNT_NOT_YET_ACTIVE before it starts', async () => {
    const old = await pct({ code: uniq('old'), expires_at: hoursFromNow(-1) });
    await expectAPIError(c.discounts.retrieveByCode(old.code), { cls: UnprocessableEntityError, code: 'DISCOUNT_CODE_EXPIRED' });
    // README "Discounts": not yet started is 422 too (status undocumented).
    const soon = await pct({ code: uniq('soon'), starts_at: hoursFromNow(1) });
    await expectAPIError(c.discounts.retrieveByCode(soon.code), { cls: UnprocessableEntityError, code: 'DISCOUNT_NOT_YET_ACTIVE' });
    // by id both are still there
    assert.equal((await c.discounts.retrieve(old.discount_id)).code, old.code);
    // moving starts_at into the past makes it redeemable
    await c.discounts.update(soon.discount_id, { starts_at: null });
    assert.equal((await c.discounts.retrieveByCode(soon.code)).discount_id, soon.discount_id);
  });

  test('codes never reach the {discount_id} route and ids never reach the code route', async () => {
    const d = await pct({ code: 'CODE' });
    assert.equal((await c.discounts.retrieveByCode('code')).discount_id, d.discount_id);
    await expectAPIError(c.discounts.retrieve('code'), { cls: NotFoundError });
    await expectAPIError(c.discounts.retrieveByCode(d.discount_id), { cls: NotFoundError });
  });
});

describe('list', () => {
  test('filters: code (partial, case-insensitive), discount_type, active, product_id', async () => {
    const p1 = await c.products.create(minimalProduct());
    const p2 = await c.products.create(minimalProduct());
    await pct({ code: 'LSUMMER10' });
    await pct({ code: 'LSUMMER_P1', restricted_to: [p1.product_id] });
    await c.discounts.create({ amount: 1, type: 'flat', code: 'LWINTER', currency_options: [{ currency: 'USD', max_amount_possible: 5 }] });
    await pct({ code: 'LOLD', expires_at: hoursFromNow(-1) });
    await pct({ code: 'LLATER', starts_at: hoursFromNow(2) });
    const mine = (codes) => codes.filter((x) => /^L(SUMMER|WINTER|OLD|LATER)/.test(x));
    assert.deepEqual(await listCodes({ code: 'lsummer' }), ['LSUMMER10', 'LSUMMER_P1']);
    assert.deepEqual(await listCodes({ code: 'r_p' }), ['LSUMMER_P1'], '_ is matched literally');
    assert.deepEqual(await listCodes({ code: '%' }), []);
    assert.deepEqual(mine(await listCodes({ discount_type: 'flat' })), ['LWINTER']);
    assert.deepEqual(mine(await listCodes({ active: true })), ['LSUMMER10', 'LSUMMER_P1', 'LWINTER']);
    assert.deepEqual(mine(await listCodes({ active: false })), ['LLATER', 'LOLD']);
    // README "Discounts": a discount without restrictions applies to every product.
    assert.deepEqual(mine(await listCodes({ product_id: p2.product_id })), ['LLATER', 'LOLD', 'LSUMMER10', 'LWINTER']);
    assert.deepEqual(mine(await listCodes({ product_id: p1.product_id, active: true, discount_type: 'percentage' })), ['LSUMMER10', 'LSUMMER_P1']);
  });

  test('zero-based pages, newest first, {items: []} past the end, bad params 422', async () => {
    const page0 = await c.discounts.list({ page_size: 2, page_number: 0 });
    const page1 = await c.discounts.list({ page_size: 2, page_number: 1 });
    assert.equal(page0.items.length, 2);
    assert.notDeepEqual(page0.items[0].discount_id, page1.items[0].discount_id);
    assert.ok(page0.items[0].created_at >= page0.items[1].created_at);
    assert.ok(page0.items[1].created_at >= page1.items[0].created_at);
    const far = await c.discounts.list({ page_size: 100, page_number: 1000 });
    assert.deepEqual(far.items, []);
    await expectAPIError(c.discounts.list({ page_size: 101 }), { cls: UnprocessableEntityError });
    await expectAPIError(c.discounts.list({ discount_type: 'flat_per_unit' }), { cls: UnprocessableEntityError, code: 'INVALID_QUERY_PARAMS' });
  });

  test('deleted discounts are not listed', async () => {
    const d = await pct({ code: uniq('listdel') });
    assert.deepEqual(await listCodes({ code: d.code }), [d.code]);
    await c.discounts.delete(d.discount_id);
    assert.deepEqual(await listCodes({ code: d.code }), []);
  });
});

describe('update', () => {
  test('returns the discount; omitted fields keep, null keeps plain fields and clears starts_at and per_customer_usage_limit', async () => {
    const p = await c.products.create(minimalProduct());
    const d = await pct({
      code: uniq('upd'), name: 'N', usage_limit: 5, per_customer_usage_limit: 2, starts_at: '2020-01-01T00:00:00Z',
      expires_at: '2999-01-01T00:00:00Z', customer_eligibility: 'existing', restricted_to: [p.product_id],
      currency_options: [{ currency: 'EUR', max_amount_possible: 100 }], metadata: { k: 'v' },
    });
    assert.deepEqual(await c.discounts.update(d.discount_id, {}), d);
    const u = await c.discounts.update(d.discount_id, {
      name: null, expires_at: null, usage_limit: null, customer_eligibility: null, amount: null, type: null, metadata: null,
      starts_at: null, per_customer_usage_limit: null, code: 'renamed' + seq,
    });
    assertDiscountShape(u);
    assert.equal(u.name, 'N');
    assert.equal(u.expires_at, d.expires_at);
    assert.equal(u.usage_limit, 5);
    assert.equal(u.customer_eligibility, 'existing');
    assert.equal(u.amount, 1000);
    assert.deepEqual(u.metadata, { k: 'v' });
    assert.equal(u.starts_at, null);
    assert.equal(u.per_customer_usage_limit, null);
    assert.equal(u.code, ('renamed' + seq).toUpperCase());
    assert.deepEqual(u.restricted_to, [p.product_id]);
    const cleared = await c.discounts.update(d.discount_id, { restricted_to: [], currency_options: [], preserve_on_plan_change: true });
    assert.deepEqual(cleared.restricted_to, []);
    assert.deepEqual(cleared.currency_options, []);
    assert.equal(cleared.preserve_on_plan_change, true);
    assert.deepEqual(await c.discounts.retrieve(d.discount_id), cleared);
  });

  test('the merged discount is re-validated; a rejected patch changes nothing', async () => {
    const d = await pct({ code: uniq('val'), usage_limit: 5 });
    const taken = await pct({ code: uniq('taken') });
    for (const [body, code] of [
      [{ type: 'flat' }, 'DISCOUNT_CURRENCY_OPTION_INVALID'],
      [{ amount: 20000 }, 'INVALID_PERCENTAGE'],
      [{ amount: 0 }, 'INVALID_REQUEST_BODY'],
      [{ per_customer_usage_limit: 6 }, 'INVALID_REQUEST_BODY'],
      [{ code: taken.code.toLowerCase() }, 'DISCOUNT_CODE_ALREADY_EXISTS'],
      [{ restricted_to: ['pdt_missing'] }, 'INVALID_REQUEST_BODY'],
      [{ starts_at: '2030-01-01T00:00:00Z', expires_at: '2029-01-01T00:00:00Z' }, 'INVALID_REQUEST_BODY'],
    ]) {
      await expectAPIError(c.discounts.update(d.discount_id, body), { cls: UnprocessableEntityError, code, label: show(body) });
    }
    assert.deepEqual(await c.discounts.retrieve(d.discount_id), d);
    const flat = await c.discounts.update(d.discount_id, { type: 'flat', currency_options: [{ currency: 'USD', max_amount_possible: 300 }] });
    assert.equal(flat.type, 'flat');
    assert.equal(flat.currency_options[0].is_default, true);
  });
});

describe('delete', () => {
  test('204, then 404 everywhere; the code is free again', async () => {
    const d = await pct({ code: uniq('del') });
    assert.equal(await c.discounts.delete(d.discount_id), null, 'DELETE is 204: the SDK resolves with null');
    const r = await raw(env.baseURL, 'DELETE', `/discounts/${d.discount_id}`, { key: env.keys.a });
    assert.equal(r.status, 404);
    await expectAPIError(c.discounts.retrieve(d.discount_id), { cls: NotFoundError });
    await expectAPIError(c.discounts.update(d.discount_id, { name: 'x' }), { cls: NotFoundError });
    await expectAPIError(c.discounts.delete(d.discount_id), { cls: NotFoundError });
    const again = await pct({ code: d.code });
    assert.notEqual(again.discount_id, d.discount_id);
  });
});
