package pricebook

import (
	"net/http"

	"github.com/pricebook/pricebook/internal/api/face"
	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/httpx"
)

// createTenant answers POST /tenants: a new business and its test-mode
// key, shown this once, for test suites that prefer explicit set-up to
// namespaces on first use. Only with serve --open-test-keys, and only to
// a test-mode key: it lets anyone holding one make businesses.
func (a *API) createTenant(w http.ResponseWriter, r *http.Request) error {
	if !a.openTestKeys {
		return catalog.Errorf(catalog.KindForbidden, catalog.Unauthorized, "Making tenants needs a server started with --open-test-keys")
	}
	if face.Tenant(r).Mode != catalog.ModeTest {
		return catalog.Errorf(catalog.KindForbidden, catalog.Unauthorized, "Making tenants needs a test-mode key")
	}
	var in struct {
		Name string `json:"name"`
	}
	if err := decodeOptional(r, &in); err != nil {
		return err
	}
	if in.Name == "" {
		in.Name = "Test namespace"
	}
	if len(in.Name) > 200 {
		return invalidParam("name", "must be at most 200 bytes")
	}
	token, key, err := a.store.CreateTenant(r.Context(), in.Name, catalog.ModeTest)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusCreated, struct {
		BusinessID string `json:"business_id"`
		Mode       string `json:"mode"`
		KeyID      string `json:"key_id"`
		Key        string `json:"key"`
	}{key.BusinessID, string(catalog.ModeTest), key.ID, token})
}
