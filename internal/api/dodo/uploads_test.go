package dodo_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pricebook/pricebook/internal/api/dodo"
	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
	"github.com/pricebook/pricebook/internal/uploads"
)

// uploadHarness serves the face and the upload service's URLs, as serve
// does; clock moves the service's time.
type uploadHarness struct {
	*harness
	clock *time.Time
}

func newUploadHarness(t *testing.T, st *store.Store) *uploadHarness {
	now := time.Now()
	d := deps(st)
	b, err := uploads.OpenBucket(t.Context(), "mem://", "")
	if err != nil {
		t.Fatal(err)
	}
	up, err := uploads.New(t.Context(), st, b, uploads.Config{PublicURL: "http://pricebook.test", Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	d.Uploads = up
	mux := http.NewServeMux()
	mux.Handle("/", dodo.New(d))
	for _, p := range []string{uploads.UploadPath, uploads.ImagePath, uploads.DownloadPath} {
		mux.Handle(p, up.Handler())
	}
	return &uploadHarness{harness: &harness{t: t, st: st, h: mux, keys: storetest.Keys(t, st)}, clock: &now}
}

// raw sends body to a URL the service handed out.
func (h *uploadHarness) raw(method, url string, body []byte, header map[string]string) response {
	h.t.Helper()
	req := httptest.NewRequest(method, strings.TrimPrefix(url, "http://pricebook.test"), bytes.NewReader(body))
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.h.ServeHTTP(rec, req)
	return response{rec.Code, rec.Header(), rec.Body.Bytes()}
}

func pngBytes(t testing.TB, shade uint8) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 3, 2))
	img.Set(1, 1, color.RGBA{shade, 0, 0, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// uploadImage asks for an upload URL and PUTs data to it.
func (h *uploadHarness) uploadImage(key, path string, data []byte) (imageID string, put response) {
	h.t.Helper()
	r := h.do("PUT", path+"/images", key, "")
	if r.status != 200 {
		h.t.Fatalf("PUT %s/images: %d %s", path, r.status, r.body)
	}
	out := r.json(h.t)
	return out["image_id"].(string), h.raw("PUT", out["url"].(string), data, map[string]string{"Content-Type": "text/plain"})
}

func TestImageUploads(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newUploadHarness(t, st)
		a := h.keys["a"]
		pid := h.create(a, oneTimeBody)
		img := pngBytes(t, 200)

		id, put := h.uploadImage(a, "/products/"+pid, img)
		if put.status != 200 || put.json(t)["content_type"] != "image/png" {
			t.Fatalf("upload: %d %s", put.status, put.body)
		}
		if r := h.do("PATCH", "/products/"+pid, a, `{"image_id":"`+id+`"}`); r.status != 200 {
			t.Fatalf("attach: %d %s", r.status, r.body)
		}
		url, _ := h.do("GET", "/products/"+pid, a, "").json(t)["image"].(string)
		if url != "http://pricebook.test/_pricebook/images/"+id {
			t.Fatalf("image = %q", url)
		}
		got := h.raw("GET", url, nil, nil)
		if got.status != 200 || !bytes.Equal(got.body, img) || got.header.Get("Content-Type") != "image/png" ||
			got.header.Get("ETag") == "" || got.header.Get("Cache-Control") == "" {
			t.Fatalf("served: %d %v", got.status, got.header)
		}
		if r := h.raw("GET", url, nil, map[string]string{"If-None-Match": got.header.Get("ETag")}); r.status != 304 || len(r.body) != 0 {
			t.Errorf("If-None-Match: %d", r.status)
		}
		// Without force_update the image id stays and the bytes are
		// replaced in place; with it a new id is made.
		again, put := h.uploadImage(a, "/products/"+pid, pngBytes(t, 10))
		if again != id || put.status != 200 {
			t.Errorf("without force_update: id %s (was %s), %d", again, id, put.status)
		}
		if r := h.raw("GET", url, nil, map[string]string{"If-None-Match": got.header.Get("ETag")}); r.status != 200 || !bytes.Equal(r.body, pngBytes(t, 10)) {
			t.Errorf("replaced image: %d", r.status)
		}
		r := h.do("PUT", "/products/"+pid+"/images?force_update=true", a, "")
		if fresh := r.json(t)["image_id"]; r.status != 200 || fresh == id {
			t.Errorf("force_update: %d %s", r.status, r.body)
		}
		if r := h.do("PUT", "/products/"+pid+"/images?force_update=maybe", a, ""); r.status != 422 || !strings.Contains(string(r.body), "force_update") {
			t.Errorf("bad force_update: %d %s", r.status, r.body)
		}

		// Refused bytes: not an image, too large; refused URLs: tampered,
		// expired.
		for name, data := range map[string][]byte{"text": []byte("hello, I am no image"), "a cut PNG header": img[:20], "nothing": nil} {
			_, put = h.uploadImage(a, "/products/"+pid, data)
			if put.status != 422 || put.json(t)["code"] != "NOT_AN_IMAGE" {
				t.Errorf("not an image (%s): %d %s", name, put.status, put.body)
			}
		}
		_, put = h.uploadImage(a, "/products/"+pid, append(pngBytes(t, 1), make([]byte, catalog.MaxImageBytes)...))
		if put.status != 413 || put.json(t)["code"] != "UPLOAD_TOO_LARGE" {
			t.Errorf("too large: %d %s", put.status, put.body)
		}
		r = h.do("PUT", "/products/"+pid+"/images?force_update=true", a, "")
		u := r.json(t)["url"].(string)
		// A character inside the signature (the last one may carry only
		// padding bits, which base64 decoding ignores).
		at, flip := len(u)-5, "A"
		if u[len(u)-5] == 'A' {
			flip = "B"
		}
		pos := strings.LastIndex(u, "/") + 3 // inside the upload id
		swap := "0"
		if u[pos] == '0' {
			swap = "1"
		}
		for name, bad := range map[string]string{"signature": u[:at] + flip + u[at+1:], "id": u[:pos] + swap + u[pos+1:]} {
			if r := h.raw("PUT", bad, img, nil); r.status != 403 || r.json(t)["code"] != "SIGNATURE_MISMATCH" {
				t.Errorf("tampered %s: %d %s", name, r.status, r.body)
			}
		}
		*h.clock = h.clock.Add(uploads.DefaultUploadTTL + time.Second)
		if r := h.raw("PUT", u, img, nil); r.status != 403 || r.json(t)["code"] != "URL_EXPIRED" {
			t.Errorf("expired: %d %s", r.status, r.body)
		}

		// Attaching what is not an uploaded image of this object is 422
		// naming image_id.
		pending := h.do("PUT", "/products/"+pid+"/images?force_update=true", a, "").json(t)["image_id"].(string)
		pid2 := h.create(a, oneTimeBody)
		for name, img := range map[string]string{"never uploaded": pending, "unknown": "00000000-0000-4000-8000-000000000000", "another product's": id} {
			r := h.do("PATCH", "/products/"+pid2, a, `{"image_id":"`+img+`"}`)
			if r.status != 422 || !strings.Contains(string(r.body), "image_id") {
				t.Errorf("%s image: %d %s", name, r.status, r.body)
			}
		}
		bp := h.create(h.keys["b"], oneTimeBody)
		if r := h.do("PUT", "/products/"+bp+"/images", a, ""); r.status != 404 {
			t.Errorf("another tenant's product: %d", r.status)
		}

		// Collections, addons and brands.
		c := h.do("POST", "/product-collections", a, `{"name":"C","groups":[{"products":[{"product_id":"`+pid2+`"}]}]}`).json(t)["id"].(string)
		ad := h.do("POST", "/addons", a, `{"name":"A","price":100,"currency":"USD","tax_category":"saas"}`).json(t)["id"].(string)
		br := h.do("POST", "/brands", a, `{"name":"Brand"}`).json(t)["brand_id"].(string)
		for _, obj := range []struct{ path, patch string }{{"/product-collections/" + c, "PATCH"}, {"/addons/" + ad, "PATCH"}, {"/brands/" + br, "PATCH"}} {
			id, put := h.uploadImage(a, obj.path, img)
			if put.status != 200 {
				t.Fatalf("%s: %d %s", obj.path, put.status, put.body)
			}
			if r := h.do("PATCH", obj.path, a, `{"image_id":"`+id+`"}`); r.status != 200 {
				t.Fatalf("%s attach: %d %s", obj.path, r.status, r.body)
			}
			got := h.do("GET", obj.path, a, "").json(t)["image"]
			if got != "http://pricebook.test/_pricebook/images/"+id || !bytes.Equal(h.raw("GET", got.(string), nil, nil).body, img) {
				t.Errorf("%s image = %v", obj.path, got)
			}
			if r := h.do("PATCH", obj.path, a, `{"image_id":"`+pending+`"}`); r.status != 422 || !strings.Contains(string(r.body), "image_id") {
				t.Errorf("%s attach a product's image: %d %s", obj.path, r.status, r.body)
			}
		}
	})
}

func TestFileUploads(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newUploadHarness(t, st)
		a := h.keys["a"]
		pid := h.create(a, oneTimeBody)
		r := h.do("PUT", "/products/"+pid+"/files", a, `{"file_name":"guide.pdf"}`)
		out := r.json(t)
		if r.status != 200 || !catalog.IsUUID(out["file_id"].(string)) || out["url"] == "" {
			t.Fatalf("product files: %d %s", r.status, r.body)
		}
		if put := h.raw("PUT", out["url"].(string), []byte("%PDF-1.4 hello"), nil); put.status != 200 {
			t.Errorf("product file bytes: %d %s", put.status, put.body)
		}
		for _, body := range []string{`{}`, `{"file_name":""}`, `{"file_name":7}`} {
			if r := h.do("PUT", "/products/"+pid+"/files", a, body); r.status != 422 || !strings.Contains(string(r.body), "file_name") {
				t.Errorf("%s: %d %s", body, r.status, r.body)
			}
		}

		ent := h.do("POST", "/entitlements", a, `{"name":"Files","integration_type":"digital_files","integration_config":{"digital_file_ids":[]}}`).json(t)["id"].(string)
		up := func(body []byte, header map[string]string) response {
			req := httptest.NewRequest("POST", "/entitlements/"+ent+"/files", bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+a)
			for k, v := range header {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			h.h.ServeHTTP(rec, req)
			return response{rec.Code, rec.Header(), rec.Body.Bytes()}
		}
		raw := up([]byte("hello, world"), map[string]string{"Content-Type": "text/plain", "Content-Disposition": `attachment; filename="hello.txt"`})
		if raw.status != 201 {
			t.Fatalf("raw: %d %s", raw.status, raw.body)
		}
		var mp bytes.Buffer
		mw := multipart.NewWriter(&mp)
		fw, _ := mw.CreateFormFile("file", "data.bin")
		fw.Write([]byte{1, 2, 3})
		mw.Close()
		multi := up(mp.Bytes(), map[string]string{"Content-Type": mw.FormDataContentType()})
		empty := up(nil, nil)
		if multi.status != 201 || empty.status != 201 {
			t.Fatalf("multipart %d %s, empty %d %s", multi.status, multi.body, empty.status, empty.body)
		}
		var e struct {
			IntegrationConfig struct {
				DigitalFiles struct {
					Files []struct {
						FileID      string  `json:"file_id"`
						Filename    string  `json:"filename"`
						DownloadURL string  `json:"download_url"`
						ExpiresIn   int64   `json:"expires_in"`
						ContentType *string `json:"content_type"`
						FileSize    *int64  `json:"file_size"`
					} `json:"files"`
				} `json:"digital_files"`
			} `json:"integration_config"`
		}
		json.Unmarshal(h.do("GET", "/entitlements/"+ent, a, "").body, &e)
		files := e.IntegrationConfig.DigitalFiles.Files
		if len(files) != 3 || files[0].FileID != raw.json(t)["file_id"] || files[0].Filename != "hello.txt" ||
			*files[0].FileSize != 12 || *files[0].ContentType != "text/plain" || files[0].ExpiresIn <= 0 ||
			files[1].Filename != "data.bin" || *files[2].FileSize != 0 {
			t.Fatalf("files: %+v", files)
		}
		got := h.raw("GET", files[0].DownloadURL, nil, nil)
		if got.status != 200 || string(got.body) != "hello, world" || !strings.Contains(got.header.Get("Content-Disposition"), "hello.txt") {
			t.Errorf("download: %d %s %v", got.status, got.body, got.header)
		}
		if r := h.raw("GET", files[0].DownloadURL+"x", nil, nil); r.status != 403 {
			t.Errorf("tampered download: %d", r.status)
		}
		if r := h.do("DELETE", "/entitlements/"+ent+"/files/"+files[1].FileID, a, ""); r.status != 204 {
			t.Errorf("delete: %d %s", r.status, r.body)
		}
		if r := h.do("DELETE", "/entitlements/"+ent+"/files/"+files[1].FileID, a, ""); r.status != 404 {
			t.Errorf("delete again: %d %s", r.status, r.body)
		}
		var ids struct {
			IntegrationConfig struct {
				DigitalFiles struct {
					Files []map[string]any `json:"files"`
				} `json:"digital_files"`
			} `json:"integration_config"`
		}
		json.Unmarshal(h.do("GET", "/entitlements/"+ent, a, "").body, &ids)
		if n := len(ids.IntegrationConfig.DigitalFiles.Files); n != 2 {
			t.Errorf("after delete: %d files", n)
		}
		// PATCH may keep or drop the entitlement's files, never name others.
		if r := h.do("PATCH", "/entitlements/"+ent, a, `{"integration_config":{"digital_file_ids":["`+files[0].FileID+`"]}}`); r.status != 200 {
			t.Errorf("patch keep one: %d %s", r.status, r.body)
		}
		if r := h.do("PATCH", "/entitlements/"+ent, a, `{"integration_config":{"digital_file_ids":["`+files[2].FileID+`"]}}`); r.status != 422 ||
			!strings.Contains(string(r.body), "integration_config.digital_file_ids") {
			t.Errorf("patch a removed file: %d %s", r.status, r.body)
		}

		flag := h.do("POST", "/entitlements", a, `{"name":"F","integration_type":"feature_flag","integration_config":{"feature_id":"f","feature_type":"boolean"}}`).json(t)["id"].(string)
		req := httptest.NewRequest("POST", "/entitlements/"+flag+"/files", strings.NewReader("x"))
		req.Header.Set("Authorization", "Bearer "+a)
		rec := httptest.NewRecorder()
		h.h.ServeHTTP(rec, req)
		if rec.Code != 422 || !strings.Contains(rec.Body.String(), "ENTITLEMENT_NOT_DIGITAL_FILES") {
			t.Errorf("feature_flag files: %d %s", rec.Code, rec.Body)
		}
		// Over 500 MiB, by Content-Length, before any byte is read.
		req = httptest.NewRequest("POST", "/entitlements/"+ent+"/files", io.LimitReader(zeros{}, catalog.MaxFileBytes+1))
		req.ContentLength = catalog.MaxFileBytes + 1
		req.Header.Set("Authorization", "Bearer "+a)
		rec = httptest.NewRecorder()
		h.h.ServeHTTP(rec, req)
		if rec.Code != 413 || !strings.Contains(rec.Body.String(), "FILE_TOO_LARGE") {
			t.Errorf("too large: %d %s", rec.Code, rec.Body)
		}
	})
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
