// Product-collection fixtures and shape assertions for test/collections.test.js.
// Key lists follow shared/spec/dodo-catalog.md §7 and the SDK's
// resources/product-collections/** (dodopayments 2.52.0).

import assert from 'node:assert/strict';
import { show } from './harness.js';
import { assertTimestamp, assertPriceShape } from './products.js';

export const COLLECTION_ID_RE = /^pdc_[A-Za-z0-9]{21}$/;
export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Every key of `ProductCollection` (§7.3); optional ones present as null when empty (§1.5). */
export const COLLECTION_KEYS = [
  'id',
  'brand_id',
  'name',
  'groups',
  'created_at',
  'updated_at',
  'description',
  'image',
  'effective_at_on_downgrade',
  'effective_at_on_upgrade',
  'on_payment_failure',
  'proration_billing_mode_on_downgrade',
  'proration_billing_mode_on_upgrade',
];

/** The five upgrade/downgrade policy fields with two valid values each (§4.2). */
export const POLICY = {
  effective_at_on_downgrade: ['immediately', 'next_billing_date'],
  effective_at_on_upgrade: ['next_billing_date', 'immediately'],
  on_payment_failure: ['prevent_change', 'apply_change'],
  proration_billing_mode_on_downgrade: ['do_not_bill', 'prorated_immediately'],
  proration_billing_mode_on_upgrade: ['difference_immediately', 'full_immediately'],
};
export const POLICY_FIELDS = Object.keys(POLICY);

/** Every valid value of each policy field (§4.2 / SDK types). */
const EFFECTIVE_AT = ['immediately', 'next_billing_date'];
const PRORATION = ['prorated_immediately', 'full_immediately', 'difference_immediately', 'do_not_bill'];
export const POLICY_ENUMS = {
  effective_at_on_downgrade: EFFECTIVE_AT,
  effective_at_on_upgrade: EFFECTIVE_AT,
  on_payment_failure: ['prevent_change', 'apply_change'],
  proration_billing_mode_on_downgrade: PRORATION,
  proration_billing_mode_on_upgrade: PRORATION,
};

/** `ProductCollectionGroupResponse` (§7.3). */
export const GROUP_KEYS = ['group_id', 'group_name', 'status', 'products'];

/** `ProductCollectionProduct` (§7.3): membership fields + product summary. */
export const MEMBER_KEYS = [
  'id',
  'product_id',
  'status',
  'name',
  'description',
  'price',
  'price_detail',
  'currency',
  'tax_category',
  'tax_inclusive',
  'is_recurring',
  'license_key_enabled',
  'has_credit_entitlements',
  'addons_count',
  'files_count',
  'meters_count',
];

/** `ProductCollectionListResponse` (§7.4). No groups, no brand_id. */
export const LIST_ITEM_KEYS = ['id', 'name', 'description', 'image', 'products_count', 'created_at', 'updated_at'];

export const UNARCHIVE_KEYS = ['collection_id', 'excluded_product_ids', 'message'];

function hasKey(obj, k) {
  return obj !== null && typeof obj === 'object' && Object.prototype.hasOwnProperty.call(obj, k);
}

/** Asserts the object has every key in `keys` (and, if exact, no others). */
export function assertKeys(obj, keys, what, { exact = false } = {}) {
  const ctx = `${what}: ${show(obj)}`;
  assert.ok(obj && typeof obj === 'object' && !Array.isArray(obj), `${what} must be an object; ${ctx}`);
  for (const k of keys) assert.ok(hasKey(obj, k), `${what} must contain key "${k}" (null when empty, §1.5/§7); ${ctx}`);
  if (exact) {
    const extra = Object.keys(obj).filter((k) => !keys.includes(k));
    assert.deepEqual(extra, [], `${what} has undocumented keys ${show(extra)}; ${ctx}`);
  }
}

/** Asserts `c` is a well-formed ProductCollection. */
export function assertCollectionShape(c, { brandId } = {}) {
  assertKeys(c, COLLECTION_KEYS, 'ProductCollection');
  const ctx = `collection: ${show(c)}`;
  assert.match(c.id, COLLECTION_ID_RE, `id must be pdc_ + 21 alphanumerics (§4.1); ${ctx}`);
  assert.equal(typeof c.brand_id, 'string', ctx);
  if (brandId) assert.equal(c.brand_id, brandId, `brand_id; ${ctx}`);
  assert.equal(typeof c.name, 'string', ctx);
  assert.ok(c.description === null || typeof c.description === 'string', ctx);
  assert.ok(c.image === null || typeof c.image === 'string', ctx);
  assertTimestamp(c.created_at, 'created_at', ctx);
  assertTimestamp(c.updated_at, 'updated_at', ctx);
  assert.ok(Date.parse(c.updated_at) >= Date.parse(c.created_at), `updated_at >= created_at; ${ctx}`);
  for (const f of POLICY_FIELDS) {
    assert.ok(c[f] === null || POLICY_ENUMS[f].includes(c[f]), `${f} must be null or one of ${POLICY_ENUMS[f]}; ${ctx}`);
  }
  assert.ok(Array.isArray(c.groups), `groups must be an array; ${ctx}`);
  for (const g of c.groups) assertGroupShape(g);
  const memberIds = c.groups.flatMap((g) => g.products.map((m) => m.id));
  assert.equal(new Set(memberIds).size, memberIds.length, `membership ids must be unique; ${ctx}`);
  const productIds = c.groups.flatMap((g) => g.products.map((m) => m.product_id));
  assert.equal(new Set(productIds).size, productIds.length, `a product appears at most once in a collection; ${ctx}`);
}

export function assertGroupShape(g) {
  assertKeys(g, GROUP_KEYS, 'ProductCollectionGroupResponse');
  const ctx = `group: ${show(g)}`;
  assert.match(g.group_id, UUID_RE, `group_id must be a UUID (§4.1); ${ctx}`);
  assert.ok(g.group_name === null || typeof g.group_name === 'string', ctx);
  assert.equal(typeof g.status, 'boolean', ctx);
  assert.ok(Array.isArray(g.products), `products must be an array; ${ctx}`);
  for (const m of g.products) assertMemberShape(m);
}

export function assertMemberShape(m) {
  assertKeys(m, MEMBER_KEYS, 'ProductCollectionProduct');
  const ctx = `membership: ${show(m)}`;
  assert.match(m.id, UUID_RE, `membership id must be a UUID (§4.1); ${ctx}`);
  assert.match(m.product_id, /^pdt_/, ctx);
  for (const k of ['status', 'is_recurring', 'license_key_enabled', 'has_credit_entitlements']) {
    assert.equal(typeof m[k], 'boolean', `${k} must be a boolean; ${ctx}`);
  }
  for (const k of ['addons_count', 'files_count', 'meters_count']) {
    assert.ok(Number.isInteger(m[k]) && m[k] >= 0, `${k} must be a non-negative integer; ${ctx}`);
  }
  if (m.price_detail !== null) assertPriceShape(m.price_detail, ctx);
}

/** The headline amount of a Price: `price`, or `fixed_price` for usage-based prices. */
export function headlinePrice(price) {
  return price.type === 'usage_based_price' ? price.fixed_price : price.price;
}

/** Asserts a membership's product summary matches `p` (a Product from products.retrieve). */
export function assertMemberMatches(m, p) {
  const ctx = `membership ${show(m)} vs product ${show(p)}`;
  assert.equal(m.product_id, p.product_id, ctx);
  assert.equal(m.name, p.name, `name; ${ctx}`);
  assert.equal(m.description, p.description, `description; ${ctx}`);
  assert.equal(m.price, headlinePrice(p.price), `price is the product's headline amount; ${ctx}`);
  assert.deepEqual(m.price_detail, p.price, `price_detail is the product's Price; ${ctx}`);
  assert.equal(m.currency, p.price.currency, `currency; ${ctx}`);
  assert.equal(m.tax_category, p.tax_category, `tax_category; ${ctx}`);
  assert.equal(m.tax_inclusive, p.price.tax_inclusive ?? null, `tax_inclusive; ${ctx}`);
  assert.equal(m.is_recurring, p.is_recurring, `is_recurring; ${ctx}`);
  assert.equal(m.license_key_enabled, p.license_key_enabled, `license_key_enabled; ${ctx}`);
  assert.equal(m.has_credit_entitlements, p.credit_entitlements.length > 0, `has_credit_entitlements; ${ctx}`);
  assert.equal(m.addons_count, (p.addons ?? []).length, `addons_count; ${ctx}`);
  assert.equal(m.files_count, (p.digital_product_delivery?.files ?? []).length, `files_count; ${ctx}`);
  assert.equal(m.meters_count, p.price.type === 'usage_based_price' ? (p.price.meters ?? []).length : 0, `meters_count; ${ctx}`);
}

/** A compact picture of a collection's structure, for "nothing changed" checks. */
export function structure(c) {
  return c.groups.map((g) => ({
    group_id: g.group_id,
    group_name: g.group_name,
    status: g.status,
    products: g.products.map((m) => ({ id: m.id, product_id: m.product_id, status: m.status })),
  }));
}

/** A collection as stored, minus what the SDK response derives from the products. */
export function snapshot(c) {
  const { groups, ...rest } = c;
  return { ...rest, groups: structure(c) };
}

/** All collections matching `query`, page by page from page 0 (page_size 100). */
export async function listAllCollections(client, query = {}) {
  const items = [];
  for await (const item of client.productCollections.list({ page_size: 100, page_number: 0, ...query })) items.push(item);
  return items;
}
