// Helpers for the webhook delivery tests: a local receiver that records
// every request and answers as a test tells it, verification with the
// official SDK's client.webhooks.unwrap, and readers of Pricebook's own
// face (the journal, an endpoint's delivery log).
// See internal/api/dodo/README.md "Webhooks" and internal/api/pricebook/README.md.

import assert from 'node:assert/strict';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { raw, repoRoot, show, sleep } from './harness.js';

/**
 * Starts an HTTP receiver on 127.0.0.1:0. `respond(delivery, attempt)` is
 * awaited for every request; `attempt` counts the requests so far with the
 * same webhook-id (1 for the first). It returns a status code or 'destroy'
 * (the socket is destroyed without an answer). Every request is recorded in
 * `received` as {path, headers, body, id, type, attempt, at} before it is
 * answered.
 */
export async function startReceiver(respond = () => 200) {
  const received = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (d) => chunks.push(d));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const id = req.headers['webhook-id'];
      let type;
      try {
        type = JSON.parse(body).type;
      } catch {}
      const attempt = received.filter((r) => r.id === id).length + 1;
      const r = { method: req.method, path: req.url, headers: req.headers, body, id, type, attempt, at: Date.now() };
      received.push(r);
      let answer;
      try {
        answer = await respond(r, attempt);
      } catch (e) {
        r.respondError = e;
        answer = 500;
      }
      if (answer === 'destroy') {
        req.socket.destroy();
        return;
      }
      res.statusCode = answer;
      res.setHeader('content-type', 'text/plain');
      res.end(`answer ${answer}`);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = server.address().port;
  return {
    received,
    url: (p = '/in') => `http://127.0.0.1:${port}${p}`,
    ids: () => received.map((r) => r.id),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The three Standard Webhooks headers of a recorded delivery. */
export function signatureHeaders(r) {
  return {
    'webhook-id': r.headers['webhook-id'],
    'webhook-timestamp': r.headers['webhook-timestamp'],
    'webhook-signature': r.headers['webhook-signature'],
  };
}

/**
 * Verifies a recorded delivery with `verifier.webhooks.unwrap` (a client
 * made with the endpoint's secret as webhookKey) and returns the event.
 */
export function verify(verifier, r, what = '') {
  let event;
  try {
    event = verifier.webhooks.unwrap(r.body, { headers: signatureHeaders(r) });
  } catch (e) {
    assert.fail(`${what ? what + ': ' : ''}unwrap refused the delivery ${r.id} (${e.message}): headers ${show(signatureHeaders(r))} body ${r.body}`);
  }
  assert.deepEqual(Object.keys(event).sort(), ['business_id', 'data', 'timestamp', 'type'], `delivery body keys: ${r.body}`);
  assert.match(r.id, /^evt_/, `webhook-id starts with evt_: ${r.id}`);
  assert.equal(r.method, 'POST');
  assert.equal(r.headers['content-type'], 'application/json');
  return event;
}

/** Polls `cond` (sync or async) every 50 ms until it returns a truthy value; fails after `timeout` ms with `detail()`. */
export async function waitFor(what, cond, { timeout = 30_000, detail = () => '' } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() > deadline) assert.fail(`timed out after ${timeout} ms waiting for ${what}; ${detail()}`);
    await sleep(50);
  }
}

/** Every item of a list of Pricebook's own face, following next_cursor. */
async function pbListAll(env, key, urlPath, query = {}) {
  const out = [];
  let cursor;
  for (let page = 0; ; page++) {
    const q = new URLSearchParams({ limit: '200', ...query });
    if (cursor) q.set('cursor', cursor);
    const res = await raw(env.baseURL, 'GET', `${urlPath}?${q}`, { key });
    assert.equal(res.status, 200, `GET ${urlPath}?${q}: ${res.status} ${res.text}`);
    assert.ok(Array.isArray(res.json?.data), `GET ${urlPath}: {data, next_cursor}, got ${res.text}`);
    out.push(...res.json.data);
    cursor = res.json.next_cursor;
    // An ascending journal list always goes on (what commits next follows): it ends at an empty page.
    if (!cursor || res.json.data.length === 0) return out;
    assert.ok(page < 1000, 'endless pagination');
  }
}

/** The partition's journal, oldest first (commit order). */
export function journal(env, key) {
  return pbListAll(env, key, '/_pricebook/v1/events', { order: 'asc' });
}

/** Every attempt in an endpoint's delivery log, oldest first. */
export async function deliveryLog(env, key, endpointID) {
  const items = await pbListAll(env, key, `/_pricebook/v1/webhooks/${endpointID}/deliveries`);
  return items.reverse();
}

/**
 * catalog.EventTypes, read from internal/catalog/event.go so that a type
 * added there without a test here fails the suite.
 */
export function catalogEventTypes() {
  const src = readFileSync(path.join(repoRoot, 'internal', 'catalog', 'event.go'), 'utf8');
  const block = src.slice(src.indexOf('var EventTypes'));
  const body = block.slice(0, block.indexOf('}()'));
  const types = [];
  for (const m of body.matchAll(/"([a-z_]+)":\s*\{([^}]*)\}/g)) {
    for (const w of m[2].matchAll(/"([a-z_]+)"/g)) types.push(`${m[1]}.${w[1]}`);
  }
  assert.ok(types.length >= 30, `could not read EventTypes from internal/catalog/event.go (got ${show(types)})`);
  return types.sort();
}
