// ChartMogul plan groups through the official chartmogul-node client:
// create (200), membership replacement, plans in a group, deletes.
// Spec: shared/spec/chartmogul.md §4, seed 003.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/harness.js';
import { ChartMogul, cmConfig, cmRaw, expectCMError, walk, assertPlan } from '../lib/chartmogul.js';

const { DataSource, Plan, PlanGroup } = ChartMogul;
const BLANK = {
  name: ["Name can't be blank"],
  plan_ids: ["Plan ids can't be blank"],
  error_details: [
    { param: 'name', code: 'blank', message: "Name can't be blank" },
    { param: 'plan_ids', code: 'blank', message: "Plan ids can't be blank" },
  ],
};
const BLANK_PLANS = {
  plan_ids: ["Plan ids can't be blank"],
  error_details: [{ param: 'plan_ids', code: 'blank', message: "Plan ids can't be blank" }],
};
const NOT_FOUND = { error: 'Plan group not found' };

let env;
let cfg;
let plans;
before(async () => {
  env = await startServer();
  cfg = cmConfig(env.baseURL, env.keys.a);
  const ds = await DataSource.create(cfg, { name: 'Source' });
  plans = [];
  for (let i = 0; i < 5; i++) {
    plans.push(await Plan.create(cfg, { data_source_uuid: ds.uuid, name: `Plan ${i}`, interval_count: 1, interval_unit: 'month' }));
  }
});
after(async () => {
  await env?.stop();
});

describe('plan groups', () => {
  let group;
  test('create answers 200 (not 201) with name, uuid, plans_count', async () => {
    const raw = await cmRaw(env.baseURL, 'POST', '/v1/plan_groups', {
      user: env.keys.a,
      body: { name: 'Raw group', plans: [plans[0].uuid] },
    });
    assert.equal(raw.status, 200, raw.text);
    group = await PlanGroup.create(cfg, { name: 'Example Plan Group', plans: [plans[0].uuid, plans[1].uuid] });
    assert.deepEqual(Object.keys(group), ['name', 'uuid', 'plans_count']);
    assert.match(group.uuid, /^plg_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual(group, { name: 'Example Plan Group', uuid: group.uuid, plans_count: 2 });
    assert.deepEqual(await PlanGroup.retrieve(cfg, group.uuid), group);
  });
  test('create errors are the flat Rails-style 422 with error_details', async () => {
    await expectCMError(PlanGroup.create(cfg, {}), { status: 422, body: BLANK });
    await expectCMError(PlanGroup.create(cfg, { name: '', plans: [] }), { status: 422, body: BLANK });
    await expectCMError(PlanGroup.create(cfg, { name: 'G', plans: ['pl_unknown'] }), { status: 422, body: BLANK_PLANS });
    await expectCMError(PlanGroup.create(cmConfig(env.baseURL, env.keys.b), { name: 'G', plans: [plans[0].uuid] }), {
      status: 422,
      body: BLANK_PLANS,
    });
  });
  test('unknown uuids are dropped and repeats count once', async () => {
    const g = await PlanGroup.create(cfg, { name: 'Dups', plans: [plans[2].uuid, plans[2].uuid, 'pl_unknown'] });
    assert.equal(g.plans_count, 1);
  });
  test('modify renames, and plans replaces the whole membership', async () => {
    const renamed = await PlanGroup.modify(cfg, group.uuid, { name: 'A new name' });
    assert.deepEqual(renamed, { name: 'A new name', uuid: group.uuid, plans_count: 2 });
    const replaced = await PlanGroup.modify(cfg, group.uuid, { name: 'Another name', plans: [plans[2].uuid, plans[3].uuid, plans[4].uuid] });
    assert.deepEqual(replaced, { name: 'Another name', uuid: group.uuid, plans_count: 3 });
    const members = await walk((q) => PlanGroup.all(cfg, group.uuid, q), 'plans', 200);
    assert.deepEqual(members.map((p) => p.uuid), [plans[4].uuid, plans[3].uuid, plans[2].uuid]);
    members.forEach(assertPlan);
    // Older Ruby echoes plans_count; Node's generic update is a PUT.
    const shrunk = await PlanGroup.update(cfg, group.uuid, { plans: [plans[1].uuid], plans_count: 7 });
    assert.deepEqual(shrunk, { name: 'Another name', uuid: group.uuid, plans_count: 1 });
    await expectCMError(PlanGroup.modify(cfg, group.uuid, { plans: [] }), { status: 422, body: BLANK_PLANS });
    await expectCMError(PlanGroup.modify(cfg, 'plg_missing', { name: 'x' }), { status: 404, body: NOT_FOUND });
    assert.equal((await PlanGroup.retrieve(cfg, group.uuid)).plans_count, 1);
  });
  test('plans in a group and groups themselves page by cursor to the end', async () => {
    await PlanGroup.modify(cfg, group.uuid, { plans: plans.map((p) => p.uuid) });
    const newestFirst = plans.map((p) => p.uuid).reverse();
    for (const per of [1, 2, 5]) {
      const got = await walk((q) => PlanGroup.all(cfg, group.uuid, q), 'plans', per);
      assert.deepEqual(got.map((p) => p.uuid), newestFirst, `per_page ${per}`);
    }
    const groups = await walk((q) => PlanGroup.all(cfg, q), 'plan_groups', 1);
    assert.deepEqual(groups.map((g) => g.name), ['Dups', 'Another name', 'Raw group']);
    for (const g of groups) assert.deepEqual(Object.keys(g), ['name', 'uuid', 'plans_count']);
    await expectCMError(PlanGroup.all(cfg, 'plg_missing', { per_page: 1 }), { status: 404, body: NOT_FOUND });
  });
  test('a plan may be in several groups; deleting it leaves every group', async () => {
    const other = await PlanGroup.create(cfg, { name: 'Other', plans: [plans[0].uuid, plans[1].uuid] });
    await Plan.destroy(cfg, plans[0].uuid);
    assert.equal((await PlanGroup.retrieve(cfg, other.uuid)).plans_count, 1);
    assert.equal((await PlanGroup.retrieve(cfg, group.uuid)).plans_count, 4);
    await Plan.destroy(cfg, plans[1].uuid);
    assert.equal((await PlanGroup.retrieve(cfg, other.uuid)).plans_count, 0, 'a group may end up empty');
    const members = await PlanGroup.all(cfg, other.uuid, { per_page: 5 });
    assert.deepEqual(members.plans, []);
  });
  test('destroy is 204; the group is gone, its plans stay', async () => {
    const raw = await cmRaw(env.baseURL, 'DELETE', `/v1/plan_groups/${group.uuid}`, { user: env.keys.a });
    assert.equal(raw.status, 204);
    assert.equal(raw.text, '');
    await expectCMError(PlanGroup.retrieve(cfg, group.uuid), { status: 404, body: NOT_FOUND });
    await expectCMError(PlanGroup.destroy(cfg, group.uuid), { status: 404, body: NOT_FOUND });
    for (const p of plans.slice(2)) assertPlan(await Plan.retrieve(cfg, p.uuid));
  });
});
