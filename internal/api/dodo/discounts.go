package dodo

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/pricebook/pricebook/internal/api/face"
	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/httpx"
)

func (a *API) createDiscount(w http.ResponseWriter, r *http.Request) error {
	var in discountIn
	if err := decodeInto(r, &in); err != nil {
		return err
	}
	var pr catalog.Problems
	d := &catalog.Discount{Name: in.Name, UsageLimit: in.UsageLimit, PerCustomerLimit: in.PerCustomerUsageLimit,
		SubscriptionCycles: in.SubscriptionCycles}
	if in.Amount == nil {
		pr.Add("amount", "is required")
	} else {
		d.Amount = *in.Amount
	}
	if in.Type == nil {
		pr.Add("type", "is required")
	} else {
		d.Type = *in.Type
	}
	if in.Code != nil {
		d.Code = *in.Code
	}
	if in.CurrencyOptions != nil {
		d.CurrencyOptions = currencyOptionsOf(&pr, *in.CurrencyOptions)
	}
	if in.CustomerEligibility != nil {
		d.CustomerEligibility = *in.CustomerEligibility
	}
	if in.ExpiresAt != nil {
		d.ExpiresAt = parseTime(&pr, "expires_at", *in.ExpiresAt)
	}
	if in.StartsAt != nil {
		d.StartsAt = parseTime(&pr, "starts_at", *in.StartsAt)
	}
	if in.Metadata != nil {
		d.Metadata = *in.Metadata
	}
	if in.PreserveOnPlanChange != nil {
		d.PreserveOnPlanChange = *in.PreserveOnPlanChange
	}
	if in.RestrictedTo != nil {
		d.RestrictedTo = *in.RestrictedTo
	}
	if !pr.Empty() {
		// Report every problem at once; an omitted code would be
		// generated, so it is not one.
		v := *d
		if v.Code == "" {
			v.Code = catalog.RandomCode()
		}
		v.Normalize()
		v.Validate(&pr)
		return pr.Err()
	}
	if err := a.store.CreateDiscount(r.Context(), face.Tenant(r), d); err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, discountResponse(d))
}

func (a *API) getDiscount(w http.ResponseWriter, r *http.Request) error {
	d, err := a.store.GetDiscount(r.Context(), face.Tenant(r), r.PathValue("discount_id"))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, discountResponse(d))
}

func (a *API) getDiscountByCode(w http.ResponseWriter, r *http.Request) error {
	d, err := a.store.GetDiscountByCode(r.Context(), face.Tenant(r), r.PathValue("code"))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, discountResponse(d))
}

func (a *API) listDiscounts(w http.ResponseWriter, r *http.Request) error {
	q := query{v: r.URL.Query()}
	f := catalog.DiscountFilter{Page: q.page(), Code: q.str("code"), Type: q.str("discount_type"),
		Active: q.boolean("active"), ProductID: q.str("product_id")}
	if f.Type != "" && !catalog.DiscountTypes.Has(f.Type) {
		q.fail("discount_type", "must be one of %s", catalog.DiscountTypes)
	}
	if q.err != nil {
		return q.err
	}
	return writeList(w, f.Page, func() (catalog.List[*catalog.Discount], error) {
		return a.store.ListDiscounts(r.Context(), face.Tenant(r), f)
	}, discountResponse)
}

func (a *API) updateDiscount(w http.ResponseWriter, r *http.Request) error {
	var in discountIn
	present, err := decodeBody(r, &in)
	if err != nil {
		return err
	}
	var pr catalog.Problems
	u := &catalog.DiscountPatch{Amount: in.Amount, Code: in.Code, Type: in.Type, CustomerEligibility: in.CustomerEligibility,
		Metadata: in.Metadata, Name: in.Name, PreserveOnPlanChange: in.PreserveOnPlanChange, RestrictedTo: in.RestrictedTo,
		SubscriptionCycles: in.SubscriptionCycles, UsageLimit: in.UsageLimit}
	if in.CurrencyOptions != nil {
		opts := currencyOptionsOf(&pr, *in.CurrencyOptions)
		u.CurrencyOptions = &opts
	}
	if in.ExpiresAt != nil {
		u.ExpiresAt = parseTime(&pr, "expires_at", *in.ExpiresAt)
	}
	if raw, ok := present["starts_at"]; ok {
		if isNull(raw) {
			u.StartsAt = catalog.Null[time.Time]()
		} else if t := parseTime(&pr, "starts_at", *in.StartsAt); t != nil {
			u.StartsAt = catalog.Some(*t)
		}
	}
	u.PerCustomerLimit = optInt(present, "per_customer_usage_limit", in.PerCustomerUsageLimit)
	if err := pr.Err(); err != nil {
		return err
	}
	d, err := a.store.UpdateDiscount(r.Context(), face.Tenant(r), r.PathValue("discount_id"), u)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, discountResponse(d))
}

// optInt reads a documented tri-state integer: absent, null (clear) or set.
func optInt(present map[string]json.RawMessage, key string, v *int64) catalog.Opt[int64] {
	raw, ok := present[key]
	switch {
	case !ok:
		return catalog.Opt[int64]{}
	case isNull(raw):
		return catalog.Null[int64]()
	}
	return catalog.Some(*v)
}

func (a *API) deleteDiscount(w http.ResponseWriter, r *http.Request) error {
	if err := a.store.DeleteDiscount(r.Context(), face.Tenant(r), r.PathValue("discount_id")); err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusNoContent)
	return nil
}
