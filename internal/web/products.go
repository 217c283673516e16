package web

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/web/checkout"
)

// pageSize is the rows of a list page.
const pageSize = 25

// encodeKeyset and decodeKeyset make a list position an opaque cursor.
func encodeKeyset(t time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(t.UnixMicro(), 10) + "." + id))
}

func decodeKeyset(s string) *catalog.Keyset {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil
	}
	us, id, ok := strings.Cut(string(raw), ".")
	n, err := strconv.ParseInt(us, 10, 64)
	if !ok || err != nil || id == "" {
		return nil
	}
	return &catalog.Keyset{CreatedAt: time.UnixMicro(n).UTC(), ID: id}
}

type productRow struct {
	P        *catalog.Product
	Headline string
}

type productsData struct {
	Query                                       url.Values
	Rows                                        []productRow
	Next, First                                 string
	Brands                                      []*catalog.Brand
	Collections                                 []*catalog.Collection
	Q, Brand, Collection, Recurring, ArchivedOn string
	// SearchedOn: the page holds every match of the stretch searched;
	// more may follow further on.
	SearchedOn bool
}

// products lists the catalog: search, filters, keyset pages.
func (d *Dashboard) products(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	q := r.URL.Query()
	f := catalog.ProductSearch{Archived: q.Get("archived") == "on", BrandID: q.Get("brand"), CollectionID: q.Get("collection"),
		Query: strings.TrimSpace(q.Get("q")), Page: catalog.Page{Size: pageSize, After: decodeKeyset(q.Get("after"))}}
	if len([]rune(f.Query)) > catalog.MaxSearchLen {
		f.Query = string([]rune(f.Query)[:catalog.MaxSearchLen])
	}
	switch q.Get("recurring") {
	case "yes":
		t := true
		f.Recurring = &t
	case "no":
		t := false
		f.Recurring = &t
	}
	tn := s.Tenant()
	list, resume, err := d.st.SearchProducts(r.Context(), tn, f)
	if err != nil {
		return err
	}
	brands, err := d.st.ListBrands(r.Context(), tn, catalog.BrandFilter{})
	if err != nil {
		return err
	}
	cols, err := d.st.ListCollections(r.Context(), tn, catalog.CollectionFilter{Page: catalog.Page{Size: 100}})
	if err != nil {
		return err
	}
	data := productsData{Query: q, Brands: brands.Items, Collections: cols.Items, Q: f.Query, Brand: f.BrandID,
		Collection: f.CollectionID, Recurring: q.Get("recurring"), ArchivedOn: q.Get("archived")}
	for _, p := range list.Items {
		data.Rows = append(data.Rows, productRow{P: p, Headline: headline(p)})
	}
	if n := len(list.Items); list.More && (n > 0 || resume != nil) {
		nq := cloneValues(q)
		if resume != nil {
			// A search read its stretch of the catalog without filling
			// the page: the next page searches on from there.
			nq.Set("after", encodeKeyset(resume.CreatedAt, resume.ID))
			data.SearchedOn = true
		} else {
			nq.Set("after", encodeKeyset(list.Items[n-1].CreatedAt, list.Items[n-1].ID))
		}
		data.Next = Prefix + "products?" + nq.Encode()
	}
	if f.Page.After != nil {
		fq := cloneValues(q)
		fq.Del("after")
		data.First = Prefix + "products?" + fq.Encode()
	}
	d.render(w, r, http.StatusOK, "products", &view{Title: "Products", Nav: "products", Session: s, Data: data})
	return nil
}

func cloneValues(q url.Values) url.Values {
	out := url.Values{}
	for k, vs := range q {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// headline is a price in a list: the amount and, if recurring, how often.
func headline(p *catalog.Product) string {
	pr := &p.Price
	s := checkout.Money(pr.Currency, pr.Headline())
	if pr.IsRecurring() {
		s += " / " + every(pr.PaymentFrequencyCount, pr.PaymentFrequencyInterval)
	}
	if pr.Type == catalog.PriceUsage {
		s += " + usage"
	}
	return s
}

func every(n int64, interval string) string {
	unit := strings.ToLower(interval)
	if n == 1 {
		return unit
	}
	return strconv.FormatInt(n, 10) + " " + unit + "s"
}

type namedRef struct{ ID, Name, Note string }

type productData struct {
	P                *catalog.Product
	Words            []string
	Headline         string
	Localized        []localized
	Addons           []namedRef
	Entitlements     []namedRef
	Credits          []namedRef
	Meters           []namedRef
	ImageURL         string
	Collection       *catalog.Collection
	ShortLinks       []shortLink
	Metadata         []kv
	Created, Updated string
	PricingMode      string
}

type localized struct{ ID, Where, Amount string }

type shortLink struct{ Slug, ShortURL, CheckoutURL string }

type kv struct{ Key, Value string }

// product shows one product: its price in words and what it refers to.
func (d *Dashboard) product(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	return d.showProduct(w, r, s, http.StatusOK, nil, nil, "")
}

// showProduct renders the product page; form and errs re-show one of its
// small forms (a localized price, a short link) that failed validation.
func (d *Dashboard) showProduct(w http.ResponseWriter, r *http.Request, s *store.Session, status int, form url.Values, errs map[string]string, problem string) error {
	ctx, tn := r.Context(), s.Tenant()
	p, err := d.st.GetProduct(ctx, tn, r.PathValue("id"))
	if err != nil {
		return err
	}
	data := productData{P: p, Words: checkout.PriceWords(p), Headline: headline(p), Metadata: metadataRows(p.Metadata),
		Created: stamp(p.CreatedAt), Updated: stamp(p.UpdatedAt)}
	lps, err := d.st.ListLocalizedPrices(ctx, tn, p.ID)
	if err != nil {
		return err
	}
	for _, lp := range lps.Items {
		where := lp.Currency
		if lp.CountryCode != nil {
			where = *lp.CountryCode + " (" + lp.Currency + ")"
		}
		data.Localized = append(data.Localized, localized{ID: lp.ID, Where: where, Amount: checkout.Money(lp.Currency, lp.Amount)})
	}
	for _, id := range p.Addons {
		ref := namedRef{ID: id, Name: id}
		if a, err := d.st.GetAddon(ctx, tn, id); err == nil {
			ref.Name, ref.Note = a.Name, checkout.Money(a.Currency, a.Price)
		}
		data.Addons = append(data.Addons, ref)
	}
	refs, err := d.st.LoadProductRefs(ctx, tn, []*catalog.Product{p})
	if err != nil {
		return err
	}
	for _, id := range p.Entitlements {
		ref := namedRef{ID: id, Name: id}
		if e := refs.Entitlements[id]; e != nil {
			ref.Name = e.Name
		}
		data.Entitlements = append(data.Entitlements, ref)
	}
	for _, g := range p.CreditEntitlements {
		ref := namedRef{ID: g.CreditEntitlementID, Name: g.CreditEntitlementID, Note: g.CreditsAmount + " credits"}
		if c := refs.Credits[g.CreditEntitlementID]; c != nil {
			ref.Name = c.Name
		}
		data.Credits = append(data.Credits, ref)
	}
	for _, m := range p.Price.Meters {
		ref := namedRef{ID: m.MeterID, Name: m.MeterID}
		if mt := refs.Meters[m.MeterID]; mt != nil {
			ref.Name = mt.Name
		}
		if m.PricePerUnit != nil {
			ref.Note = p.Price.Currency + " " + *m.PricePerUnit + " per unit"
		}
		data.Meters = append(data.Meters, ref)
	}
	if p.ImageID != nil && d.cfg.Uploads != nil {
		data.ImageURL = d.cfg.Uploads.ImageURL(*p.ImageID)
	}
	if p.CollectionID != "" {
		if c, err := d.st.GetCollection(ctx, tn, p.CollectionID); err == nil {
			data.Collection = c
		}
	}
	links, err := d.st.ListShortLinks(ctx, tn, catalog.ShortLinkFilter{ProductID: p.ID, Page: catalog.Page{Size: 20}})
	if err != nil {
		return err
	}
	for _, l := range links.Items {
		data.ShortLinks = append(data.ShortLinks, shortLink{Slug: l.Slug, ShortURL: d.cfg.PublicURL + l.ShortPath(), CheckoutURL: d.cfg.PublicURL + l.CheckoutPath()})
	}
	if p.PricingMode != nil {
		data.PricingMode = *p.PricingMode
	}
	d.render(w, r, status, "product", &view{Title: p.Name, Nav: "products", Session: s, Form: form, Errors: errs, Problem: problem, Data: data})
	return nil
}

func metadataRows(m catalog.Metadata) []kv {
	out := make([]kv, 0, len(m))
	for k, v := range m {
		out = append(out, kv{Key: k, Value: metadataText(v)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

func metadataText(v json.RawMessage) string {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	return string(v)
}

// stamp writes a time for people: UTC, to the second.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") }
