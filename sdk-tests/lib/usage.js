// Fixtures and shape assertions for addons, meters, entitlements and credit
// entitlements. Key lists follow shared/spec/dodo-catalog.md §8–§11 and the
// SDK's resources/{addons,meters,entitlements,credit-entitlements}.d.ts
// (dodopayments 2.52.0); every optional key is present as null (§1.5).

import assert from 'node:assert/strict';
import { show } from './harness.js';
import { assertTimestamp } from './products.js';

export const ADDON_KEYS = ['id', 'business_id', 'name', 'description', 'price', 'currency', 'tax_category', 'image', 'created_at', 'updated_at'];
export const METER_KEYS = ['id', 'business_id', 'name', 'description', 'event_name', 'measurement_unit', 'aggregation', 'filter', 'created_at', 'updated_at'];
export const ENTITLEMENT_KEYS = [
  'id',
  'business_id',
  'name',
  'description',
  'integration_type',
  'integration_config',
  'is_active',
  'metadata',
  'created_at',
  'updated_at',
];
export const CREDIT_KEYS = [
  'id',
  'business_id',
  'name',
  'description',
  'precision',
  'unit',
  'expires_after_days',
  'rollover_enabled',
  'rollover_percentage',
  'rollover_timeframe_count',
  'rollover_timeframe_interval',
  'max_rollover_count',
  'overage_enabled',
  'overage_behavior',
  'overage_limit',
  'currency',
  'price_per_unit',
  'created_at',
  'updated_at',
];
export const CREDIT_MAPPING_KEYS = [
  'id',
  'credit_entitlement_id',
  'credit_entitlement_name',
  'credit_entitlement_unit',
  'credits_amount',
  'overage_behavior',
  'overage_enabled',
  'proration_behavior',
  'rollover_enabled',
  'trial_credits_expire_after_trial',
  'currency',
  'expires_after_days',
  'low_balance_threshold_percent',
  'max_rollover_count',
  'overage_limit',
  'price_per_unit',
  'rollover_percentage',
  'rollover_timeframe_count',
  'rollover_timeframe_interval',
  'trial_credits',
];

/** Asserts obj has exactly `keys` (no more, no fewer) and an id with `prefix`. */
export function assertShape(obj, keys, prefix, what) {
  const ctx = `${what}: ${show(obj)}`;
  assert.deepEqual(Object.keys(obj).sort(), [...keys].sort(), `${what} keys; ${ctx}`);
  if (prefix) assert.match(obj.id, new RegExp(`^${prefix}[A-Za-z0-9]{21}$`), `id; ${ctx}`);
  if ('created_at' in obj) assertTimestamp(obj.created_at, 'created_at', ctx);
  if ('updated_at' in obj) assertTimestamp(obj.updated_at, 'updated_at', ctx);
}

let seq = 0;
const uniq = (s) => `${s} ${Date.now()} ${++seq}`;

export const addonBody = (over = {}) => ({ name: uniq('Seat'), price: 500, currency: 'USD', tax_category: 'saas', ...over });
export const meterBody = (over = {}) => ({
  name: uniq('API calls'),
  event_name: 'api.call',
  measurement_unit: 'calls',
  aggregation: { type: 'count' },
  ...over,
});
export const flagBody = (over = {}) => ({
  name: uniq('Beta'),
  integration_type: 'feature_flag',
  integration_config: { feature_id: 'beta', feature_type: 'boolean' },
  ...over,
});
export const creditBody = (over = {}) => ({ name: uniq('Tokens'), precision: 0, unit: 'tokens', rollover_enabled: false, overage_enabled: false, ...over });

/** One valid request config per integration type, and the exact response config it must produce. */
export const CONFIGS = {
  feature_flag: [{ feature_id: 'pro', feature_type: 'boolean' }, { feature_id: 'pro', feature_type: 'boolean' }],
  github: [{ target_id: 'acme/app', permission: 'triage' }, { target_id: 'acme/app', permission: 'triage' }],
  discord: [{ guild_id: '1234', role_id: '99' }, { guild_id: '1234', role_id: '99' }],
  telegram: [{ chat_id: '-100200300' }, { chat_id: '-100200300' }],
  figma: [{ figma_file_id: 'fig1' }, { figma_file_id: 'fig1' }],
  framer: [{ framer_template_id: 'frm1' }, { framer_template_id: 'frm1' }],
  notion: [{ notion_template_id: 'not1' }, { notion_template_id: 'not1' }],
  digital_files: [
    { digital_file_ids: [], external_url: 'https://example.com/download', instructions: 'Unzip it' },
    { digital_files: { files: [], external_url: 'https://example.com/download', instructions: 'Unzip it' } },
  ],
  license_key: [
    { activation_message: 'Welcome', activations_limit: 3, duration_count: 1, duration_interval: 'Year', fulfillment_mode: 'manual' },
    { activation_message: 'Welcome', activations_limit: 3, duration_count: 1, duration_interval: 'Year', fulfillment_mode: 'manual' },
  ],
};

/** Collects every item of an SDK list call from page 0. */
export async function all(listFn, query = {}) {
  const out = [];
  for await (const x of listFn({ page_size: 100, page_number: 0, ...query })) out.push(x);
  return out;
}
