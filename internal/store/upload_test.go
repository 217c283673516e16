package store_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

func TestUploads(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn, other := storetest.Tenant(t, st), storetest.Tenant(t, st)
		now := time.Now().UTC()
		st.Now = func() time.Time { return now }
		a, b := seat(), seat()
		if err := st.CreateAddon(ctx, tn, a); err != nil {
			t.Fatal(err)
		}
		if err := st.CreateAddon(ctx, tn, b); err != nil {
			t.Fatal(err)
		}
		attach := func(id string) error {
			_, err := st.UpdateAddon(ctx, tn, a.ID, &catalog.AddonPatch{ImageID: catalog.Some(id)})
			return err
		}
		wantInvalid := func(what string, err error, words string) {
			t.Helper()
			var ce *catalog.Error
			if !errors.As(err, &ce) || ce.Kind != catalog.KindInvalid || !strings.Contains(ce.Message, "image_id") || !strings.Contains(ce.Message, words) {
				t.Errorf("%s: %v", what, err)
			}
		}

		up, err := st.CreateImageUpload(ctx, tn, "addon", a.ID, false)
		if err != nil || !catalog.IsUUID(up.ID) || up.Stored() {
			t.Fatalf("create: %+v %v", up, err)
		}
		if _, err := st.CreateImageUpload(ctx, other, "addon", a.ID, false); !isKind(err, catalog.KindNotFound) {
			t.Errorf("another tenant's addon: %v", err)
		}
		wantInvalid("not uploaded", attach(up.ID), "has not been uploaded")
		if old, err := st.StoreUpload(ctx, up.ID, "k1", 3, "image/png", "aa"); err != nil || old != "" {
			t.Fatalf("store: %q %v", old, err)
		}
		if err := attach(up.ID); err != nil {
			t.Fatal(err)
		}
		got, _ := st.GetAddon(ctx, tn, a.ID)
		if got.ImageID == nil || *got.ImageID != up.ID {
			t.Fatalf("image_id = %v", got.ImageID)
		}
		// Without fresh the attached image is reused; its bytes move to
		// a new key and the old key is handed back for removal.
		same, _ := st.CreateImageUpload(ctx, tn, "addon", a.ID, false)
		fresh, _ := st.CreateImageUpload(ctx, tn, "addon", a.ID, true)
		if same.ID != up.ID || fresh.ID == up.ID {
			t.Errorf("reuse %s, fresh %s, was %s", same.ID, fresh.ID, up.ID)
		}
		if old, _ := st.StoreUpload(ctx, up.ID, "k2", 4, "image/png", "bb"); old != "k1" {
			t.Errorf("replaced key = %q", old)
		}
		// Another object's image, and another tenant's, cannot be attached.
		_, err = st.UpdateAddon(ctx, tn, b.ID, &catalog.AddonPatch{ImageID: catalog.Some(up.ID)})
		wantInvalid("another object's", err, "not uploaded for this object")
		ob := seat()
		st.CreateAddon(ctx, other, ob)
		_, err = st.UpdateAddon(ctx, other, ob.ID, &catalog.AddonPatch{ImageID: catalog.Some(up.ID)})
		wantInvalid("another tenant's", err, "does not exist")

		// An upload not attached within UploadKeep expires, and
		// housekeeping removes it (and only such uploads).
		st.StoreUpload(ctx, fresh.ID, "k3", 1, "image/png", "cc")
		now = now.Add(store.UploadKeep + time.Minute)
		wantInvalid("expired", attach(fresh.ID), "expired")
		gone, err := st.PruneUploads(ctx, now.Add(-store.UploadKeep))
		if err != nil || len(gone) != 1 || gone[0].ID != fresh.ID || gone[0].BlobKey != "k3" {
			t.Fatalf("prune: %+v %v", gone, err)
		}
		if _, err := st.GetUpload(ctx, up.ID); err != nil {
			t.Errorf("the attached upload was pruned: %v", err)
		}
		// Clearing the image detaches it; housekeeping then removes it.
		if _, err := st.UpdateAddon(ctx, tn, a.ID, &catalog.AddonPatch{ImageID: catalog.Null[string]()}); err != nil {
			t.Fatal(err)
		}
		if gone, _ := st.PruneUploads(ctx, now.Add(-store.UploadKeep)); len(gone) != 1 || gone[0].ID != up.ID || gone[0].BlobKey != "k2" {
			t.Errorf("prune detached: %+v", gone)
		}
	})
}

// An attach and housekeeping racing for one upload: either the attach
// wins and the upload stays, or the prune wins and the attach is 422;
// never an attached id without its row.
func TestUploadAttachRacesPrune(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := storetest.Tenant(t, st)
		for i := 0; i < 10; i++ {
			a := seat()
			if err := st.CreateAddon(ctx, tn, a); err != nil {
				t.Fatal(err)
			}
			up, _ := st.CreateImageUpload(ctx, tn, "addon", a.ID, true)
			st.StoreUpload(ctx, up.ID, "k", 1, "image/png", "aa")
			var wg sync.WaitGroup
			var attachErr error
			wg.Add(2)
			go func() {
				defer wg.Done()
				_, attachErr = st.UpdateAddon(ctx, tn, a.ID, &catalog.AddonPatch{ImageID: catalog.Some(up.ID)})
			}()
			go func() {
				defer wg.Done()
				st.PruneUploads(ctx, time.Now().Add(time.Hour)) // everything unattached is old enough
			}()
			wg.Wait()
			got, _ := st.GetAddon(ctx, tn, a.ID)
			_, rowErr := st.GetUpload(ctx, up.ID)
			switch {
			case attachErr == nil && (got.ImageID == nil || rowErr != nil):
				t.Fatalf("attach won but image %v, row %v", got.ImageID, rowErr)
			case attachErr != nil && (got.ImageID != nil || !isKind(attachErr, catalog.KindInvalid)):
				t.Fatalf("prune won but image %v, attach %v", got.ImageID, attachErr)
			}
		}
	})
}

func TestUploadSecretIsShared(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		var wg sync.WaitGroup
		secrets := make([][]byte, 8)
		for i := range secrets {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s, err := st.UploadSecret(context.Background())
				if err != nil {
					t.Error(err)
				}
				secrets[i] = s
			}()
		}
		wg.Wait()
		for _, s := range secrets {
			if len(s) != 32 || !bytes.Equal(s, secrets[0]) {
				t.Fatalf("secrets differ: %x", secrets)
			}
		}
	})
}

func isKind(err error, k catalog.Kind) bool {
	var ce *catalog.Error
	return errors.As(err, &ce) && ce.Kind == k
}
