// Test harness: runs the REAL pricebook binary (migrate, keys, serve) on a fresh
// database and hands out official `dodopayments` SDK clients pointed at it.
//
// Environment:
//   PRICEBOOK_BIN            absolute path of a built binary; if unset the harness
//                            runs `go build ./cmd/pricebook` from the repo root once
//                            per test process (the Go build cache makes repeats cheap).
//   PRICEBOOK_SDK_DB         `sqlite` (default) or `postgres`.
//   PRICEBOOK_TEST_POSTGRES  server URL for postgres, e.g.
//                            postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable
//                            A fresh database is created per server with `psql` and
//                            dropped again by stop().
//   PRICEBOOK_SDK_DEBUG      if set, server stderr is echoed to this process' stderr.

import { spawn, execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import DodoPayments from 'dodopayments';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..');

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;

// ---------------------------------------------------------------------------
// process helpers

/** Runs a command and resolves {code, stdout, stderr}; never rejects on a non-zero exit. */
export function run(cmd, args, { cwd, env, timeout = 60_000, input } = {}) {
  return new Promise((resolve, reject) => {
    const child = execFile(
      cmd,
      args,
      { cwd, env: env ?? childEnv(), timeout, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') {
          // spawn failure or timeout (code is a string / null then)
          if (err.code === 'ENOENT') return reject(new Error(`cannot run ${cmd}: not found`));
          if (err.killed) return reject(new Error(`${cmd} ${args.join(' ')} timed out after ${timeout}ms\nstdout: ${stdout}\nstderr: ${stderr}`));
        }
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      },
    );
    if (input !== undefined) child.stdin.end(input);
  });
}

/** Environment for child processes: ours minus anything that would steer the SDK or server elsewhere. */
function childEnv(extra = {}) {
  const env = { ...process.env, ...extra };
  for (const k of Object.keys(env)) {
    if (k.startsWith('DODO_PAYMENTS_')) delete env[k];
  }
  return env;
}

// ---------------------------------------------------------------------------
// binary

let binaryPromise;

/** Path of the pricebook binary, building it once per process if PRICEBOOK_BIN is unset. */
export function binary() {
  if (!binaryPromise) {
    binaryPromise = (async () => {
      if (process.env.PRICEBOOK_BIN) {
        assert.ok(path.isAbsolute(process.env.PRICEBOOK_BIN), 'PRICEBOOK_BIN must be an absolute path');
        return process.env.PRICEBOOK_BIN;
      }
      const dir = await mkdtemp(path.join(tmpdir(), 'pricebook-bin-'));
      process.once('exit', () => {
        try {
          rmSync(dir, { recursive: true, force: true });
        } catch {}
      });
      const out = path.join(dir, 'pricebook');
      const res = await run('go', ['build', '-o', out, './cmd/pricebook'], { cwd: repoRoot, timeout: 600_000 });
      if (res.code !== 0) {
        throw new Error(`go build ./cmd/pricebook failed (exit ${res.code}):\n${res.stderr}${res.stdout}`);
      }
      return out;
    })();
  }
  return binaryPromise;
}

/** Runs `pricebook ...args`; resolves {code, stdout, stderr}. */
export async function cli(args, opts = {}) {
  return run(await binary(), args, opts);
}

/** Runs `pricebook ...args` and asserts exit 0; resolves stdout. */
export async function cliOK(args, opts = {}) {
  const res = await cli(args, opts);
  assert.equal(
    res.code,
    0,
    `pricebook ${args.join(' ')} exited ${res.code}\nstdout: ${res.stdout}\nstderr: ${res.stderr}`,
  );
  return res.stdout;
}

// ---------------------------------------------------------------------------
// databases

export function engine() {
  const e = (process.env.PRICEBOOK_SDK_DB || 'sqlite').toLowerCase();
  if (e !== 'sqlite' && e !== 'postgres') throw new Error(`PRICEBOOK_SDK_DB must be sqlite or postgres, got ${e}`);
  return e;
}

/**
 * Creates a fresh, empty database for the selected engine.
 * Resolves {engine, db, cleanup()} where `db` is the value for `--db`.
 */
export async function newDatabase() {
  if (engine() === 'sqlite') {
    const dir = await mkdtemp(path.join(tmpdir(), 'pricebook-sdk-'));
    const db = path.join(dir, 'pricebook.db');
    return {
      engine: 'sqlite',
      db,
      dir,
      cleanup: async () => {
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  const server = process.env.PRICEBOOK_TEST_POSTGRES;
  if (!server) throw new Error('PRICEBOOK_SDK_DB=postgres needs PRICEBOOK_TEST_POSTGRES (a server URL)');
  const name = `pb_sdk_${process.pid}_${randomBytes(4).toString('hex')}`;
  await psql(server, `CREATE DATABASE ${name}`);
  const u = new URL(server);
  u.pathname = '/' + name;
  const dir = await mkdtemp(path.join(tmpdir(), 'pricebook-sdk-'));
  return {
    engine: 'postgres',
    db: u.toString(),
    name,
    dir,
    cleanup: async () => {
      await psql(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function psql(url, sql) {
  const res = await run('psql', [url, '-v', 'ON_ERROR_STOP=1', '-q', '-c', sql], { timeout: 60_000 });
  assert.equal(res.code, 0, `psql ${sql} failed (exit ${res.code}): ${res.stderr}`);
}

// ---------------------------------------------------------------------------
// server process

/**
 * Starts `pricebook serve --addr 127.0.0.1:0 --db DB` and waits for the
 * `listening on http://127.0.0.1:PORT` line and a 200 from /readyz.
 * Resolves {baseURL, proc, stdout(), stderr(), stop()}; stop() sends SIGTERM,
 * waits for exit and resolves {code, signal}.
 */
export async function spawnServer(db, { extraArgs = [], cwd } = {}) {
  const bin = await binary();
  const proc = spawn(bin, ['serve', '--addr', '127.0.0.1:0', '--db', db, ...extraArgs], {
    cwd, // a PostgreSQL server keeps its default blob directory there
    env: childEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let exited = null;
  const exitPromise = new Promise((resolve) => {
    proc.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
  });
  proc.stdout.setEncoding('utf8');
  proc.stderr.setEncoding('utf8');
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => {
    err += d;
    if (process.env.PRICEBOOK_SDK_DEBUG) process.stderr.write(d);
  });
  proc.once('error', (e) => {
    err += `\n[spawn error] ${e.message}`;
  });

  const describe = () => `\n--- server stdout ---\n${out}\n--- server stderr ---\n${err.slice(-8000)}`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  let baseURL;
  while (!baseURL) {
    const m = err.match(/listening on (http:\/\/127\.0\.0\.1:(\d+))/);
    if (m && Number(m[2]) > 0) baseURL = m[1];
    else {
      if (exited) throw new Error(`pricebook serve exited early (${JSON.stringify(exited)})${describe()}`);
      if (Date.now() > deadline) {
        proc.kill('SIGKILL');
        throw new Error(`pricebook serve printed no "listening on http://127.0.0.1:PORT" line on stderr within ${START_TIMEOUT_MS}ms${describe()}`);
      }
      await sleep(25);
    }
  }
  // wait for readiness
  for (;;) {
    try {
      const r = await fetch(baseURL + '/readyz');
      await r.arrayBuffer();
      if (r.status === 200) break;
    } catch {}
    if (exited) throw new Error(`pricebook serve exited before /readyz was 200 (${JSON.stringify(exited)})${describe()}`);
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`GET /readyz did not return 200 within ${START_TIMEOUT_MS}ms${describe()}`);
    }
    await sleep(50);
  }

  let stopping;
  const stop = () => {
    if (!stopping) {
      stopping = (async () => {
        if (!exited) proc.kill('SIGTERM');
        let timer;
        const timeout = new Promise((r) => {
          timer = setTimeout(() => r('timeout'), STOP_TIMEOUT_MS);
        });
        const res = await Promise.race([exitPromise, timeout]);
        clearTimeout(timer);
        if (res === 'timeout') {
          proc.kill('SIGKILL');
          await exitPromise;
          throw new Error(`pricebook serve did not exit within ${STOP_TIMEOUT_MS}ms of SIGTERM${describe()}`);
        }
        return res;
      })();
    }
    return stopping;
  };
  process.once('exit', () => {
    if (!exited) proc.kill('SIGKILL');
  });
  return {
    baseURL,
    proc,
    stdout: () => out,
    stderr: () => err,
    describe,
    exited: () => exited,
    stop,
  };
}

// ---------------------------------------------------------------------------
// the standard fixture

/** Runs `keys create` and returns the key (trimmed single line). */
export async function createKey(db, args) {
  const stdout = await cliOK(['keys', 'create', '--db', db, ...args]);
  const lines = stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  assert.equal(lines.length, 1, `keys create must print only the key on stdout, got: ${JSON.stringify(stdout)}`);
  assert.match(lines[0], /^pb_(test|live)_\S+$/, `unexpected key format: ${lines[0]}`);
  return lines[0];
}

/** Runs `keys list --json` and returns the parsed array. */
export async function listKeys(db) {
  const stdout = await cliOK(['keys', 'list', '--db', db, '--json']);
  let parsed;
  try {
    parsed = JSON.parse(stdout);
  } catch (e) {
    assert.fail(`keys list --json did not print JSON: ${e.message}\n${stdout}`);
  }
  assert.ok(Array.isArray(parsed), `keys list --json must print an array, got ${stdout}`);
  return parsed;
}

/** The `keys list` row for a full key (matched by its printed prefix). */
export function rowForKey(rows, key) {
  const matches = rows.filter((r) => typeof r.prefix === 'string' && r.prefix.length > 0 && key.startsWith(r.prefix));
  // prefixes could in theory collide; prefer the longest
  matches.sort((a, b) => b.prefix.length - a.prefix.length);
  assert.ok(matches.length > 0, `no keys list row with a prefix of ${key.slice(0, 12)}…: ${JSON.stringify(rows)}`);
  return matches[0];
}

/**
 * Fresh database + migrate + keys + serve.
 * `serveArgs` are appended to `serve`'s flags (e.g. ['--webhook-retry-schedule', '0s,200ms']).
 * Resolves {baseURL, db, keys: {a, aLive, aReadOnly, b, revoked}, businessA, businessB, server, client(key, opts), stop()}.
 */
export async function startServer({ serveArgs = [] } = {}) {
  const database = await newDatabase();
  let server;
  try {
    const db = database.db;
    await cliOK(['migrate', '--db', db]);
    const a = await createKey(db, ['--mode', 'test', '--new-business']);
    const businessA = rowForKey(await listKeys(db), a).business_id;
    assert.match(businessA, /^bus_/, 'business ids start with bus_');
    const aLive = await createKey(db, ['--mode', 'live', '--business', businessA]);
    const aReadOnly = await createKey(db, ['--mode', 'test', '--read-only', '--business', businessA]);
    const b = await createKey(db, ['--mode', 'test', '--new-business']);
    const revoked = await createKey(db, ['--mode', 'test', '--business', businessA]);
    await cliOK(['keys', 'revoke', '--db', db, revoked]);
    const rows = await listKeys(db);
    const businessB = rowForKey(rows, b).business_id;
    assert.notEqual(businessA, businessB, '--new-business must create a second business');

    server = await spawnServer(db, { extraArgs: serveArgs, cwd: database.dir });
    const env = {
      baseURL: server.baseURL,
      db,
      engine: database.engine,
      keys: { a, aLive, aReadOnly, b, revoked },
      businessA,
      businessB,
      server,
      client: (key, opts = {}) => client(server.baseURL, key, opts),
      stop: async () => {
        try {
          return await server.stop();
        } finally {
          await database.cleanup();
        }
      },
    };
    return env;
  } catch (e) {
    if (server) await server.stop().catch(() => {});
    await database.cleanup().catch(() => {});
    throw e;
  }
}

/** An official SDK client for `key` against `baseURL` (no retries unless asked). */
export function client(baseURL, key, opts = {}) {
  return new DodoPayments({ bearerToken: key, baseURL, maxRetries: 0, timeout: 30_000, ...opts });
}

// ---------------------------------------------------------------------------
// HTTP and assertion helpers

/** Raw HTTP request; resolves {status, headers, text, json}. */
export async function raw(baseURL, method, urlPath, { key, body, headers = {} } = {}) {
  const h = { ...headers };
  if (key !== undefined) h.authorization = `Bearer ${key}`;
  let payload = body;
  if (body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array)) {
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

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/** JSON.stringify that never throws, for assertion messages. */
export function show(v) {
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

/**
 * Awaits `promise` expecting an SDK APIError. Checks class, status, body code and
 * that the message matches. Returns the error.
 */
export async function expectAPIError(promise, { cls, status, code, message, label = '' } = {}) {
  let result;
  try {
    result = await promise;
  } catch (err) {
    const ctx = `${label ? label + ': ' : ''}got ${err?.constructor?.name} status=${err?.status} body=${show(err?.error)} (${err?.message})`;
    assert.ok(err instanceof DodoPayments.APIError, `expected an APIError; ${ctx}\n${err?.stack}`);
    if (status !== undefined) assert.equal(err.status, status, `status; ${ctx}`);
    if (cls) assert.ok(err instanceof cls, `expected ${cls.name}; ${ctx}`);
    // every error must carry the documented envelope {code, message} (spec §1.6)
    assert.equal(typeof err.error, 'object', `error body must be a JSON object; ${ctx}`);
    assert.ok(err.error !== null, `error body must be a JSON object; ${ctx}`);
    assert.match(String(err.error.code), /^[A-Z][A-Z0-9_]*$/, `body.code must be UPPER_SNAKE; ${ctx}`);
    assert.equal(typeof err.error.message, 'string', `body.message must be a string; ${ctx}`);
    assert.ok(err.error.message.length > 0, `body.message must not be empty; ${ctx}`);
    if (code !== undefined) assert.equal(err.error.code, code, `body.code; ${ctx}`);
    if (message !== undefined) {
      if (message instanceof RegExp) assert.match(err.error.message, message, `body.message; ${ctx}`);
      else assert.ok(err.error.message.includes(message), `body.message should mention ${show(message)}; ${ctx}`);
    }
    return err;
  }
  assert.fail(`${label ? label + ': ' : ''}expected an API error (${cls?.name ?? status}), but the call succeeded with ${show(result)}`);
}

/** All items of a list, page by page from page 0 (page_size 100). */
export async function listAll(c, query = {}) {
  const items = [];
  for await (const item of c.products.list({ page_size: 100, page_number: 0, ...query })) items.push(item);
  return items;
}

export { DodoPayments };
