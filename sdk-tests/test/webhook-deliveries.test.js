// Webhook deliveries received by a local HTTP server and verified with
// the official SDK's client.webhooks.unwrap (Standard Webhooks, as Dodo
// signs them), keyed with the endpoint's secret (the webhookKey option):
// one delivery in detail; every event type of catalog.EventTypes, made
// through the official dodopayments and chartmogul-node clients, against
// the journal; filter_types at create, update and cleared.
// Retries and disabled endpoints: webhook-retries.test.js.
// See internal/api/dodo/README.md "Webhooks".

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, show, raw } from '../lib/harness.js';
import { minimalProduct } from '../lib/products.js';
import { addonBody, meterBody, flagBody, creditBody } from '../lib/usage.js';
import { ChartMogul, cmConfig } from '../lib/chartmogul.js';
import { startReceiver, signatureHeaders, verify, waitFor, journal, deliveryLog, catalogEventTypes } from '../lib/webhooks.js';

const { DataSource, Plan, PlanGroup } = ChartMogul;

let env;
let c;
const receivers = [];

before(async () => {
  env = await startServer();
  c = env.client(env.keys.a);
});
after(async () => {
  for (const r of receivers) await r.close();
  await env?.stop();
});

async function receiver(respond) {
  const r = await startReceiver(respond);
  receivers.push(r);
  return r;
}

/** The endpoint's verifier: an SDK client with its secret as webhookKey. */
async function verifierFor(endpointID) {
  const { secret } = await c.webhooks.retrieveSecret(endpointID);
  return env.client(env.keys.a, { webhookKey: secret });
}

/** The journal from the event with id `fromID` on (inclusive). */
async function journalFrom(fromID) {
  const all = await journal(env, env.keys.a);
  const i = all.findIndex((e) => e.id === fromID);
  assert.ok(i >= 0, `event ${fromID} is not in the journal`);
  return all.slice(i);
}

/** The id of the journal's webhook_endpoint.created event of an endpoint. */
async function createdEventOf(endpointID) {
  const all = await journal(env, env.keys.a);
  const e = all.find((x) => x.type === 'webhook_endpoint.created' && x.object_id === endpointID);
  assert.ok(e, `no webhook_endpoint.created for ${endpointID} in the journal`);
  return e;
}

const countBy = (xs, key) => xs.reduce((m, x) => ((m[key(x)] = (m[key(x)] ?? 0) + 1), m), {});
const seconds = (iso) => new Date(Math.floor(Date.parse(iso) / 1000) * 1000).toISOString().replace('.000Z', 'Z');

describe('webhook deliveries', () => {
  test('a product.created delivery verifies with client.webhooks.unwrap; a tampered one does not', async () => {
    const rcv = await receiver();
    const w = await c.webhooks.create({ url: rcv.url('/in'), headers: { 'X-Team': 'billing' }, filter_types: ['product.created'] });
    const { secret } = await c.webhooks.retrieveSecret(w.id);
    const p = await c.products.create(minimalProduct({ name: 'Delivered' }));

    const got = await waitFor('the product.created delivery', () => rcv.received.find((r) => r.type === 'product.created'), {
      detail: () => show(rcv.received.map((r) => r.body)),
    });
    const verifier = env.client(env.keys.a, { webhookKey: secret });
    const headers = signatureHeaders(got);
    const event = verifier.webhooks.unwrap(got.body, { headers });
    assert.equal(event.type, 'product.created');
    assert.equal(event.business_id, env.businessA);
    assert.equal(event.data.product_id, p.product_id);
    assert.match(event.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.match(got.headers['webhook-id'], /^evt_/);
    assert.equal(got.headers['content-type'], 'application/json');
    assert.equal(got.headers['x-team'], 'billing');
    assert.equal(got.path, '/in');

    // The key passed to unwrap itself works too; a changed body, id or key does not.
    verifier.webhooks.unwrap(got.body, { headers, key: secret });
    const tampered = got.body.replace('Delivered', 'Tampered');
    assert.notEqual(tampered, got.body);
    assert.throws(() => verifier.webhooks.unwrap(tampered, { headers }));
    assert.throws(() => verifier.webhooks.unwrap(got.body, { headers: { ...headers, 'webhook-id': 'evt_other' } }));
    const other = await c.webhooks.create({ url: rcv.url('/other'), disabled: true });
    const otherSecret = (await c.webhooks.retrieveSecret(other.id)).secret;
    assert.notEqual(otherSecret, secret);
    assert.throws(() => verifier.webhooks.unwrap(got.body, { headers, key: otherSecret }));
  });

  test('every event type is delivered once, verifies, and carries the object as its face renders it', async () => {
    const rcv = await receiver();
    const w = await c.webhooks.create({ url: rcv.url('/all'), description: 'everything' });
    assert.equal(w.filter_types, null);
    const verifier = await verifierFor(w.id);
    const start = await createdEventOf(w.id);
    const cm = cmConfig(env.baseURL, env.keys.a);
    const made = {}; // type -> the SDK's answers that should be that type's data, checked below

    const note = (type, id, answer) => (made[type] ??= []).push({ id, answer });

    note('webhook_endpoint.created', w.id, w);
    // webhook endpoints (another one: its events go to w)
    const side = await c.webhooks.create({ url: rcv.url('/side'), disabled: true });
    note('webhook_endpoint.created', side.id, side);
    note('webhook_endpoint.updated', side.id, await c.webhooks.update(side.id, { description: 'renamed' }));
    await c.webhooks.delete(side.id);
    note('webhook_endpoint.deleted', side.id);

    // brands
    const brand = await c.brands.create({ name: 'Hooked brand' });
    note('brand.created', brand.brand_id, brand);
    await c.brands.update(brand.brand_id, { name: 'Hooked brand 2' });
    note('brand.updated', brand.brand_id);

    // products
    const p = await c.products.create(minimalProduct({ name: 'Hooked' }));
    note('product.created', p.product_id, p);
    await c.products.update(p.product_id, { name: 'Hooked 2' });
    note('product.updated', p.product_id);
    await c.products.archive(p.product_id);
    note('product.archived', p.product_id);
    await c.products.unarchive(p.product_id);
    note('product.unarchived', p.product_id);

    // product collections: the collection, its groups and items
    const [p1, p2, p3] = [await c.products.create(minimalProduct()), await c.products.create(minimalProduct()), await c.products.create(minimalProduct())];
    const col = await c.productCollections.create({ name: 'Hooked collection', groups: [{ group_name: 'A', products: [{ product_id: p1.product_id }] }] });
    note('product_collection.created', col.id, col);
    await c.productCollections.update(col.id, { name: 'Hooked collection 2' });
    const g = await c.productCollections.groups.create(col.id, { group_name: 'B', products: [{ product_id: p2.product_id }] });
    await c.productCollections.groups.update(g.group_id, { id: col.id, group_name: 'B2' });
    await c.productCollections.groups.items.create(g.group_id, { id: col.id, products: [{ product_id: p3.product_id }] });
    const member = (await c.productCollections.retrieve(col.id)).groups.find((x) => x.group_id === g.group_id).products.find((m) => m.product_id === p3.product_id);
    await c.productCollections.groups.items.update(member.id, { id: col.id, group_id: g.group_id, status: false });
    await c.productCollections.groups.items.delete(member.id, { id: col.id, group_id: g.group_id });
    await c.productCollections.groups.delete(g.group_id, { id: col.id });
    note('product_collection.updated', col.id);
    await c.productCollections.delete(col.id);
    note('product_collection.archived', col.id);
    await c.productCollections.unarchive(col.id);
    note('product_collection.unarchived', col.id);

    // brand archive (no products on it)
    await c.brands.archive(brand.brand_id, {});
    note('brand.archived', brand.brand_id);

    // addons, meters, entitlements, credit entitlements
    const addon = await c.addons.create(addonBody());
    note('addon.created', addon.id, addon);
    note('addon.updated', addon.id, await c.addons.update(addon.id, { price: 900 }));
    const meter = await c.meters.create(meterBody());
    note('meter.created', meter.id, meter);
    await c.meters.archive(meter.id);
    note('meter.archived', meter.id);
    await c.meters.unarchive(meter.id);
    note('meter.unarchived', meter.id);
    const ent = await c.entitlements.create(flagBody());
    note('entitlement.created', ent.id, ent);
    note('entitlement.updated', ent.id, await c.entitlements.update(ent.id, { name: 'Renamed flag' }));
    await c.entitlements.delete(ent.id);
    note('entitlement.deleted', ent.id);
    const credit = await c.creditEntitlements.create(creditBody());
    note('credit_entitlement.created', credit.id, credit);
    await c.creditEntitlements.update(credit.id, { description: 'Tokens for the API' });
    note('credit_entitlement.updated', credit.id);
    await c.creditEntitlements.delete(credit.id);
    note('credit_entitlement.deleted', credit.id);
    await c.creditEntitlements.undelete(credit.id);
    note('credit_entitlement.undeleted', credit.id);

    // discounts
    const disc = await c.discounts.create({ amount: 1000, type: 'percentage', code: `HK${Date.now() % 1e8}` });
    note('discount.created', disc.discount_id, disc);
    note('discount.updated', disc.discount_id, await c.discounts.update(disc.discount_id, { amount: 1500 }));
    await c.discounts.delete(disc.discount_id);
    note('discount.deleted', disc.discount_id);

    // localized prices: archived by the API and by a pricing_mode change
    const lpp = await c.products.create(minimalProduct({ name: 'Hooked localized', pricing_mode: 'by_currency' }));
    const lp = await c.products.localizedPrices.create(lpp.product_id, { amount: 900, currency: 'EUR' });
    note('localized_price.created', lp.id, lp);
    note('localized_price.updated', lp.id, await c.products.localizedPrices.update(lp.id, { product_id: lpp.product_id, amount: 950 }));
    await c.products.localizedPrices.archive(lp.id, { product_id: lpp.product_id });
    note('localized_price.archived', lp.id);
    const lp2 = await c.products.localizedPrices.create(lpp.product_id, { amount: 800, currency: 'GBP' });
    note('localized_price.created', lp2.id, lp2);
    await c.products.update(lpp.product_id, { pricing_mode: 'by_country' });
    note('localized_price.archived', lp2.id);
    // short links: data is the link as the list renders it
    const linked = await c.products.create(minimalProduct({ name: 'Hooked link' }));
    note('product.created', linked.product_id, linked);
    await c.products.shortLinks.create(linked.product_id, { slug: `hooked-${Date.now()}`, static_checkout_params: { quantity: '2' } });
    const [linkItem] = (await c.products.shortLinks.list({ product_id: linked.product_id })).items;
    note('short_link.created', linked.product_id, linkItem);

    // ChartMogul: data sources, plans, plan groups
    const ds = await DataSource.create(cm, { name: 'Hooked source' });
    note('data_source.created', ds.uuid);
    const plan = await Plan.create(cm, { data_source_uuid: ds.uuid, name: 'Hooked plan', interval_count: 1, interval_unit: 'month' });
    note('plan.created', plan.uuid, plan);
    const plan2 = await Plan.create(cm, { data_source_uuid: ds.uuid, name: 'Hooked plan 2', interval_count: 1, interval_unit: 'year' });
    note('plan.created', plan2.uuid, plan2);
    note('plan.updated', plan.uuid, await Plan.modify(cm, plan.uuid, { name: 'Hooked plan, renamed' }));
    const pg = await PlanGroup.create(cm, { name: 'Hooked group', plans: [plan.uuid] });
    note('plan_group.created', pg.uuid, pg);
    note('plan_group.updated', pg.uuid, await PlanGroup.modify(cm, pg.uuid, { name: 'Hooked group 2' }));
    await PlanGroup.destroy(cm, pg.uuid);
    note('plan_group.deleted', pg.uuid);
    await Plan.destroy(cm, plan2.uuid);
    note('plan.deleted', plan2.uuid);
    await DataSource.destroy(cm, ds.uuid); // its remaining plan goes first: plan.deleted
    note('plan.deleted', plan.uuid);
    note('data_source.deleted', ds.uuid);

    // and the endpoint itself, last
    note('webhook_endpoint.updated', w.id, await c.webhooks.update(w.id, { description: 'everything, updated' }));

    // Every type of catalog.EventTypes was made above.
    const types = catalogEventTypes();
    assert.deepEqual([...Object.keys(made)].sort(), types, 'the test makes every type of catalog.EventTypes');

    // The journal from the endpoint's own creation on is what must arrive.
    let events = await journalFrom(start.id);
    const lastWrite = events.findLast((e) => e.type === 'webhook_endpoint.updated' && e.object_id === w.id);
    assert.ok(lastWrite, 'the last write is in the journal');
    events = events.slice(0, events.indexOf(lastWrite) + 1);
    const want = new Set(events.map((e) => e.id));
    await waitFor(`${want.size} deliveries`, () => [...want].every((id) => rcv.ids().includes(id)), {
      timeout: 60_000,
      detail: () => `missing ${show([...want].filter((id) => !rcv.ids().includes(id)).map((id) => events.find((e) => e.id === id).type))}`,
    });
    // The delivery log has recorded every success (it is written after the answer).
    const log = await waitFor('the delivery log', async () => {
      const l = await deliveryLog(env, env.keys.a, w.id);
      return l.length >= want.size && l;
    });

    // Exactly once each (the receiver answered 200), nothing else.
    assert.deepEqual(countBy(rcv.received, (r) => r.id), Object.fromEntries([...want].map((id) => [id, 1])), 'each event delivered exactly once');
    assert.equal(rcv.received.length, want.size);
    assert.ok(rcv.received.every((r) => r.path === '/all'), 'nothing for the disabled side endpoint');
    assert.equal(new Set(rcv.ids()).size, rcv.received.length, 'webhook-id values are distinct');
    assert.equal(log.length, want.size, `one log entry per event: ${show(log)}`);
    for (const d of log) {
      assert.equal(d.attempt, 1, show(d));
      assert.equal(d.status_code, 200, show(d));
      assert.equal(d.next_retry_at, null, show(d));
      assert.ok(want.has(d.event_id), show(d));
      assert.equal(d.endpoint_id, w.id);
    }

    // Every delivery verifies and is its journal event.
    const byType = {};
    for (const r of rcv.received) {
      const event = verify(verifier, r, r.type);
      const j = events.find((e) => e.id === r.id);
      assert.equal(event.type, j.type);
      assert.equal(event.business_id, env.businessA);
      assert.deepEqual(event.data, j.data, `${j.type} ${j.id}: data is the journal's document`);
      assert.equal(event.timestamp, seconds(j.created_at), `${j.type}: timestamp is the event's time (RFC 3339 seconds)`);
      (byType[event.type] ??= []).push({ event, j });
    }
    assert.deepEqual(countBy(rcv.received, (r) => r.type), countBy(events, (e) => e.type), 'counts per type equal the journal');
    for (const t of types) assert.ok(byType[t]?.length >= 1, `${t} arrived`);

    // data is the object as its face renders it: the SDK's own answers.
    // A short link has no id on the wire: it is found by its product, and
    // its journal object_id is Pricebook's own psl_ id.
    const ID_KEY = { product: 'product_id', brand: 'brand_id', discount: 'discount_id', data_source: 'uuid', plan: 'uuid', plan_group: 'uuid', short_link: 'product_id' };
    const objectIdOk = (t, j, id) => (t.startsWith('short_link.') ? /^psl_/.test(j.object_id) : j.object_id === id);
    const idOf = (t, data) => data[ID_KEY[t.slice(0, t.lastIndexOf('.'))] ?? 'id'];
    for (const [t, list] of Object.entries(made)) {
      for (const { id, answer } of list) {
        const got = byType[t].filter(({ event }) => idOf(t, event.data) === id);
        assert.ok(got.length >= 1, `a ${t} delivery with data for ${id}; got ids ${show(byType[t].map(({ event }) => idOf(t, event.data)))}`);
        assert.ok(got.every(({ j }) => objectIdOk(t, j, id)), `${t}: the journal's object_id is ${id}`);
        if (answer !== undefined) {
          const match = got.find(({ event }) => {
            try {
              assert.deepEqual(event.data, answer);
              return true;
            } catch {
              return false;
            }
          });
          assert.ok(match, `${t} ${id}: data equals the SDK's answer\n  answer ${show(answer)}\n  data   ${show(got.map(({ event }) => event.data))}`);
        }
      }
    }
    // Spot checks by name, as a reader would write them.
    assert.equal(byType['product.created'].find(({ event }) => event.data.name === 'Hooked').event.data.product_id, p.product_id);
    assert.equal(byType['product.archived'][0].event.data.product_id, p.product_id);
    assert.equal(byType['plan.created'].find(({ event }) => event.data.name === 'Hooked plan').event.data.uuid, plan.uuid);
    assert.equal(byType['plan_group.created'][0].event.data.uuid, pg.uuid);
    assert.equal(byType['data_source.created'][0].event.data.uuid, ds.uuid);
    assert.equal(byType['data_source.deleted'][0].event.data.uuid, ds.uuid);
    assert.equal(byType['webhook_endpoint.deleted'][0].event.data.id, side.id);
    const colDetails = byType['product_collection.updated'].map(({ j }) => j.detail);
    for (const d of [null, 'group.created', 'group.updated', 'items.added', 'item.updated', 'item.deleted', 'group.deleted']) {
      assert.ok(colDetails.includes(d), `a product_collection.updated with detail ${d}: ${show(colDetails)}`);
    }
  });

  test('filter_types: only the named types; update changes it from then on; null gets everything', async () => {
    const rcv = await receiver();
    const witness = await receiver();
    const wit = await c.webhooks.create({ url: witness.url('/witness') });
    const w = await c.webhooks.create({ url: rcv.url('/filtered'), filter_types: ['product.created'] });
    assert.deepEqual(w.filter_types, ['product.created']);
    const verifier = await verifierFor(w.id);
    const start = (await createdEventOf(w.id)).id;

    // Until the witness has every event of a phase, and w its expected
    // ones, deliveries are still under way; then w must have exactly those.
    const phase = async (label, fromID, expected) => {
      const events = await journalFrom(fromID);
      const all = events.map((e) => e.id);
      await waitFor(`${label}: the witness gets every event`, () => all.every((id) => witness.ids().includes(id)), {
        detail: () => show({ all, got: witness.ids() }),
      });
      const wantIDs = events.filter(expected).map((e) => e.id);
      await waitFor(`${label}: the filtered endpoint gets ${wantIDs.length}`, () => wantIDs.every((id) => rcv.ids().includes(id)), {
        detail: () => show({ wantIDs, got: rcv.received.map((r) => r.type) }),
      });
      return { events, wantIDs };
    };

    const a1 = await c.products.create(minimalProduct());
    await c.products.update(a1.product_id, { name: 'Filtered 2' });
    await c.brands.create({ name: 'Filtered brand' });
    await c.addons.create(addonBody());
    const one = await phase('created', start, (e) => e.type === 'product.created');
    assert.deepEqual(one.wantIDs.length, 1);
    assert.deepEqual(rcv.ids(), one.wantIDs, `only product.created: ${show(rcv.received.map((r) => r.type))}`);
    assert.equal(verify(verifier, rcv.received[0]).data.product_id, a1.product_id);
    // The witness (no filter) got the other types, so they were made.
    const witnessTypes = new Set(witness.received.map((r) => r.type));
    for (const t of ['product.updated', 'brand.created', 'addon.created', 'webhook_endpoint.created']) assert.ok(witnessTypes.has(t), t);

    // Update: from now on product.updated and brand.created, no longer product.created.
    const before2 = rcv.received.length;
    const u = await c.webhooks.update(w.id, { filter_types: ['product.updated', 'brand.created'] });
    assert.deepEqual(u.filter_types, ['product.updated', 'brand.created']);
    const mark2 = (await journal(env, env.keys.a)).findLast((e) => e.type === 'webhook_endpoint.updated' && e.object_id === w.id);
    const a2 = await c.products.create(minimalProduct());
    await c.products.update(a2.product_id, { name: 'Filtered 3' });
    const b2 = await c.brands.create({ name: 'Filtered brand 2' });
    await c.addons.create(addonBody());
    const two = await phase('updated', mark2.id, (e) => e.type === 'product.updated' || e.type === 'brand.created');
    const got2 = rcv.received.slice(before2);
    assert.deepEqual(got2.map((r) => r.id).sort(), [...two.wantIDs].sort(), `only product.updated and brand.created: ${show(got2.map((r) => r.type))}`);
    assert.deepEqual(got2.map((r) => r.type).sort(), ['brand.created', 'product.updated']);
    assert.equal(verify(verifier, got2.find((r) => r.type === 'product.updated')).data.product_id, a2.product_id);
    assert.equal(verify(verifier, got2.find((r) => r.type === 'brand.created')).data.brand_id, b2.brand_id);

    // Cleared: every type, starting with the update that cleared it.
    const before3 = rcv.received.length;
    const n = await c.webhooks.update(w.id, { filter_types: null });
    assert.equal(n.filter_types, null);
    const mark3 = (await journal(env, env.keys.a)).findLast((e) => e.type === 'webhook_endpoint.updated' && e.object_id === w.id);
    const a3 = await c.products.create(minimalProduct());
    await c.products.archive(a3.product_id);
    await c.addons.create(addonBody());
    await c.meters.create(meterBody());
    const three = await phase('cleared', mark3.id, () => true);
    const got3 = rcv.received.slice(before3);
    assert.deepEqual(got3.map((r) => r.id).sort(), three.events.map((e) => e.id).sort(), 'everything from the clearing update on');
    assert.deepEqual(got3.map((r) => r.type).sort(), ['addon.created', 'meter.created', 'product.archived', 'product.created', 'webhook_endpoint.updated']);
    for (const r of got3) verify(verifier, r, r.type);
    assert.equal(new Set(rcv.ids()).size, rcv.received.length, 'nothing twice');
    await c.webhooks.delete(wit.id);
  });

  test('an empty filter_types list is no filter', async () => {
    const rcv = await receiver();
    const w = await c.webhooks.create({ url: rcv.url('/empty'), filter_types: [] });
    const verifier = await verifierFor(w.id);
    const p = await c.products.create(minimalProduct());
    const got = await waitFor('the product.created delivery', () => rcv.received.find((r) => r.type === 'product.created'), {
      detail: () => `endpoint ${show(w)}; received ${show(rcv.received.map((r) => r.type))}`,
    });
    assert.equal(verify(verifier, got).data.product_id, p.product_id);
  });

  test("rotation (Pricebook's face): for a day deliveries verify with the new secret and with the old", async () => {
    const rcv = await receiver();
    const w = await c.webhooks.create({ url: rcv.url('/rotate'), filter_types: ['product.created'] });
    const { secret: old } = await c.webhooks.retrieveSecret(w.id);
    const res = await raw(env.baseURL, 'POST', `/_pricebook/v1/webhooks/${w.id}/secret/rotate`, { key: env.keys.a });
    assert.equal(res.status, 200, res.text);
    const fresh = res.json.secret;
    assert.match(fresh, /^whsec_/);
    assert.notEqual(fresh, old);
    const hours = (Date.parse(res.json.previous_secret_expires_at) - Date.now()) / 3_600_000;
    assert.ok(hours > 23.9 && hours <= 24, `previous secret valid for ${hours} h`);
    // The Dodo face shows the new secret.
    assert.equal((await c.webhooks.retrieveSecret(w.id)).secret, fresh);

    const p = await c.products.create(minimalProduct({ name: 'After rotation' }));
    const got = await waitFor('the delivery after the rotation', () => rcv.received.find((r) => r.type === 'product.created'));
    assert.equal(got.headers['webhook-signature'].split(' ').length, 2, got.headers['webhook-signature']);
    for (const secret of [fresh, old]) {
      const event = verify(env.client(env.keys.a, { webhookKey: secret }), got, `with the ${secret === fresh ? 'new' : 'old'} secret`);
      assert.equal(event.data.product_id, p.product_id);
    }
    const other = (await c.webhooks.create({ url: rcv.url('/other') })).id;
    const { secret: unrelated } = await c.webhooks.retrieveSecret(other);
    assert.throws(() => env.client(env.keys.a, { webhookKey: unrelated }).webhooks.unwrap(got.body, { headers: signatureHeaders(got) }));
  });

  test("test send, resend and replay (Pricebook's face) arrive signed, the last two with the event's own webhook-id", async () => {
    const rcv = await receiver();
    const w = await c.webhooks.create({ url: rcv.url('/sends'), filter_types: ['product.created'] });
    const verifier = await verifierFor(w.id);
    const post = (p, body) => raw(env.baseURL, 'POST', p, { key: env.keys.a, body });

    const t = await post(`/_pricebook/v1/webhooks/${w.id}/test`);
    assert.equal(t.status, 202, t.text);
    assert.deepEqual(t.json.endpoint_ids, [w.id]);
    const ping = await waitFor('the test message', () => rcv.received.find((r) => r.id === t.json.event_id));
    const pingEvent = verify(verifier, ping, 'test message');
    assert.equal(pingEvent.type, 'webhook.test');
    assert.equal(pingEvent.data.endpoint_id, w.id);
    // Not a catalog change: the journal does not have it.
    assert.equal((await journal(env, env.keys.a)).filter((e) => e.id === t.json.event_id).length, 0);

    await c.products.create(minimalProduct({ name: 'Resent' }));
    const first = await waitFor('the product.created delivery', () => rcv.received.find((r) => r.type === 'product.created'));
    const resend = await post(`/_pricebook/v1/events/${first.id}/resend`);
    assert.equal(resend.status, 202, resend.text);
    assert.ok(resend.json.endpoint_ids.includes(w.id), show(resend.json));
    const log = await waitFor('the first delivery in the log', async () =>
      (await deliveryLog(env, env.keys.a, w.id)).find((d) => d.event_id === first.id));
    const replay = await post(`/_pricebook/v1/webhooks/${w.id}/deliveries/${log.id}/replay`);
    assert.equal(replay.status, 202, replay.text);
    const copies = await waitFor('the resend and the replay', () => {
      const xs = rcv.received.filter((r) => r.id === first.id);
      return xs.length === 3 && xs;
    });
    for (const r of copies) assert.equal(verify(verifier, r, 'resent').data.name, 'Resent');

    const bad = await post(`/_pricebook/v1/events/${first.id}/resend`, { endpoint: w.id });
    assert.equal(bad.status, 422, bad.text);
    assert.equal(bad.json.code, 'invalid_request');
    assert.match(bad.json.message, /endpoint/);
  });
});
