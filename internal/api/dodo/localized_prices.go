package dodo

import (
	"net/http"

	"github.com/pricebook/pricebook/internal/api/face"
	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/httpx"
)

// Localized prices live under their product: every route names the
// product, and a rule of another product is not found.

func (a *API) listLocalizedPrices(w http.ResponseWriter, r *http.Request) error {
	return writeList(w, catalog.Page{Size: catalog.AllRows}, func() (catalog.List[*catalog.LocalizedPrice], error) {
		return a.store.ListLocalizedPrices(r.Context(), face.Tenant(r), r.PathValue("product_id"))
	}, localizedPriceResponse)
}

func (a *API) createLocalizedPrice(w http.ResponseWriter, r *http.Request) error {
	var in localizedPriceIn
	if err := decodeInto(r, &in); err != nil {
		return err
	}
	lp, err := a.store.CreateLocalizedPrice(r.Context(), face.Tenant(r), r.PathValue("product_id"),
		&catalog.LocalizedPriceInput{Amount: in.Amount, Currency: in.Currency, CountryCode: in.CountryCode})
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, localizedPriceResponse(lp))
}

func (a *API) getLocalizedPrice(w http.ResponseWriter, r *http.Request) error {
	lp, err := a.store.GetLocalizedPrice(r.Context(), face.Tenant(r), r.PathValue("product_id"), r.PathValue("id"))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, localizedPriceResponse(lp))
}

func (a *API) updateLocalizedPrice(w http.ResponseWriter, r *http.Request) error {
	var in localizedPriceIn
	if err := decodeInto(r, &in); err != nil {
		return err
	}
	// Only the amount changes; a client that sends another field expects
	// a change this API will not make, so it is told.
	var pr catalog.Problems
	if in.Currency != nil {
		pr.Add("currency", "cannot be changed: archive the rule and create another")
	}
	if in.CountryCode != nil {
		pr.Add("country_code", "cannot be changed: archive the rule and create another")
	}
	u := &catalog.LocalizedPricePatch{Amount: in.Amount}
	u.Validate(&pr)
	if err := pr.Err(); err != nil {
		return err
	}
	lp, err := a.store.UpdateLocalizedPrice(r.Context(), face.Tenant(r), r.PathValue("product_id"), r.PathValue("id"), u)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, localizedPriceResponse(lp))
}

func (a *API) archiveLocalizedPrice(w http.ResponseWriter, r *http.Request) error {
	if err := a.store.ArchiveLocalizedPrice(r.Context(), face.Tenant(r), r.PathValue("product_id"), r.PathValue("id")); err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusOK)
	return nil
}
