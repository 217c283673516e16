package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/web/checkout"
)

type addonRow struct {
	A     *catalog.Addon
	Price string
}

// addons lists the addons, with a form for a new one.
func (d *Dashboard) addons(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	return d.showAddons(w, r, s, http.StatusOK, nil, nil, "")
}

func (d *Dashboard) showAddons(w http.ResponseWriter, r *http.Request, s *store.Session, status int, form map[string][]string, errs map[string]string, problem string) error {
	list, err := d.st.ListAddons(r.Context(), s.Tenant(), catalog.AddonFilter{Page: catalog.Page{Size: 100, After: decodeKeyset(r.URL.Query().Get("after"))}})
	if err != nil {
		return err
	}
	var rows []addonRow
	for _, a := range list.Items {
		rows = append(rows, addonRow{A: a, Price: checkout.Money(a.Currency, a.Price)})
	}
	if form == nil {
		form = map[string][]string{"currency": {"USD"}, "tax_category": {"saas"}}
	}
	d.render(w, r, status, "addons", &view{Title: "Addons", Nav: "addons", Session: s, Form: form, Errors: errs, Problem: problem, Data: rows})
	return nil
}

// createAddon creates an addon through CreateAddon, as POST /addons does.
func (d *Dashboard) createAddon(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	f := r.PostForm
	a := &catalog.Addon{Name: f.Get("name"), Currency: strings.ToUpper(strings.TrimSpace(f.Get("currency"))), TaxCategory: f.Get("tax_category")}
	if desc := f.Get("description"); desc != "" {
		a.Description = &desc
	}
	price, ok := parseMajor(a.Currency, f.Get("price"))
	if !ok {
		return d.showAddons(w, r, s, http.StatusUnprocessableEntity, f, map[string]string{"price": "must be an amount like 4.99"}, "")
	}
	a.Price = price
	if err := d.st.CreateAddon(r.Context(), s.Tenant(), a); err != nil {
		var e *catalog.Error
		if errors.As(err, &e) && e.Kind == catalog.KindInvalid {
			errs, problem := fieldErrors(e, []string{"name", "description", "price", "currency", "tax_category"}, nil)
			return d.showAddons(w, r, s, http.StatusUnprocessableEntity, f, errs, problem)
		}
		return err
	}
	http.Redirect(w, r, Prefix+"addons?ok=created", http.StatusSeeOther)
	return nil
}

// discounts lists the discount codes, with a form for a percentage one.
func (d *Dashboard) discounts(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	return d.showDiscounts(w, r, s, http.StatusOK, nil, nil, "")
}

type discountRow struct {
	D      *catalog.Discount
	Amount string
}

func (d *Dashboard) showDiscounts(w http.ResponseWriter, r *http.Request, s *store.Session, status int, form map[string][]string, errs map[string]string, problem string) error {
	list, err := d.st.ListDiscounts(r.Context(), s.Tenant(), catalog.DiscountFilter{Page: catalog.Page{Size: 100, After: decodeKeyset(r.URL.Query().Get("after"))}})
	if err != nil {
		return err
	}
	var rows []discountRow
	for _, dc := range list.Items {
		amt := percent(dc.Amount)
		if dc.Type == catalog.DiscountFlat {
			amt = "flat amount (per currency)"
		}
		rows = append(rows, discountRow{D: dc, Amount: amt})
	}
	d.render(w, r, status, "discounts", &view{Title: "Discounts", Nav: "discounts", Session: s, Form: form, Errors: errs, Problem: problem, Data: rows})
	return nil
}

// percent writes basis points as a percentage: 1250 is "12.5%".
func percent(bps int64) string {
	s := major("USD", bps) // two decimals: basis points are hundredths of a percent
	return strings.TrimSuffix(strings.TrimRight(s, "0"), ".") + "%"
}

// createDiscount creates a percentage discount through CreateDiscount.
func (d *Dashboard) createDiscount(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	f := r.PostForm
	bps, ok := parseMajor("USD", strings.TrimSuffix(strings.TrimSpace(f.Get("amount")), "%"))
	if !ok {
		return d.showDiscounts(w, r, s, http.StatusUnprocessableEntity, f, map[string]string{"amount": "must be a percentage like 10 or 12.5"}, "")
	}
	dc := &catalog.Discount{Code: strings.TrimSpace(f.Get("code")), Type: catalog.DiscountPercentage, Amount: bps, CustomerEligibility: "any",
		Metadata: catalog.Metadata{}}
	if n := strings.TrimSpace(f.Get("name")); n != "" {
		dc.Name = &n
	}
	if err := d.st.CreateDiscount(r.Context(), s.Tenant(), dc); err != nil {
		var e *catalog.Error
		if errors.As(err, &e) && (e.Kind == catalog.KindInvalid || e.Kind == catalog.KindConflict) {
			errs, problem := fieldErrors(e, []string{"code", "name", "amount"}, nil)
			if e.Kind == catalog.KindConflict {
				errs["code"] = e.Message
			}
			return d.showDiscounts(w, r, s, http.StatusUnprocessableEntity, f, errs, problem)
		}
		return err
	}
	http.Redirect(w, r, Prefix+"discounts?ok=created", http.StatusSeeOther)
	return nil
}

type chartmogulData struct {
	Sources []catalog.DataSource
	Plans   []catalog.Plan
	Groups  []catalog.PlanGroup
}

// chartmogul shows the ChartMogul face's data: data sources, plans and
// plan groups.
func (d *Dashboard) chartmogul(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	ctx, tn := r.Context(), s.Tenant()
	srcs, err := d.st.ListDataSources(ctx, tn, catalog.DataSourceFilter{})
	if err != nil {
		return err
	}
	plans, err := d.st.ListPlans(ctx, tn, catalog.PlanFilter{Page: catalog.Page{Size: 100}})
	if err != nil {
		return err
	}
	groups, err := d.st.ListPlanGroups(ctx, tn, catalog.PlanGroupFilter{Page: catalog.Page{Size: 100}})
	if err != nil {
		return err
	}
	d.render(w, r, http.StatusOK, "chartmogul", &view{Title: "ChartMogul", Nav: "chartmogul", Session: s,
		Data: chartmogulData{Sources: srcs.Items, Plans: plans.Items, Groups: groups.Items}})
	return nil
}

// addonFields are the addon form's fields, by the catalog's paths.
var addonFields = []string{"name", "description", "price", "currency", "tax_category"}

// addon shows an addon's edit form.
func (d *Dashboard) addon(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	a, err := d.st.GetAddon(r.Context(), s.Tenant(), r.PathValue("id"))
	if err != nil {
		return err
	}
	form := url.Values{"name": {a.Name}, "description": {deref(a.Description)}, "price": {major(a.Currency, a.Price)},
		"currency": {a.Currency}, "tax_category": {a.TaxCategory}}
	d.render(w, r, http.StatusOK, "addon", &view{Title: a.Name, Nav: "addons", Session: s, Form: form, Data: a})
	return nil
}

// updateAddon changes an addon through UpdateAddon, as PATCH /addons/{id}.
func (d *Dashboard) updateAddon(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	ctx, tn, f := r.Context(), s.Tenant(), r.PostForm
	a, err := d.st.GetAddon(ctx, tn, r.PathValue("id"))
	if err != nil {
		return err
	}
	fail := func(errs map[string]string, problem string) error {
		d.render(w, r, http.StatusUnprocessableEntity, "addon", &view{Title: a.Name, Nav: "addons", Session: s, Form: f, Errors: errs, Problem: problem, Data: a})
		return nil
	}
	u := &catalog.AddonPatch{}
	name, desc, cur, tax := f.Get("name"), f.Get("description"), strings.ToUpper(strings.TrimSpace(f.Get("currency"))), f.Get("tax_category")
	price, ok := parseMajor(cur, f.Get("price"))
	if !ok {
		return fail(map[string]string{"price": "must be an amount like 4.99"}, "")
	}
	u.Name, u.Description, u.Currency, u.TaxCategory, u.Price = &name, &desc, &cur, &tax, &price
	if _, err := d.st.UpdateAddon(ctx, tn, a.ID, u); err != nil {
		var e *catalog.Error
		if errors.As(err, &e) && e.Kind == catalog.KindInvalid {
			return fail(fieldErrors(e, addonFields, nil))
		}
		return err
	}
	http.Redirect(w, r, Prefix+"addons/"+a.ID+"?ok=saved", http.StatusSeeOther)
	return nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// discount shows a discount's edit form.
func (d *Dashboard) discount(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	dc, err := d.st.GetDiscount(r.Context(), s.Tenant(), r.PathValue("id"))
	if err != nil {
		return err
	}
	form := url.Values{"code": {dc.Code}, "name": {deref(dc.Name)}, "amount": {strings.TrimSuffix(percent(dc.Amount), "%")}}
	d.render(w, r, http.StatusOK, "discount", &view{Title: "Discount " + dc.Code, Nav: "discounts", Session: s, Form: form, Data: dc})
	return nil
}

// updateDiscount changes a discount's code, name and (for a percentage
// discount) amount through UpdateDiscount, as PATCH /discounts/{id}.
func (d *Dashboard) updateDiscount(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	ctx, tn, f := r.Context(), s.Tenant(), r.PostForm
	dc, err := d.st.GetDiscount(ctx, tn, r.PathValue("id"))
	if err != nil {
		return err
	}
	fail := func(errs map[string]string, problem string) error {
		d.render(w, r, http.StatusUnprocessableEntity, "discount", &view{Title: "Discount " + dc.Code, Nav: "discounts", Session: s, Form: f, Errors: errs, Problem: problem, Data: dc})
		return nil
	}
	code, name := strings.TrimSpace(f.Get("code")), strings.TrimSpace(f.Get("name"))
	u := &catalog.DiscountPatch{Code: &code, Name: &name}
	if dc.Type == catalog.DiscountPercentage {
		bps, ok := parseMajor("USD", strings.TrimSuffix(strings.TrimSpace(f.Get("amount")), "%"))
		if !ok {
			return fail(map[string]string{"amount": "must be a percentage like 10 or 12.5"}, "")
		}
		u.Amount = &bps
	}
	if _, err := d.st.UpdateDiscount(ctx, tn, dc.ID, u); err != nil {
		var e *catalog.Error
		if errors.As(err, &e) && (e.Kind == catalog.KindInvalid || e.Kind == catalog.KindConflict) {
			errs, problem := fieldErrors(e, []string{"code", "name", "amount"}, nil)
			if e.Kind == catalog.KindConflict {
				errs["code"], problem = e.Message, ""
			}
			return fail(errs, problem)
		}
		return err
	}
	http.Redirect(w, r, Prefix+"discounts/"+dc.ID+"?ok=saved", http.StatusSeeOther)
	return nil
}

// deleteDiscount deletes a discount through DeleteDiscount.
func (d *Dashboard) deleteDiscount(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	if err := d.st.DeleteDiscount(r.Context(), s.Tenant(), r.PathValue("id")); err != nil {
		return err
	}
	http.Redirect(w, r, Prefix+"discounts?ok=deleted", http.StatusSeeOther)
	return nil
}

func (d *Dashboard) addonHistory(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	id := r.PathValue("id")
	return d.objectHistory(w, r, s, id, Prefix+"addons/"+id)
}

func (d *Dashboard) discountHistory(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	id := r.PathValue("id")
	return d.objectHistory(w, r, s, id, Prefix+"discounts/"+id)
}
