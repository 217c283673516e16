// Product fixtures and shape assertions shared by the test files.
// Field lists follow shared/spec/dodo-catalog.md §6 and the SDK's
// resources/products/products.d.ts (dodopayments 2.52.0).

import assert from 'node:assert/strict';
import { show } from './harness.js';

export const PRODUCT_ID_RE = /^pdt_[A-Za-z0-9]{21}$/;

/** Every key of `Product` (spec §6.3); optional ones must be present as null when empty (§1.5). */
export const PRODUCT_KEYS = [
  'product_id',
  'business_id',
  'brand_id',
  'created_at',
  'updated_at',
  'is_recurring',
  'tax_category',
  'price',
  'metadata',
  'license_key_enabled',
  'credit_entitlements',
  'entitlements',
  'name',
  'description',
  'image',
  'addons',
  'digital_product_delivery',
  'license_key_activation_message',
  'license_key_activations_limit',
  'license_key_duration',
  'pricing_mode',
  'product_collection_id',
];

/** Every key of `ProductListResponse` (spec §6.4). */
export const LIST_ITEM_KEYS = [
  'product_id',
  'business_id',
  'created_at',
  'updated_at',
  'is_recurring',
  'tax_category',
  'metadata',
  'entitlements',
  'name',
  'description',
  'image',
  'currency',
  'price',
  'price_detail',
  'pricing_mode',
  'tax_inclusive',
];

const PRICE_COMMON_KEYS = ['type', 'currency', 'discount', 'discount_bps', 'purchasing_power_parity', 'tax_inclusive'];
const INTERVAL_KEYS = [
  'payment_frequency_count',
  'payment_frequency_interval',
  'subscription_period_count',
  'subscription_period_interval',
];
export const PRICE_VARIANT_KEYS = {
  one_time_price: ['price', 'pay_what_you_want', 'suggested_price'],
  recurring_price: [
    'price',
    ...INTERVAL_KEYS,
    'trial_period_days',
    'trial_amount',
    'trial_apply_discounts',
    'trial_payment_method_optional',
    'zero_amount_payment_method_optional',
  ],
  usage_based_price: ['fixed_price', ...INTERVAL_KEYS, 'meters'],
};

export const oneTimePrice = (over = {}) => ({ type: 'one_time_price', currency: 'USD', price: 1000, ...over });
export const recurringPrice = (over = {}) => ({
  type: 'recurring_price',
  currency: 'USD',
  price: 1999,
  payment_frequency_count: 1,
  payment_frequency_interval: 'Month',
  subscription_period_count: 1,
  subscription_period_interval: 'Year',
  ...over,
});
export const usagePrice = (over = {}) => ({
  type: 'usage_based_price',
  currency: 'USD',
  fixed_price: 500,
  payment_frequency_count: 1,
  payment_frequency_interval: 'Month',
  subscription_period_count: 1,
  subscription_period_interval: 'Year',
  meters: [],
  ...over,
});

let seq = 0;
/** A minimal valid create body. */
export function minimalProduct(over = {}) {
  seq += 1;
  return { name: `Product ${seq} ${Date.now()}`, price: oneTimePrice(), tax_category: 'saas', ...over };
}

function hasKey(obj, k) {
  return obj !== null && typeof obj === 'object' && Object.prototype.hasOwnProperty.call(obj, k);
}

/** Asserts `p` is a well-formed Product (all documented keys present, types right). */
export function assertProductShape(p, { businessId } = {}) {
  const ctx = `product: ${show(p)}`;
  assert.equal(typeof p, 'object', ctx);
  for (const k of PRODUCT_KEYS) assert.ok(hasKey(p, k), `Product response must contain key "${k}" (null when empty, spec §1.5/§6.3); ${ctx}`);
  assert.match(p.product_id, PRODUCT_ID_RE, `product_id must be pdt_ + 21 alphanumerics; ${ctx}`);
  assert.match(p.business_id, /^bus_/, ctx);
  if (businessId) assert.equal(p.business_id, businessId, `business_id; ${ctx}`);
  assert.equal(typeof p.brand_id, 'string', ctx);
  assertTimestamp(p.created_at, 'created_at', ctx);
  assertTimestamp(p.updated_at, 'updated_at', ctx);
  assert.equal(typeof p.is_recurring, 'boolean', ctx);
  assert.equal(typeof p.license_key_enabled, 'boolean', ctx);
  assert.ok(p.metadata && typeof p.metadata === 'object' && !Array.isArray(p.metadata), `metadata must be an object ({} when empty); ${ctx}`);
  assert.ok(Array.isArray(p.credit_entitlements), `credit_entitlements must be an array; ${ctx}`);
  assert.ok(Array.isArray(p.entitlements), `entitlements must be an array; ${ctx}`);
  assert.equal(p.is_recurring, p.price.type !== 'one_time_price', `is_recurring must be true for recurring and usage-based prices (spec §6.1); ${ctx}`);
  assertPriceShape(p.price, ctx);
}

/** Asserts a Price object has the common and variant keys (spec §6.1, §14.10). */
export function assertPriceShape(price, ctx = '') {
  ctx = `${ctx} price: ${show(price)}`;
  assert.ok(price && typeof price === 'object', ctx);
  assert.ok(PRICE_VARIANT_KEYS[price.type], `unknown price.type; ${ctx}`);
  for (const k of [...PRICE_COMMON_KEYS, ...PRICE_VARIANT_KEYS[price.type]]) {
    assert.ok(hasKey(price, k), `price must contain key "${k}" (spec §14.10: always emit discount, purchasing_power_parity, discount_bps); ${ctx}`);
  }
  assert.equal(typeof price.discount, 'number', `price.discount must be an integer (required by the Go SDK, §13); ${ctx}`);
  assert.equal(typeof price.purchasing_power_parity, 'boolean', `price.purchasing_power_parity must be a boolean (required by the Go SDK, §13); ${ctx}`);
}

export function assertTimestamp(v, name, ctx = '') {
  assert.equal(typeof v, 'string', `${name} must be a string; ${ctx}`);
  // RFC 3339 in UTC (spec §1.5)
  assert.match(v, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/, `${name} must be RFC 3339 UTC (…Z); ${ctx}`);
  const t = Date.parse(v);
  assert.ok(Number.isFinite(t), `${name} must parse; ${ctx}`);
  assert.ok(Math.abs(Date.now() - t) < 24 * 3600 * 1000, `${name} must be close to now; ${ctx}`);
}

/** Asserts every field sent in `sent` comes back unchanged in `got` (deep). */
export function assertSubset(got, sent, where = '') {
  for (const [k, v] of Object.entries(sent)) {
    assert.deepEqual(got?.[k], v, `${where}${k}: sent ${show(v)}, got ${show(got?.[k])}; full: ${show(got)}`);
  }
}
