package web

import (
	"net/http"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/store"
)

type usageData struct {
	Meters       []*catalog.Meter
	Entitlements []*catalog.Entitlement
	Credits      []*catalog.CreditEntitlement
}

// usage lists what products refer to: meters, entitlements and credit
// entitlements (their newest 100 each; edited through the API).
func (d *Dashboard) usage(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	ctx, tn := r.Context(), s.Tenant()
	page := catalog.Page{Size: 100}
	meters, err := d.st.ListMeters(ctx, tn, catalog.MeterListFilter{Page: page})
	if err != nil {
		return err
	}
	ents, err := d.st.ListEntitlements(ctx, tn, catalog.EntitlementFilter{Page: page})
	if err != nil {
		return err
	}
	credits, err := d.st.ListCreditEntitlements(ctx, tn, catalog.CreditFilter{Page: page})
	if err != nil {
		return err
	}
	d.render(w, r, http.StatusOK, "usage", &view{Title: "Meters and entitlements", Nav: "usage", Session: s,
		Data: usageData{Meters: meters.Items, Entitlements: ents.Items, Credits: credits.Items}})
	return nil
}

func (d *Dashboard) objectHistoryFromUsage(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	return d.objectHistory(w, r, s, r.PathValue("id"), Prefix+"usage")
}
