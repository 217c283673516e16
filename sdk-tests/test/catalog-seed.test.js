// Catalog as code (issue 16), the README's quick start: a catalog file,
// `pricebook serve --seed catalog.yaml`, and the official SDKs see the
// catalog with the key the file fixes.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../lib/harness.js';
import { ChartMogul, cmConfig } from '../lib/chartmogul.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const key = 'pb_test_SdkSeed000000001_sdkCatalogSeed000000000000000001';
let env;

before(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pricebook-seed-'));
  const file = path.join(dir, 'catalog.yaml');
  const catalog = readFileSync(path.join(here, '../../internal/catalogfile/testdata/full.yaml'), 'utf8');
  writeFileSync(file, `key: ${key}\n${catalog}`);
  env = await startServer({ serveArgs: ['--seed', file] });
});
after(async () => {
  await env?.stop();
});

test('serve --seed: dodopayments sees the seeded catalog', async () => {
  const client = env.client(key);
  const names = [];
  for await (const p of client.products.list({ page_number: 0 })) names.push(p.name);
  assert.deepEqual(names.sort(), ['Pro', 'Pro yearly', 'The book', 'Tip jar', 'Usage']);
  const pro = (await client.products.list({ page_size: 100 })).items.find((p) => p.name === 'Pro');
  const full = await client.products.retrieve(pro.product_id);
  assert.equal(full.metadata.pricebook_key, 'pro-monthly');
  assert.equal(full.metadata.tier, 'pro');
  assert.equal(full.price.price, 1999);
  assert.equal(full.addons.length, 1);
  const rules = await client.products.localizedPrices.list(pro.product_id);
  assert.deepEqual(rules.items.map((r) => [r.currency, r.amount]), [['EUR', 1899]]);
  const cols = await client.productCollections.list();
  assert.equal(cols.items.length, 1);
  const col = await client.productCollections.retrieve(cols.items[0].id);
  assert.deepEqual(col.groups.map((g) => g.group_name), ['Monthly', 'Yearly']);
  const discounts = await client.discounts.list();
  assert.deepEqual(discounts.items.map((d) => d.code), ['LAUNCH20']);
});

test('serve --seed: chartmogul-node sees the bridged plans and plan groups', async () => {
  const cfg = cmConfig(env.baseURL, key);
  const plans = await ChartMogul.Plan.all(cfg, {});
  assert.deepEqual(plans.plans.map((p) => `${p.external_id} ${p.interval_count} ${p.interval_unit}`).sort(),
    ['legacy 3 month', 'pro-monthly 1 month', 'pro-yearly 1 year']);
  const groups = await ChartMogul.PlanGroup.all(cfg, {});
  assert.deepEqual(groups.plan_groups.map((g) => g.name).sort(), ['Everything', 'Plans / Monthly', 'Plans / Yearly']);
});

test('POST /_pricebook/v1/reset puts the seed back: what a test changed is gone, the seeded catalog is there again', async () => {
  const client = env.client(key);
  const seeded = async () => {
    const names = [];
    for await (const p of client.products.list({ page_number: 0 })) names.push(p.name);
    return names.sort();
  };
  const before = await seeded();
  const extra = await client.products.create({ name: 'Made by a test', tax_category: 'saas',
    price: { type: 'one_time_price', currency: 'USD', price: 100, discount: 0, purchasing_power_parity: false } });
  const pro = (await client.products.list({ page_size: 100 })).items.find((p) => p.name === 'Pro');
  await client.products.update(pro.product_id, { name: 'Pro renamed' });
  await client.discounts.delete((await client.discounts.list()).items[0].discount_id);

  const res = await fetch(`${env.baseURL}/_pricebook/v1/reset`, { method: 'POST', headers: { authorization: `Bearer ${key}` } });
  assert.equal(res.status, 200, await res.text());
  assert.deepEqual(await seeded(), before);
  assert.ok(!(await client.products.list({ page_size: 100 })).items.some((p) => p.product_id === extra.product_id));
  assert.deepEqual((await client.discounts.list()).items.map((d) => d.code), ['LAUNCH20']);
  const plans = await ChartMogul.Plan.all(cmConfig(env.baseURL, key), {});
  assert.equal(plans.plans.length, 3);
});
