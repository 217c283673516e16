package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/web/checkout"
)

// productFields are the form's fields, named by the JSON paths the
// catalog's validation names, so each problem lands next to its field.
var productFields = []string{"name", "description", "tax_category", "price.type", "price.currency", "price.price",
	"price.payment_frequency_count", "price.payment_frequency_interval", "price.subscription_period_count",
	"price.subscription_period_interval", "price.trial_period_days", "pricing_mode", "metadata"}

type productForm struct {
	ID       string // "" for a new product
	Usage    bool   // a usage-based price: its meters are edited through the API
	Archived bool
}

// formOf writes a product into form values.
func formOf(p *catalog.Product) url.Values {
	f := url.Values{}
	f.Set("name", p.Name)
	if p.Description != nil {
		f.Set("description", *p.Description)
	}
	f.Set("tax_category", p.TaxCategory)
	pr := &p.Price
	f.Set("price.type", pr.Type)
	f.Set("price.currency", pr.Currency)
	f.Set("price.price", major(pr.Currency, pr.Headline()))
	if pr.IsRecurring() {
		f.Set("price.payment_frequency_count", strconv.FormatInt(pr.PaymentFrequencyCount, 10))
		f.Set("price.payment_frequency_interval", pr.PaymentFrequencyInterval)
		f.Set("price.subscription_period_count", strconv.FormatInt(pr.SubscriptionPeriodCount, 10))
		f.Set("price.subscription_period_interval", pr.SubscriptionPeriodInterval)
		f.Set("price.trial_period_days", strconv.FormatInt(pr.TrialPeriodDays, 10))
	}
	f.Set("metadata", metadataForm(p.Metadata))
	if p.PricingMode != nil {
		f.Set("pricing_mode", *p.PricingMode)
	}
	return f
}

func metadataForm(m catalog.Metadata) string {
	var b strings.Builder
	for _, row := range metadataRows(m) {
		b.WriteString(row.Key + "=" + row.Value + "\n")
	}
	return b.String()
}

// major writes minor units as a decimal in the currency's major unit.
func major(currency string, minor int64) string {
	s := checkout.Money(currency, minor)
	_, amount, _ := strings.Cut(s, " ")
	return amount
}

// parseMajor reads a decimal amount in the currency's major unit as minor
// units, exactly (never through a float).
func parseMajor(currency, s string) (int64, bool) {
	s = strings.TrimSpace(s)
	digits := checkout.MinorDigits(currency)
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(frac) > digits || len(whole) > 10 {
		return 0, false
	}
	for len(frac) < digits {
		frac += "0"
	}
	for _, c := range whole + frac {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	return n, err == nil
}

// productFromForm applies the form to p (a copy of the current product,
// or a new one). Problems the form itself shows (an amount that is no
// number) are returned by path; the catalog validates the rest.
func productFromForm(f url.Values, p *catalog.Product) map[string]string {
	bad := map[string]string{}
	p.Name = f.Get("name")
	// An empty description stays null where it was null.
	if desc := f.Get("description"); desc != "" || p.Description != nil {
		p.Description = &desc
	}
	p.TaxCategory = f.Get("tax_category")
	pr := p.Price
	typ := f.Get("price.type")
	if pr.Type != catalog.PriceUsage || typ != catalog.PriceUsage {
		if typ != pr.Type {
			// A new price type starts from nothing: the old variant's
			// fields do not carry over.
			pr = catalog.Price{TaxInclusive: pr.TaxInclusive}
		}
		pr.Type = typ
	}
	pr.Currency = strings.ToUpper(strings.TrimSpace(f.Get("price.currency")))
	amount, ok := parseMajor(pr.Currency, f.Get("price.price"))
	if !ok {
		bad["price.price"] = "must be an amount like 19.99 (at most " + strconv.Itoa(checkout.MinorDigits(pr.Currency)) + " decimals)"
	}
	if pr.Type == catalog.PriceUsage {
		pr.FixedPrice = amount
	} else {
		pr.Price = amount
	}
	if pr.IsRecurring() {
		for _, n := range []struct {
			name string
			dst  *int64
		}{{"price.payment_frequency_count", &pr.PaymentFrequencyCount}, {"price.subscription_period_count", &pr.SubscriptionPeriodCount},
			{"price.trial_period_days", &pr.TrialPeriodDays}} {
			v, err := strconv.ParseInt(strings.TrimSpace(f.Get(n.name)), 10, 64)
			if err != nil && !(n.name == "price.trial_period_days" && strings.TrimSpace(f.Get(n.name)) == "") {
				bad[n.name] = "must be a whole number"
			}
			*n.dst = v
		}
		pr.PaymentFrequencyInterval = f.Get("price.payment_frequency_interval")
		pr.SubscriptionPeriodInterval = f.Get("price.subscription_period_interval")
		if pr.Type == catalog.PriceRecurring && pr.TrialPeriodDays == 0 {
			pr.TrialAmount = nil
		}
	}
	p.Price = pr
	if m := f.Get("pricing_mode"); m == "" {
		p.PricingMode = nil
	} else {
		p.PricingMode = &m
	}
	if f.Get("metadata") != metadataForm(p.Metadata) {
		m := catalog.Metadata{}
		for _, line := range strings.Split(f.Get("metadata"), "\n") {
			line = strings.TrimRight(line, "\r")
			if strings.TrimSpace(line) == "" {
				continue
			}
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				bad["metadata"] = "each line must be key=value"
				continue
			}
			raw, _ := json.Marshal(v)
			m[strings.TrimSpace(k)] = raw
		}
		p.Metadata = m
	}
	return bad
}

func (d *Dashboard) showProductForm(w http.ResponseWriter, r *http.Request, s *store.Session, status int, pf productForm, form url.Values, errs map[string]string, problem string) {
	title := "New product"
	if pf.ID != "" {
		title = "Edit " + form.Get("name")
	}
	d.render(w, r, status, "product_form", &view{Title: title, Nav: "products", Session: s, Form: form, Errors: errs, Problem: problem, Data: pf})
}

func (d *Dashboard) newProduct(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	form := url.Values{"price.type": {catalog.PriceOneTime}, "price.currency": {"USD"}, "tax_category": {"saas"},
		"price.payment_frequency_count": {"1"}, "price.payment_frequency_interval": {"Month"},
		"price.subscription_period_count": {"1"}, "price.subscription_period_interval": {"Year"}, "price.trial_period_days": {"0"}}
	d.showProductForm(w, r, s, http.StatusOK, productForm{}, form, nil, "")
	return nil
}

func (d *Dashboard) editProduct(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	p, err := d.st.GetProduct(r.Context(), s.Tenant(), r.PathValue("id"))
	if err != nil {
		return err
	}
	d.showProductForm(w, r, s, http.StatusOK, productForm{ID: p.ID, Usage: p.Price.Type == catalog.PriceUsage, Archived: p.Archived}, formOf(p), nil, "")
	return nil
}

// createProduct creates a product through the store's CreateProduct, the
// use case POST /products runs.
func (d *Dashboard) createProduct(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	p := &catalog.Product{Metadata: catalog.Metadata{}}
	bad := productFromForm(r.PostForm, p)
	if len(bad) > 0 {
		d.showProductForm(w, r, s, http.StatusUnprocessableEntity, productForm{}, r.PostForm, bad, "")
		return nil
	}
	if err := d.st.CreateProduct(r.Context(), s.Tenant(), p); err != nil {
		return d.formFailed(w, r, s, productForm{}, err)
	}
	http.Redirect(w, r, Prefix+"products/"+p.ID+"?ok=created", http.StatusSeeOther)
	return nil
}

// updateProduct changes a product through UpdateProduct, the use case
// PATCH /products/{id} runs: only what the form changed is in the patch.
func (d *Dashboard) updateProduct(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	ctx, tn := r.Context(), s.Tenant()
	cur, err := d.st.GetProduct(ctx, tn, r.PathValue("id"))
	if err != nil {
		return err
	}
	pf := productForm{ID: cur.ID, Usage: cur.Price.Type == catalog.PriceUsage, Archived: cur.Archived}
	next := *cur
	next.Metadata = cur.Metadata
	bad := productFromForm(r.PostForm, &next)
	if len(bad) > 0 {
		d.showProductForm(w, r, s, http.StatusUnprocessableEntity, pf, r.PostForm, bad, "")
		return nil
	}
	u := &catalog.ProductPatch{}
	if next.Name != cur.Name {
		u.Name = &next.Name
	}
	if next.Description != nil && (cur.Description == nil || *next.Description != *cur.Description) {
		u.Description = next.Description
	}
	if next.TaxCategory != cur.TaxCategory {
		u.TaxCategory = &next.TaxCategory
	}
	if b1, _ := json.Marshal(next.Price); true {
		if b2, _ := json.Marshal(cur.Price); string(b1) != string(b2) {
			u.Price = &next.Price
		}
	}
	if (next.PricingMode == nil) != (cur.PricingMode == nil) || next.PricingMode != nil && *next.PricingMode != *cur.PricingMode {
		if next.PricingMode == nil {
			u.PricingMode = catalog.Opt[string]{Set: true, Null: true}
		} else {
			u.PricingMode = catalog.Opt[string]{Set: true, V: *next.PricingMode}
		}
	}
	if f := r.PostForm.Get("metadata"); f != metadataForm(cur.Metadata) {
		u.Metadata = &next.Metadata
	}
	if err := d.st.UpdateProduct(ctx, tn, cur.ID, u); err != nil {
		return d.formFailed(w, r, s, pf, err)
	}
	http.Redirect(w, r, Prefix+"products/"+cur.ID+"?ok=saved", http.StatusSeeOther)
	return nil
}

// formFailed re-shows the product form with the catalog's problems next
// to their fields; other errors fail the request.
func (d *Dashboard) formFailed(w http.ResponseWriter, r *http.Request, s *store.Session, pf productForm, err error) error {
	var e *catalog.Error
	if !errors.As(err, &e) || e.Kind != catalog.KindInvalid {
		return err
	}
	errs, problem := fieldErrors(e, productFields, map[string]string{"price.fixed_price": "price.price"})
	d.showProductForm(w, r, s, http.StatusUnprocessableEntity, pf, r.PostForm, errs, problem)
	return nil
}

// fieldErrors sorts a validation error's problems onto the form's fields
// (aliases maps a path to the field that shows it; a path under a field,
// like metadata.key, shows at the field); the rest are the problem
// shown above the form.
func fieldErrors(e *catalog.Error, fields []string, aliases map[string]string) (map[string]string, string) {
	errs := map[string]string{}
	var rest []string
	for _, fe := range e.Fields {
		path := fe.Path
		if a, ok := aliases[path]; ok {
			path = a
		}
		placed := false
		for _, f := range fields {
			if path == f || strings.HasPrefix(path, f+".") || strings.HasPrefix(path, f+"[") {
				if _, dup := errs[f]; !dup {
					errs[f] = fe.Message
				}
				placed = true
				break
			}
		}
		if !placed {
			rest = append(rest, strings.TrimPrefix(fe.Path+": ", ": ")+fe.Message)
		}
	}
	if len(e.Fields) == 0 {
		// A problem found in the transaction (a code taken) names its
		// field at the front of its message.
		placed := false
		for _, f := range fields {
			if msg, ok := strings.CutPrefix(e.Message, f+": "); ok {
				errs[f], placed = msg, true
				break
			}
		}
		if !placed {
			rest = append(rest, e.Message)
		}
	}
	return errs, strings.Join(rest, "; ")
}

func (d *Dashboard) archiveProduct(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	id := r.PathValue("id")
	if err := d.st.ArchiveProduct(r.Context(), s.Tenant(), id); err != nil {
		return err
	}
	http.Redirect(w, r, Prefix+"products/"+id+"?ok=archived", http.StatusSeeOther)
	return nil
}

func (d *Dashboard) unarchiveProduct(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	id := r.PathValue("id")
	if err := d.st.UnarchiveProduct(r.Context(), s.Tenant(), id); err != nil {
		return err
	}
	http.Redirect(w, r, Prefix+"products/"+id+"?ok=unarchived", http.StatusSeeOther)
	return nil
}

// createLocalizedPrice adds a localized price through
// CreateLocalizedPrice, as POST /products/{id}/localized_prices does.
func (d *Dashboard) createLocalizedPrice(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	id, f := r.PathValue("id"), r.PostForm
	cur := strings.ToUpper(strings.TrimSpace(f.Get("lp.currency")))
	in := &catalog.LocalizedPriceInput{Currency: &cur}
	if c := strings.ToUpper(strings.TrimSpace(f.Get("lp.country_code"))); c != "" {
		in.CountryCode = &c
	}
	amount, ok := parseMajor(cur, f.Get("lp.amount"))
	if !ok {
		return d.showProduct(w, r, s, http.StatusUnprocessableEntity, f, map[string]string{"lp.amount": "must be an amount like 19.99"}, "")
	}
	in.Amount = &amount
	if _, err := d.st.CreateLocalizedPrice(r.Context(), s.Tenant(), id, in); err != nil {
		return d.smallFormFailed(w, r, s, err, "lp.", []string{"amount", "currency", "country_code"})
	}
	http.Redirect(w, r, Prefix+"products/"+id+"?ok=added#h-localized", http.StatusSeeOther)
	return nil
}

func (d *Dashboard) archiveLocalizedPrice(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	id := r.PathValue("id")
	if err := d.st.ArchiveLocalizedPrice(r.Context(), s.Tenant(), id, r.PathValue("price")); err != nil {
		return err
	}
	http.Redirect(w, r, Prefix+"products/"+id+"?ok=archived#h-localized", http.StatusSeeOther)
	return nil
}

// createShortLink makes a short link, and so a static checkout page, for
// the product through CreateShortLink.
func (d *Dashboard) createShortLink(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	id := r.PathValue("id")
	l := &catalog.ShortLink{ProductID: id, Slug: strings.TrimSpace(r.PostForm.Get("sl.slug"))}
	if err := d.st.CreateShortLink(r.Context(), s.Tenant(), l); err != nil {
		return d.smallFormFailed(w, r, s, err, "sl.", []string{"slug"})
	}
	http.Redirect(w, r, Prefix+"products/"+id+"?ok=created#h-checkout", http.StatusSeeOther)
	return nil
}

// smallFormFailed re-shows the product page with a small form's problems
// next to its fields (named prefix+path); a conflict (a slug taken) is
// the first field's.
func (d *Dashboard) smallFormFailed(w http.ResponseWriter, r *http.Request, s *store.Session, err error, prefix string, fields []string) error {
	var e *catalog.Error
	if !errors.As(err, &e) || (e.Kind != catalog.KindInvalid && e.Kind != catalog.KindConflict) {
		return err
	}
	errs, problem := fieldErrors(e, fields, nil)
	if e.Kind == catalog.KindConflict {
		errs[fields[0]], problem = e.Message, ""
	}
	prefixed := map[string]string{}
	for k, v := range errs {
		prefixed[prefix+k] = v
	}
	return d.showProduct(w, r, s, http.StatusUnprocessableEntity, r.PostForm, prefixed, problem)
}
