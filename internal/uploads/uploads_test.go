package uploads_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/pgtest"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
	"github.com/pricebook/pricebook/internal/uploads"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// buckets are the blob stores Put is tried on: memory, a directory, and
// S3 when PRICEBOOK_TEST_S3 names a bucket URL (scripts/test.sh does).
func buckets(t *testing.T) map[string]string {
	out := map[string]string{"mem": "mem://", "file": "file://" + filepath.ToSlash(t.TempDir())}
	if s3 := os.Getenv("PRICEBOOK_TEST_S3"); s3 != "" {
		out["s3"] = s3
	}
	return out
}

func TestPutStreamsAndSniffs(t *testing.T) {
	st := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	var img bytes.Buffer
	png.Encode(&img, image.NewGray(image.Rect(0, 0, 5, 5)))
	for name, spec := range buckets(t) {
		t.Run(name, func(t *testing.T) {
			b, err := uploads.OpenBucket(ctx, spec, "")
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			svc, err := uploads.New(ctx, st, b, uploads.Config{})
			if err != nil {
				t.Fatal(err)
			}
			put, err := svc.Put(ctx, catalog.NewUUID(), catalog.UploadImage, bytes.NewReader(img.Bytes()), catalog.MaxImageBytes, "text/plain")
			if err != nil || put.ContentType != "image/png" || put.Size != int64(img.Len()) {
				t.Fatalf("image: %+v %v", put, err)
			}
			got, err := b.ReadAll(ctx, put.Key)
			if err != nil || !bytes.Equal(got, img.Bytes()) {
				t.Fatalf("read back: %v", err)
			}
			if _, err := svc.Put(ctx, catalog.NewUUID(), catalog.UploadImage, bytes.NewReader([]byte("no image")), catalog.MaxImageBytes, ""); err == nil {
				t.Error("text accepted as an image")
			}
			// A file over its cap is refused and leaves nothing behind.
			big := bytes.Repeat([]byte("x"), 3<<20)
			if _, err := svc.Put(ctx, "over", catalog.UploadFile, bytes.NewReader(big), 1<<20, ""); err == nil {
				t.Error("over the cap accepted")
			}
			it := b.List(nil)
			for o, err := it.Next(ctx); err == nil; o, err = it.Next(ctx) {
				if filepath.Base(filepath.Dir(o.Key)) == "over" {
					t.Errorf("a refused upload left %s", o.Key)
				}
			}
			f, err := svc.Put(ctx, catalog.NewUUID(), catalog.UploadFile, bytes.NewReader(big), catalog.MaxFileBytes, "application/zip")
			if err != nil || f.ContentType != "application/zip" || f.Size != int64(len(big)) {
				t.Fatalf("file: %+v %v", f, err)
			}
			svc.Delete(ctx, f.Key)
			svc.Delete(ctx, put.Key)
		})
	}
}

// TestDefaultBuckets: without --blobs a SQLite file keeps its blobs in a
// directory beside it, ":memory:" in memory, and a PostgreSQL server in
// ./pricebook.blobs, durable but local (serve warns).
func TestDefaultBuckets(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for _, c := range []struct {
		db, url          string
		ephemeral, local bool
	}{
		{filepath.Join(dir, "x.db"), "file://" + filepath.ToSlash(filepath.Join(dir, "x.db.blobs")), false, false},
		{":memory:", "mem://", true, false},
		{"postgres://u@h/db", "file://" + filepath.ToSlash(filepath.Join(dir, "pricebook.blobs")), false, true},
	} {
		b, err := uploads.OpenBucket(t.Context(), "", c.db)
		if err != nil {
			t.Fatal(err)
		}
		if b.URL != c.url || b.Ephemeral != c.ephemeral || b.Local != c.local {
			t.Errorf("%s: %+v", c.db, b)
		}
		b.Close()
	}
}

// TestSweepOrphans: a blob no upload names is removed once it is older
// than OrphanAge; an upload's blob, and a young orphan, stay.
func TestSweepOrphans(t *testing.T) {
	st := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	tn := storetest.Tenant(t, st)
	for name, spec := range buckets(t) {
		t.Run(name, func(t *testing.T) {
			b, err := uploads.OpenBucket(ctx, spec, "")
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			now := time.Now()
			svc, err := uploads.New(ctx, st, b, uploads.Config{Now: func() time.Time { return now }})
			if err != nil {
				t.Fatal(err)
			}
			a := &catalog.Addon{Name: "Seat", Price: 500, Currency: "USD", TaxCategory: "saas"}
			if err := st.CreateAddon(ctx, tn, a); err != nil {
				t.Fatal(err)
			}
			up, err := st.CreateImageUpload(ctx, tn, "addon", a.ID, true)
			if err != nil {
				t.Fatal(err)
			}
			var img bytes.Buffer
			png.Encode(&img, image.NewGray(image.Rect(0, 0, 2, 2)))
			kept, err := svc.Put(ctx, up.ID, catalog.UploadImage, bytes.NewReader(img.Bytes()), catalog.MaxImageBytes, "")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := st.StoreUpload(ctx, up.ID, kept.Key, kept.Size, kept.ContentType, kept.SHA256); err != nil {
				t.Fatal(err)
			}
			orphan := "uploads/" + catalog.NewUUID() + "/left-behind"
			if err := b.WriteAll(ctx, orphan, []byte("x"), nil); err != nil {
				t.Fatal(err)
			}
			if n, err := svc.SweepOrphans(ctx); err != nil || n != 0 {
				t.Errorf("young blobs: swept %d, %v", n, err)
			}
			now = now.Add(uploads.OrphanAge + time.Minute)
			if n, err := svc.SweepOrphans(ctx); err != nil || n != 1 {
				t.Errorf("swept %d, %v; want the orphan", n, err)
			}
			if ok, _ := b.Exists(ctx, orphan); ok {
				t.Error("the orphan is still there")
			}
			if ok, _ := b.Exists(ctx, kept.Key); !ok {
				t.Error("the upload's blob was removed")
			}
			svc.Delete(ctx, kept.Key)
		})
	}
}
