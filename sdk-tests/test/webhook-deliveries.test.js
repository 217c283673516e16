// Webhook deliveries received by a local HTTP server and verified with
// the official SDK's client.webhooks.unwrap (Standard Webhooks, as Dodo
// signs them), keyed with the endpoint's secret (the webhookKey option).
// See internal/api/dodo/README.md "Webhooks".

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer, show } from '../lib/harness.js';
import { minimalProduct } from '../lib/products.js';

let env;
let c;
let receiver;
const received = [];

before(async () => {
  env = await startServer();
  c = env.client(env.keys.a);
  receiver = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (d) => chunks.push(d));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.end('ok');
    });
  });
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
});
after(async () => {
  await new Promise((resolve) => receiver?.close(resolve));
  await env?.stop();
});

async function waitFor(what, cond) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const v = cond();
    if (v) return v;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}; received ${show(received.map((r) => r.body))}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('webhook deliveries', () => {
  test('a product.created delivery verifies with client.webhooks.unwrap; a tampered one does not', async () => {
    const w = await c.webhooks.create({ url: `http://127.0.0.1:${receiver.address().port}/in`, headers: { 'X-Team': 'billing' } });
    const { secret } = await c.webhooks.retrieveSecret(w.id);
    const p = await c.products.create(minimalProduct({ name: 'Delivered' }));

    const got = await waitFor('the product.created delivery', () =>
      received.find((r) => JSON.parse(r.body).type === 'product.created'),
    );
    const verifier = env.client(env.keys.a, { webhookKey: secret });
    const headers = {
      'webhook-id': got.headers['webhook-id'],
      'webhook-timestamp': got.headers['webhook-timestamp'],
      'webhook-signature': got.headers['webhook-signature'],
    };
    const event = verifier.webhooks.unwrap(got.body, { headers });
    assert.equal(event.type, 'product.created');
    assert.equal(event.business_id, env.businessA);
    assert.equal(event.data.product_id, p.product_id);
    assert.match(event.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.match(got.headers['webhook-id'], /^evt_/);
    assert.equal(got.headers['content-type'], 'application/json');
    assert.equal(got.headers['x-team'], 'billing');

    // The key passed to unwrap itself works too; a changed body does not.
    verifier.webhooks.unwrap(got.body, { headers, key: secret });
    const tampered = got.body.replace('Delivered', 'Tampered');
    assert.notEqual(tampered, got.body);
    assert.throws(() => verifier.webhooks.unwrap(tampered, { headers }));
    assert.throws(() => verifier.webhooks.unwrap(got.body, { headers: { ...headers, 'webhook-id': 'evt_other' } }));
  });
});
