package e2e

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"path/filepath"
	"testing"
)

// TestAttachedUploadSurvivesAKill: an image whose attach was answered is
// there after SIGKILL and a restart, row and bytes (SQLite with its
// default blob directory; PostgreSQL with a file blob store).
func TestAttachedUploadSurvivesAKill(t *testing.T) {
	engines(t, func(t *testing.T, db string) {
		ctx := context.Background()
		var extra []string // SQLite: blobs beside the database file, the default
		if !filepath.IsAbs(db) {
			extra = []string{"--blobs", "file://" + t.TempDir()} // PostgreSQL's default is memory
		}
		key := cli(t, "keys", "create", "--db", db, "--mode", "test", "--new-business")
		s := start(t, db, extra...)

		var addon struct {
			ID string `json:"id"`
		}
		if st, err := call(ctx, s.base, key, "POST", "/addons", map[string]any{"name": "Seat", "price": 500, "currency": "USD", "tax_category": "saas"}, &addon); err != nil || st != 200 {
			t.Fatalf("create addon: %d %v", st, err)
		}
		var up struct {
			URL     string `json:"url"`
			ImageID string `json:"image_id"`
		}
		if st, err := call(ctx, s.base, key, "PUT", "/addons/"+addon.ID+"/images", nil, &up); err != nil || st != 200 {
			t.Fatalf("upload URL: %d %v\n%s", st, err, s.logs)
		}
		img := image.NewRGBA(image.Rect(0, 0, 3, 2))
		img.Set(1, 1, color.RGBA{200, 30, 30, 255})
		var pic bytes.Buffer
		png.Encode(&pic, img)
		req, _ := http.NewRequest("PUT", up.URL, bytes.NewReader(pic.Bytes()))
		if res, err := client.Do(req); err != nil || res.StatusCode != 200 {
			t.Fatalf("PUT bytes: %v %v", res, err)
		} else {
			res.Body.Close()
		}
		if st, err := call(ctx, s.base, key, "PATCH", "/addons/"+addon.ID, map[string]any{"image_id": up.ImageID}, nil); err != nil || st != 200 {
			t.Fatalf("attach: %d %v", st, err)
		}
		s.kill()

		s = start(t, db, extra...)
		var got struct {
			Image *string `json:"image"`
		}
		if st, err := call(ctx, s.base, key, "GET", "/addons/"+addon.ID, nil, &got); err != nil || st != 200 || got.Image == nil {
			t.Fatalf("addon after restart: %d %v %v", st, err, got.Image)
		}
		res, err := client.Get(*got.Image)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 || !bytes.Equal(body, pic.Bytes()) {
			t.Errorf("image after restart: %d, %d bytes, want %d", res.StatusCode, len(body), pic.Len())
		}
	})
}
