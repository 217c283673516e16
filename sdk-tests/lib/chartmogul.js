// Helpers for driving the ChartMogul face with the official chartmogul-node
// client (pinned 3.12.3). Spec: shared/spec/chartmogul.md.

import assert from 'node:assert/strict';
import ChartMogul from 'chartmogul-node';
import { show } from './harness.js';

export { ChartMogul };

/** A client config for `key` against `baseURL`, with the client's retries off. */
export function cmConfig(baseURL, key) {
  const config = new ChartMogul.Config(key, baseURL);
  // The default (20 retries, ~15 min) would hide a 5xx behind a timeout.
  config.retries = 0;
  return config;
}

/** Raw request with HTTP Basic auth; resolves {status, headers, text, json}. */
export async function cmRaw(baseURL, method, urlPath, { user, password = '', body, headers = {} } = {}) {
  const h = { ...headers };
  if (user !== undefined) h.authorization = 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
  let payload = body;
  if (body !== undefined && typeof body !== 'string') {
    payload = JSON.stringify(body);
    h['content-type'] ??= 'application/json';
  }
  const res = await fetch(baseURL + urlPath, { method, headers: h, body: payload });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/**
 * Awaits a client call expecting an HTTP error. chartmogul-node 3.12.3
 * rejects with superagent's error (status, response.body) for every
 * non-2xx. Checks the status and, when given, the exact body.
 */
export async function expectCMError(promise, { status, body, label = '' }) {
  let result;
  try {
    result = await promise;
  } catch (err) {
    const got = err.status ?? err.httpStatus;
    const gotBody = err.response?.body ?? err.response;
    const ctx = `${label ? label + ': ' : ''}got ${err?.constructor?.name} status=${got} body=${show(gotBody)}`;
    assert.equal(got, status, `status; ${ctx}`);
    assert.match(String(err.response?.headers?.['content-type']), /^application\/json/, `content type; ${ctx}`);
    if (body !== undefined) assert.deepEqual(gotBody, body, `body; ${ctx}`);
    return err;
  }
  assert.fail(`${label ? label + ': ' : ''}expected HTTP ${status}, but the call succeeded with ${show(result)}`);
}

/**
 * Walks a cursor-paged list to the end. `fetch(query)` returns one page;
 * `key` names the item array. Checks the recorded envelope rules on every
 * page and returns every item in order.
 */
export async function walk(fetch, key, perPage) {
  const items = [];
  let cursor;
  for (let page = 1; ; page++) {
    const query = { per_page: perPage };
    if (cursor) query.cursor = cursor;
    const res = await fetch(query);
    assert.ok(Array.isArray(res[key]), `page ${page}: ${key} must be an array: ${show(res)}`);
    assert.ok(res[key].length <= perPage, `page ${page}: ${res[key].length} items > per_page ${perPage}`);
    if (page === 1) {
      assert.equal(res.current_page, 1, `first page has current_page 1: ${show(res)}`);
      assert.equal(typeof res.total_pages, 'number', `first page has total_pages: ${show(res)}`);
    } else {
      assert.ok(!('current_page' in res) && !('total_pages' in res), `page ${page}: no current_page/total_pages: ${show(res)}`);
    }
    for (const k of ['data_source_uuid', 'customer_uuid', 'summary']) {
      assert.ok(!(k in res), `page ${page}: envelope must not hold ${k} (Python client)`);
    }
    assert.equal(typeof res.has_more, 'boolean');
    if (res[key].length > 0) assert.equal(typeof res.cursor, 'string', `page ${page}: cursor on every non-empty page`);
    items.push(...res[key]);
    if (!res.has_more) return items;
    cursor = res.cursor;
    assert.ok(page < 1000, 'endless pagination');
  }
}

/** Asserts a plan object's shape: six non-null keys. */
export function assertPlan(p) {
  assert.deepEqual(Object.keys(p).sort(), ['data_source_uuid', 'external_id', 'interval_count', 'interval_unit', 'name', 'uuid']);
  for (const [k, v] of Object.entries(p)) assert.ok(v !== null && v !== undefined, `plan.${k} must not be null`);
  assert.match(p.uuid, /^pl_[0-9a-f-]{36}$/);
  assert.ok(Number.isInteger(p.interval_count) && p.interval_count >= 1);
}
