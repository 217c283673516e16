// Webhook retries and disabled endpoints, against a server with a short
// retry schedule (serve --webhook-retry-schedule 0s,200ms,200ms,200ms:
// four attempts). Every attempt is verified with the official SDK's
// client.webhooks.unwrap and checked in the delivery log
// (GET /_pricebook/v1/webhooks/{id}/deliveries).
// See internal/api/dodo/README.md "Webhooks" (Deliveries).

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, show, sleep } from '../lib/harness.js';
import { minimalProduct } from '../lib/products.js';
import { startReceiver, verify, waitFor, journal, deliveryLog } from '../lib/webhooks.js';

const SCHEDULE = ['0s', '200ms', '200ms', '200ms'];
const RETRY_MS = 200;
// Long enough for any retry the short schedule could still make: many
// retry intervals, on a busy two-core machine.
const QUIET_MS = 2_000;

let env;
let c;
const receivers = [];

before(async () => {
  env = await startServer({ serveArgs: ['--webhook-retry-schedule', SCHEDULE.join(',')] });
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

async function verifierFor(endpointID) {
  const { secret } = await c.webhooks.retrieveSecret(endpointID);
  return env.client(env.keys.a, { webhookKey: secret });
}

/** The journal's product.created event of a product. */
async function createdEvent(productID) {
  const e = (await journal(env, env.keys.a)).find((x) => x.type === 'product.created' && x.object_id === productID);
  assert.ok(e, `no product.created for ${productID} in the journal`);
  return e;
}

/** Waits until the endpoint's delivery log has at least n attempts; returns them oldest first. */
function logOf(endpointID, n, what) {
  let last = [];
  return waitFor(`${what}: ${n} attempts in the delivery log`, async () => {
    last = await deliveryLog(env, env.keys.a, endpointID);
    return last.length >= n && last;
  }, { detail: () => show(last) });
}

const ms = (iso) => Date.parse(iso);

describe('webhook retries', () => {
  test('a receiver that fails 3 times (500, connection reset, 503) gets a 4th attempt, same webhook-id, and the log shows each', async () => {
    const answers = [500, 'destroy', 503, 200];
    const rcv = await receiver((r, attempt) => answers[attempt - 1] ?? 200);
    const w = await c.webhooks.create({ url: rcv.url('/flaky'), filter_types: ['product.created'] });
    const verifier = await verifierFor(w.id);
    const p = await c.products.create(minimalProduct());
    const evt = await createdEvent(p.product_id);

    const log = await logOf(w.id, 4, 'flaky');
    assert.equal(rcv.received.length, 4, `4 requests: ${show(rcv.received.map((r) => r.attempt))}`);
    for (const r of rcv.received) {
      assert.equal(r.id, evt.id, 'the same webhook-id (the event id) on every attempt');
      const event = verify(verifier, r, `attempt ${r.attempt}`);
      assert.equal(event.type, 'product.created');
      assert.equal(event.data.product_id, p.product_id);
      assert.deepEqual(event.data, evt.data);
    }
    const stamps = rcv.received.map((r) => Number(r.headers['webhook-timestamp']));
    assert.deepEqual([...stamps].sort((a, b) => a - b), stamps, 'webhook-timestamp is each attempt\'s own, never going back');
    for (let i = 1; i < rcv.received.length; i++) {
      assert.ok(rcv.received[i].at - rcv.received[i - 1].at >= RETRY_MS - 50, `attempt ${i + 1} waited the schedule's ${RETRY_MS} ms: ${rcv.received.map((r) => r.at)}`);
    }

    assert.deepEqual(log.map((d) => d.attempt), [1, 2, 3, 4], show(log));
    assert.deepEqual(log.map((d) => d.status_code), [500, null, 503, 200], show(log));
    for (const d of log) {
      assert.equal(d.event_id, evt.id);
      assert.equal(d.event_type, 'product.created');
      assert.equal(d.endpoint_id, w.id);
      assert.match(d.id, /^wdl_/);
      assert.equal(typeof d.duration_ms, 'number');
    }
    for (const d of log.slice(0, 3)) {
      assert.ok(typeof d.error === 'string' && d.error.length > 0, `a failed attempt says why: ${show(d)}`);
      assert.ok(d.next_retry_at, `a failed attempt before the last has next_retry_at: ${show(d)}`);
      const wait = ms(d.next_retry_at) - ms(d.created_at);
      assert.ok(wait >= 0 && wait <= RETRY_MS + 1_000, `next_retry_at is about ${RETRY_MS} ms after the attempt: ${show(d)}`);
    }
    assert.match(log[0].error, /500/);
    assert.equal(log[0].response, 'answer 500', 'the response excerpt');
    assert.match(log[2].error, /503/);
    assert.ok(!log[3].error, `the success has no error: ${show(log[3])}`);
    assert.equal(log[3].next_retry_at, null);
    assert.equal(log[3].response, 'answer 200');

    // Nothing after the success.
    await sleep(QUIET_MS);
    assert.equal(rcv.received.length, 4, 'no attempt after the success');
    assert.equal((await deliveryLog(env, env.keys.a, w.id)).length, 4);
  });

  test('a receiver that always fails gets exactly as many attempts as the schedule has entries', async () => {
    const rcv = await receiver(() => 500);
    const w = await c.webhooks.create({ url: rcv.url('/down'), filter_types: ['product.created'] });
    const verifier = await verifierFor(w.id);
    const p = await c.products.create(minimalProduct());
    const evt = await createdEvent(p.product_id);

    const log = await logOf(w.id, SCHEDULE.length, 'down');
    const lastAt = Date.now();
    assert.deepEqual(log.map((d) => d.attempt), SCHEDULE.map((_, i) => i + 1), show(log));
    assert.ok(log.every((d) => d.status_code === 500 && d.event_id === evt.id), show(log));
    assert.ok(log.slice(0, -1).every((d) => d.next_retry_at), `next_retry_at on every attempt but the last: ${show(log)}`);
    assert.equal(log.at(-1).next_retry_at, null, `the last attempt gives up: ${show(log.at(-1))}`);
    for (const r of rcv.received) {
      assert.equal(r.id, evt.id);
      assert.equal(verify(verifier, r).data.product_id, p.product_id);
    }

    // Then no more: a fifth would be due 200 ms after the fourth.
    await waitFor('a quiet period after the last attempt', () => Date.now() - lastAt > QUIET_MS);
    assert.equal(rcv.received.length, SCHEDULE.length, `exactly ${SCHEDULE.length} requests: ${show(rcv.received.map((r) => r.attempt))}`);
    assert.equal((await deliveryLog(env, env.keys.a, w.id)).length, SCHEDULE.length);
  });
});

describe('disabled endpoints', () => {
  test('disabled: later events are not delivered (an enabled endpoint gets them); re-enabled: later events are', async () => {
    const off = await receiver();
    const on = await receiver();
    const d = await c.webhooks.create({ url: off.url('/d') });
    const e = await c.webhooks.create({ url: on.url('/e') });
    const verifier = await verifierFor(d.id);

    const p1 = await c.products.create(minimalProduct());
    const e1 = await createdEvent(p1.product_id);
    // Everything enqueued for d while enabled (its own creation, e's, p1) has arrived before it is disabled.
    const all = await journal(env, env.keys.a);
    const enabled = all.slice(all.findIndex((x) => x.type === 'webhook_endpoint.created' && x.object_id === d.id)).map((x) => x.id);
    assert.ok(enabled.includes(e1.id) && enabled.length === 3, show(enabled));
    await waitFor('d gets its creation, e\'s and p1; e gets p1', () => enabled.every((id) => off.ids().includes(id)) && on.ids().includes(e1.id), {
      detail: () => show({ enabled, off: off.ids() }),
    });
    assert.equal(verify(verifier, off.received.find((r) => r.id === e1.id)).data.product_id, p1.product_id);

    const u = await c.webhooks.update(d.id, { disabled: true });
    assert.equal(u.disabled, true);
    const offCount = off.received.length;
    const p2 = await c.products.create(minimalProduct());
    const e2 = await createdEvent(p2.product_id);
    await waitFor('the enabled endpoint gets p2', () => on.ids().includes(e2.id));
    await sleep(QUIET_MS);
    assert.ok(!off.ids().includes(e2.id), 'the disabled endpoint did not get p2');
    assert.equal(off.received.length, offCount, `nothing reached the disabled endpoint (not even its own update): ${show(off.received.slice(offCount).map((r) => r.type))}`);
    assert.ok(!(await deliveryLog(env, env.keys.a, d.id)).some((x) => x.event_id === e2.id), 'no attempt for p2 in the log');

    const r = await c.webhooks.update(d.id, { disabled: false });
    assert.equal(r.disabled, false);
    const p3 = await c.products.create(minimalProduct());
    const e3 = await createdEvent(p3.product_id);
    await waitFor('the re-enabled endpoint gets p3', () => off.ids().includes(e3.id));
    const got = off.received.find((x) => x.id === e3.id);
    assert.equal(verify(verifier, got).data.product_id, p3.product_id);
    // The update that re-enabled it is delivered to it as well.
    const reenable = (await journal(env, env.keys.a)).findLast((x) => x.type === 'webhook_endpoint.updated' && x.object_id === d.id);
    await waitFor('the re-enabling update', () => off.ids().includes(reenable.id));
    assert.equal(verify(verifier, off.received.find((x) => x.id === reenable.id)).data.disabled, false);
    assert.ok(!off.ids().includes(e2.id), 'p2 never reached it');
    assert.equal(new Set(off.ids()).size, off.received.length, 'nothing twice');
    await c.webhooks.delete(e.id);
  });

  test('disabled between attempts: the pending retry is skipped, and not sent after re-enabling', async () => {
    // The first attempt of the first event disables the endpoint, then fails.
    let endpointID;
    let armed = true;
    const rcv = await receiver(async () => {
      if (!armed) return 200;
      armed = false;
      await c.webhooks.update(endpointID, { disabled: true });
      return 500;
    });
    const w = await c.webhooks.create({ url: rcv.url('/x'), filter_types: ['product.created'] });
    endpointID = w.id;
    const verifier = await verifierFor(w.id);
    const p = await c.products.create(minimalProduct());
    const evt = await createdEvent(p.product_id);
    const log = await logOf(w.id, 1, 'disabled between attempts');
    assert.equal(log[0].status_code, 500);
    assert.ok(log[0].next_retry_at, `a retry was due: ${show(log[0])}`);
    assert.equal((await c.webhooks.retrieve(w.id)).disabled, true);
    // Past the due retry, with room: the endpoint was disabled, so it is skipped.
    await waitFor('the retry to be well past due', () => Date.now() > ms(log[0].next_retry_at) + QUIET_MS);
    assert.equal(rcv.received.length, 1, `no retry to a disabled endpoint: ${show(rcv.received.map((x) => x.attempt))}`);
    assert.equal((await deliveryLog(env, env.keys.a, w.id)).length, 1, 'a skipped retry is no attempt');

    await c.webhooks.update(w.id, { disabled: false });
    const q = await c.products.create(minimalProduct());
    const qe = await createdEvent(q.product_id);
    await waitFor('the re-enabled endpoint gets the next event', () => rcv.ids().includes(qe.id));
    assert.equal(verify(verifier, rcv.received.find((x) => x.id === qe.id)).data.product_id, q.product_id);
    await sleep(QUIET_MS);
    assert.deepEqual(rcv.ids().filter((id) => id === evt.id).length, 1, 'the skipped retry is not sent after re-enabling');
  });
});
