package dodo

import (
	"encoding/json"
	"net/http"

	"github.com/pricebook/pricebook/internal/api/face"
	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/httpx"
)

// addonIn is the body of POST /addons and PATCH /addons/{id}.
type addonIn struct {
	Name        *string `json:"name"`
	Description *string `json:"description"`
	Price       *int64  `json:"price"`
	Currency    *string `json:"currency"`
	TaxCategory *string `json:"tax_category"`
	ImageID     *string `json:"image_id"`
}

// addonOut is AddonResponse: every documented key, always.
type addonOut struct {
	ID          string  `json:"id"`
	BusinessID  string  `json:"business_id"`
	Name        string  `json:"name"`
	Description *string `json:"description"`
	Price       int64   `json:"price"`
	Currency    string  `json:"currency"`
	TaxCategory string  `json:"tax_category"`
	Image       *string `json:"image"`
	CreatedAt   string  `json:"created_at"`
	UpdatedAt   string  `json:"updated_at"`
}

func (a *API) addonResponse(ad *catalog.Addon) addonOut {
	return addonOut{ID: ad.ID, BusinessID: ad.BusinessID, Name: ad.Name, Description: ad.Description, Price: ad.Price,
		Currency: ad.Currency, TaxCategory: ad.TaxCategory, Image: a.imageURL(ad.ImageID),
		CreatedAt: timestamp(ad.CreatedAt), UpdatedAt: timestamp(ad.UpdatedAt)}
}

func (a *API) createAddon(w http.ResponseWriter, r *http.Request) error {
	var in addonIn
	if err := decodeInto(r, &in); err != nil {
		return err
	}
	var pr catalog.Problems
	ad := &catalog.Addon{Description: in.Description}
	requireField(&pr, "name", in.Name, &ad.Name)
	requireField(&pr, "price", in.Price, &ad.Price)
	requireField(&pr, "currency", in.Currency, &ad.Currency)
	requireField(&pr, "tax_category", in.TaxCategory, &ad.TaxCategory)
	if !pr.Empty() {
		ad.Validate(&pr)
		return pr.Err()
	}
	if err := a.store.CreateAddon(r.Context(), face.Tenant(r), ad); err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, a.addonResponse(ad))
}

func (a *API) getAddon(w http.ResponseWriter, r *http.Request) error {
	ad, err := a.store.GetAddon(r.Context(), face.Tenant(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, a.addonResponse(ad))
}

func (a *API) listAddons(w http.ResponseWriter, r *http.Request) error {
	q := query{v: r.URL.Query()}
	page := q.page()
	if q.err != nil {
		return q.err
	}
	return writeList(w, page, func() (catalog.List[*catalog.Addon], error) {
		return a.store.ListAddons(r.Context(), face.Tenant(r), catalog.AddonFilter{Page: page})
	}, a.addonResponse)
}

// updateAddon applies a PATCH. A null leaves a field unchanged, except
// image_id, where null removes the image (the documented tri-state).
func (a *API) updateAddon(w http.ResponseWriter, r *http.Request) error {
	var in addonIn
	present, err := decodeBody(r, &in)
	if err != nil {
		return err
	}
	u := &catalog.AddonPatch{Name: in.Name, Description: in.Description, Price: in.Price, Currency: in.Currency,
		TaxCategory: in.TaxCategory, ImageID: optField(present, "image_id", in.ImageID)}
	ad, err := a.store.UpdateAddon(r.Context(), face.Tenant(r), r.PathValue("id"), u)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, a.addonResponse(ad))
}

// requireField copies a required field into dst, or records that it is missing.
func requireField[T any](pr *catalog.Problems, path string, v *T, dst *T) {
	if v == nil {
		pr.Add(path, "is required")
		return
	}
	*dst = *v
}

// optField reads a tri-state PATCH field: omitted, null, or the decoded value.
func optField[T any](present map[string]json.RawMessage, key string, v *T) catalog.Opt[T] {
	raw, ok := present[key]
	switch {
	case !ok:
		return catalog.Opt[T]{}
	case isNull(raw) || v == nil:
		return catalog.Null[T]()
	}
	return catalog.Some(*v)
}
