package pricebook

import (
	"context"
	"net/http"

	"github.com/pricebook/pricebook/internal/api/face"
	"github.com/pricebook/pricebook/internal/httpx"
)

// resetOut answers a reset: how many rows each table lost.
type resetOut struct {
	BusinessID string           `json:"business_id"`
	Mode       string           `json:"mode"`
	Deleted    map[string]int64 `json:"deleted"`
}

// reset answers POST /reset: the caller's test-mode partition is emptied
// in one transaction (store.Reset), its blobs removed after, the
// inspector's record of it forgotten, and its seed catalog, when the
// server has one for it, applied again.
func (a *API) reset(w http.ResponseWriter, r *http.Request) error {
	if err := testModeOnly(r, "Resets"); err != nil {
		return err
	}
	tn := face.Tenant(r)
	counts, blobs, err := a.store.Reset(r.Context(), tn)
	if err != nil {
		return err
	}
	ctx := context.WithoutCancel(r.Context())
	if a.uploads != nil {
		for _, b := range blobs {
			a.uploads.Delete(ctx, b.BlobKey)
		}
	}
	if a.inspector != nil {
		a.inspector.Reset(tn)
	}
	out := resetOut{BusinessID: tn.BusinessID, Mode: string(tn.Mode), Deleted: counts}
	if a.reseed != nil {
		if err := a.reseed(ctx, tn); err != nil {
			return err
		}
	}
	return httpx.WriteJSON(w, http.StatusOK, out)
}
