package cli

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pricebook/pricebook/internal/api/face"
	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/catalogfile"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

// TestReseed: the function serve --seed gives face.Deps.Reseed restores
// the seeded partition to the file after it was changed, does nothing
// for another partition, and seeds without a fixed key through a
// short-lived key it revokes.
func TestReseed(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t, store.SQLite)
	if _, _, err := st.Bootstrap(ctx, "First"); err != nil {
		t.Fatal(err)
	}
	var sd *seeder
	deps := face.Deps{Store: st, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), PublicURL: "http://pricebook.test"}
	deps.Reseed = func(ctx context.Context, tn catalog.Tenant) error { return sd.reseed()(ctx, tn) }
	srv := httptest.NewServer(newHandler(deps))
	defer srv.Close()

	data, err := os.ReadFile("../catalogfile/testdata/full.yaml")
	if err != nil {
		t.Fatal(err)
	}
	const key = "pb_test_Reseed0000000001_reseedTest0000000000000000000001"
	file := filepath.Join(t.TempDir(), "seed.yaml")
	os.WriteFile(file, append([]byte("key: "+key+"\n"), data...), 0o644)
	if sd, err = newSeeder(ctx, st, file); err != nil {
		t.Fatal(err)
	}
	sd.base = srv.URL
	if err := sd.apply(ctx); err != nil {
		t.Fatal(err)
	}
	dodo := catalogfile.Server{DodoURL: srv.URL, DodoKey: key}
	f := sd.file
	pending := func() bool {
		p, err := catalogfile.MakePlan(ctx, dodo, f, catalogfile.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return p.Pending()
	}
	if pending() {
		t.Fatal("the seed left changes pending")
	}
	// The partition drifts: a product archived.
	var list struct {
		Items []struct {
			ProductID string `json:"product_id"`
		}
	}
	getJSON(ctx, srv.URL+"/products", key, &list)
	req, _ := http.NewRequest("DELETE", srv.URL+"/products/"+list.Items[0].ProductID, nil)
	req.Header.Set("Authorization", "Bearer "+key)
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 200 {
		t.Fatalf("archive: %v %v", err, res)
	}
	if !pending() {
		t.Fatal("no drift after the archive")
	}
	if err := deps.Reseed(ctx, catalog.Tenant{BusinessID: "bus_other", Mode: catalog.ModeTest}); err != nil || !pending() {
		t.Fatalf("another partition's reseed: %v", err)
	}
	if err := deps.Reseed(ctx, sd.tn); err != nil || pending() {
		t.Fatalf("reseed: %v (pending %v)", err, pending())
	}

	// Without a fixed key: the first business, through a key revoked after.
	plain := filepath.Join(t.TempDir(), "plain.yaml")
	os.WriteFile(plain, data, 0o644)
	sd2, err := newSeeder(ctx, st, plain)
	if err != nil {
		t.Fatal(err)
	}
	sd2.base = srv.URL
	if err := sd2.apply(ctx); err != nil {
		t.Fatal(err)
	}
	keys, _ := st.Keys(ctx)
	live := 0
	for _, k := range keys {
		if k.RevokedAt == nil && k.BusinessID == sd2.tn.BusinessID {
			live++
		}
	}
	if live != 1 {
		t.Errorf("%d unrevoked keys of the first business, want 1 (the bootstrap's)", live)
	}
	raw, _ := json.Marshal(sd2.tn)
	if strings.Contains(string(raw), sd.tn.BusinessID) {
		t.Errorf("both seeds went to %s", sd.tn)
	}
}
