// Image and file uploads through the official SDK: products.images.update,
// productCollections.updateImages, addons.updateImages, brands.updateImages,
// products.updateFiles, entitlements.files.upload / delete. Spec:
// shared/spec/dodo-catalog.md §5 rows 7, 8, 22, 33, 44, 45, 56, §6.7, §6.8,
// §7.6, §8, §10, §12.1; Pricebook's upload URLs are its own
// (internal/api/dodo/README.md "Uploads").
//
// Runs once over the default blob store (a directory beside the SQLite
// file; ./pricebook.blobs in the server's working directory on PostgreSQL) and once over S3 when PRICEBOOK_TEST_S3
// names a bucket URL (scripts/test.sh starts an S3-compatible server).

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { startServer, expectAPIError, sleep, show, DodoPayments } from '../lib/harness.js';
import { minimalProduct } from '../lib/products.js';

const { UnprocessableEntityError } = DodoPayments;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TTL_SECONDS = 3;

// A real PNG of w×h pixels of one colour.
function png(w, h, rgb = [200, 30, 30]) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: w }, () => rgb).flat())]);
  const pixels = Buffer.concat(Array.from({ length: h }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(pixels)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

async function put(url, body, headers = {}) {
  const res = await fetch(url, { method: 'PUT', body, headers });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: res.status, json, text };
}

async function get(url, headers = {}) {
  const res = await fetch(url, { headers });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

const stores = [['default blob store', []]];
if (process.env.PRICEBOOK_TEST_S3) stores.push(['S3 blob store', ['--blobs', process.env.PRICEBOOK_TEST_S3]]);

for (const [name, blobArgs] of stores) {
  describe(`uploads (${name})`, () => {
    let env;
    let c;
    before(async () => {
      env = await startServer({ serveArgs: [...blobArgs, '--upload-url-ttl', `${TTL_SECONDS}s`] });
      c = env.client(env.keys.a);
    });
    after(async () => {
      await env?.stop();
    });

    test('product image: URL, PUT bytes, attach with image_id, served byte for byte with ETag and 304', async () => {
      const p = await c.products.create(minimalProduct());
      assert.equal(p.image, null);
      const slot = await c.products.images.update(p.product_id, { force_update: true });
      assert.match(slot.image_id, UUID);
      assert.ok(slot.url.startsWith(env.baseURL + '/_pricebook/uploads/'), slot.url);
      const img = png(4, 3);
      const up = await put(slot.url, img, { 'content-type': 'application/octet-stream' });
      assert.equal(up.status, 200, up.text);
      assert.equal(up.json.content_type, 'image/png');

      assert.equal(await c.products.update(p.product_id, { image_id: slot.image_id }), undefined);
      const got = await c.products.retrieve(p.product_id);
      assert.equal(got.image, `${env.baseURL}/_pricebook/images/${slot.image_id}`);
      const served = await get(got.image);
      assert.equal(served.status, 200);
      assert.deepEqual(served.bytes, img);
      assert.equal(served.headers.get('content-type'), 'image/png');
      assert.ok(served.headers.get('cache-control'));
      const etag = served.headers.get('etag');
      assert.ok(etag);
      assert.equal((await get(got.image, { 'if-none-match': etag })).status, 304);

      // The list shows it too; without force_update the id is kept and the
      // bytes replaced under the same URL.
      const listed = (await c.products.list({ page_size: 100 })).items.find((x) => x.product_id === p.product_id);
      assert.equal(listed.image, got.image);
      const again = await c.products.images.update(p.product_id);
      assert.equal(again.image_id, slot.image_id);
      const img2 = png(2, 2, [0, 0, 255]);
      assert.equal((await put(again.url, img2)).status, 200);
      const replaced = await get(got.image, { 'if-none-match': etag });
      assert.equal(replaced.status, 200);
      assert.deepEqual(replaced.bytes, img2);
    });

    test('refused uploads: too large (413), not an image (422), expired (403), tampered (403)', async () => {
      const p = await c.products.create(minimalProduct());
      const slot = () => c.products.images.update(p.product_id, { force_update: true });

      const big = Buffer.concat([png(1, 1), Buffer.alloc(10 * 1024 * 1024)]);
      let r = await put((await slot()).url, big);
      assert.equal(r.status, 413, r.text);
      assert.equal(r.json.code, 'UPLOAD_TOO_LARGE');

      r = await put((await slot()).url, Buffer.from('this is text, not an image'), { 'content-type': 'image/png' });
      assert.equal(r.status, 422, r.text);
      assert.equal(r.json.code, 'NOT_AN_IMAGE');

      const s = await slot();
      const last = s.url.at(-1) === 'A' ? 'B' : 'A';
      r = await put(s.url.slice(0, -1) + last, png(1, 1));
      assert.equal(r.status, 403, r.text);
      assert.equal(r.json.code, 'SIGNATURE_MISMATCH');

      // An image never uploaded cannot be attached.
      await expectAPIError(c.products.update(p.product_id, { image_id: s.image_id }), {
        cls: UnprocessableEntityError, status: 422, code: 'INVALID_REQUEST_BODY', message: 'image_id',
      });

      await sleep(TTL_SECONDS * 1000 + 1100);
      r = await put(s.url, png(1, 1));
      assert.equal(r.status, 403, r.text);
      assert.equal(r.json.code, 'URL_EXPIRED');
    });

    test('another business cannot attach the image', async () => {
      const p = await c.products.create(minimalProduct());
      const s = await c.products.images.update(p.product_id);
      assert.equal((await put(s.url, png(1, 1))).status, 200);
      const b = env.client(env.keys.b);
      const other = await b.products.create(minimalProduct());
      await expectAPIError(b.products.update(other.product_id, { image_id: s.image_id }), {
        cls: UnprocessableEntityError, status: 422, code: 'INVALID_REQUEST_BODY', message: 'image_id',
      });
    });

    test('addon, brand and collection images', async () => {
      const img = png(3, 3, [10, 200, 10]);
      const addon = await c.addons.create({ name: 'Seats', price: 100, currency: 'USD', tax_category: 'saas' });
      const as = await c.addons.updateImages(addon.id);
      assert.equal((await put(as.url, img)).status, 200);
      const a2 = await c.addons.update(addon.id, { image_id: as.image_id });
      assert.equal(a2.image, `${env.baseURL}/_pricebook/images/${as.image_id}`);
      assert.deepEqual((await get((await c.addons.retrieve(addon.id)).image)).bytes, img);

      const brand = await c.brands.create({ name: 'Side' });
      const bs = await c.brands.updateImages(brand.brand_id);
      assert.equal((await put(bs.url, img)).status, 200);
      const b2 = await c.brands.update(brand.brand_id, { image_id: bs.image_id });
      assert.ok(b2.image, show(b2));
      assert.deepEqual((await get((await c.brands.retrieve(brand.brand_id)).image)).bytes, img);

      const member = await c.products.create(minimalProduct());
      const col = await c.productCollections.create({ name: 'C', groups: [{ products: [{ product_id: member.product_id }] }] });
      const cs = await c.productCollections.updateImages(col.id, { force_update: true });
      assert.match(cs.image_id, UUID);
      assert.equal((await put(cs.url, img)).status, 200);
      await c.productCollections.update(col.id, { image_id: cs.image_id });
      const got = await c.productCollections.retrieve(col.id);
      assert.deepEqual((await get(got.image)).bytes, img);
    });

    test('product files: upload, attach with digital_product_delivery.files, download, reorder, drop', async () => {
      const p = await c.products.create(minimalProduct());
      const guide = Buffer.from('%PDF-1.4 a guide');
      const f = await c.products.updateFiles(p.product_id, { file_name: 'guide.pdf' });
      assert.match(f.file_id, UUID);
      const r = await put(f.url, guide, { 'content-type': 'application/pdf' });
      assert.equal(r.status, 200, r.text);
      const g = await c.products.updateFiles(p.product_id, { file_name: 'notes.txt' });
      assert.equal((await put(g.url, Buffer.from('notes'))).status, 200);
      const pending = await c.products.updateFiles(p.product_id, { file_name: 'never.bin' }); // no bytes PUT

      await c.products.update(p.product_id, { digital_product_delivery: { files: [f.file_id, g.file_id], instructions: 'Read me first' } });
      const got = await c.products.retrieve(p.product_id);
      const files = got.digital_product_delivery.files;
      assert.deepEqual(files.map((x) => x.file_id), [f.file_id, g.file_id], show(got));
      assert.equal(files[0].filename, 'guide.pdf');
      assert.equal(files[0].file_size, guide.length);
      assert.ok(files[0].expires_in > 0);
      assert.equal(got.digital_product_delivery.instructions, 'Read me first');
      const dl = await get(files[0].download_url);
      assert.equal(dl.status, 200);
      assert.deepEqual(dl.bytes, guide);

      // Another product's file, a file never uploaded, an unknown id, a repeat: 422 naming the field, nothing changed.
      const other = await c.products.create(minimalProduct());
      const theirs = await c.products.updateFiles(other.product_id, { file_name: 'x.txt' });
      await put(theirs.url, Buffer.from('x'));
      for (const ids of [[theirs.file_id], [pending.file_id], ['00000000-0000-4000-8000-000000000000'], [f.file_id, f.file_id]]) {
        await expectAPIError(c.products.update(p.product_id, { digital_product_delivery: { files: ids } }),
          { cls: UnprocessableEntityError, message: 'digital_product_delivery.files', label: show(ids) });
      }
      assert.deepEqual((await c.products.retrieve(p.product_id)).digital_product_delivery.files.map((x) => x.file_id), [f.file_id, g.file_id]);

      await c.products.update(p.product_id, { digital_product_delivery: { files: [g.file_id, f.file_id] } });
      assert.deepEqual((await c.products.retrieve(p.product_id)).digital_product_delivery.files.map((x) => x.file_id), [g.file_id, f.file_id]);
      await c.products.update(p.product_id, { digital_product_delivery: { files: [g.file_id] } });
      const left = await c.products.retrieve(p.product_id);
      assert.deepEqual(left.digital_product_delivery.files.map((x) => x.file_id), [g.file_id]);
      assert.equal(left.digital_product_delivery.instructions, 'Read me first', 'files alone leave the rest');
      // Files on create are refused: no upload exists for a product not yet made.
      await expectAPIError(c.products.create(minimalProduct({ digital_product_delivery: { files: [f.file_id] } })),
        { cls: UnprocessableEntityError, message: 'digital_product_delivery.files' });
    });

    test('entitlement files: upload (SDK, no body; raw bytes), download URLs, delete', async () => {
      const ent = await c.entitlements.create({ name: 'Files', integration_type: 'digital_files', integration_config: { digital_file_ids: [] } });
      const empty = await c.entitlements.files.upload(ent.id);
      assert.match(empty.file_id, UUID);
      const data = Buffer.from('the whole book, in bytes');
      const res = await fetch(`${env.baseURL}/entitlements/${ent.id}/files?file_name=book.txt`, {
        method: 'POST', body: data, headers: { authorization: `Bearer ${env.keys.a}`, 'content-type': 'text/plain' },
      });
      assert.equal(res.status, 201);
      const { file_id } = await res.json();

      const got = await c.entitlements.retrieve(ent.id);
      const files = got.integration_config.digital_files.files;
      assert.equal(files.length, 2, show(got));
      const book = files.find((f) => f.file_id === file_id);
      assert.equal(book.filename, 'book.txt');
      assert.equal(book.file_size, data.length);
      assert.equal(book.content_type, 'text/plain');
      assert.ok(book.expires_in > 0);
      const dl = await get(book.download_url);
      assert.equal(dl.status, 200);
      assert.deepEqual(dl.bytes, data);

      await c.entitlements.files.delete(empty.file_id, { id: ent.id });
      const after = await c.entitlements.retrieve(ent.id);
      assert.deepEqual(after.integration_config.digital_files.files.map((f) => f.file_id), [file_id]);

      const flag = await c.entitlements.create({ name: 'F', integration_type: 'feature_flag', integration_config: { feature_id: 'f', feature_type: 'boolean' } });
      await expectAPIError(c.entitlements.files.upload(flag.id), { cls: UnprocessableEntityError, status: 422 });
    });
  });
}
