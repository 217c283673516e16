package catalogfile

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// The Dodo side: how each kind is created, changed and removed through
// the Dodo Payments catalog API.

// bodyOf is v as a request body without the file's own fields.
func bodyOf(v any, drop ...string) map[string]any {
	m := toMap(v)
	delete(m, "key")
	for _, d := range drop {
		delete(m, d)
	}
	return m
}

// pick is the fields of body a PATCH sends (a file field renamed on the
// wire by rename).
func pick(body map[string]any, fields []string, rename map[string]string) map[string]any {
	out := map[string]any{}
	for _, f := range fields {
		w := f
		if r, ok := rename[f]; ok {
			w = r
		}
		if v, ok := body[w]; ok {
			out[w] = v
		}
	}
	return out
}

// withKey is metadata with the object's key in it.
func withKey(md map[string]any, key string) map[string]any {
	out := map[string]any{MetadataKey: key}
	for k, v := range md {
		out[k] = v
	}
	return out
}

// gone tells an answer that the object is already where apply wants it
// (archived, deleted).
func gone(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Status == http.StatusGone || errors.Is(err, errNotFound)
}

func planDodo(p *planner, a *applier, f *File, st *state) {
	path := func(prefix, id string) string { return prefix + "/" + url.PathEscape(id) }
	planKind(p, a, kindSpec[Brand]{
		kind: "brand", key: func(b Brand) string { return b.Key }, immutable: []string{"name"},
		create: func(ctx context.Context, a *applier, d Brand) (string, error) {
			body := bodyOf(d)
			var out struct {
				BrandID    string  `json:"brand_id"`
				ArchivedAt *string `json:"archived_at"`
			}
			idem := idemKey("brand", d.Key, body)
			if err := a.dodo.create(ctx, "/brands", body, idem, &out, func() string { return path("/brands", out.BrandID) }); err != nil {
				return "", err
			}
			// A replayed create may name a brand archived since (archiving
			// is permanent): then a new one is made.
			if err := a.dodo.get(ctx, path("/brands", out.BrandID), &out); err != nil {
				return "", err
			}
			if out.ArchivedAt != nil {
				out.ArchivedAt = nil
				err := a.dodo.do(ctx, "POST", "/brands", body, idem+"/again-"+randomHex(), &out)
				return out.BrandID, err
			}
			return out.BrandID, nil
		},
		update: func(ctx context.Context, a *applier, e entry[Brand], d Brand, fields []string) error {
			return a.dodo.do(ctx, "PATCH", path("/brands", e.ID), pick(bodyOf(d), fields, nil), "", nil)
		},
	}, f.Brands, st.brands)

	planKind(p, a, kindSpec[CreditEntitlement]{
		kind: "credit_entitlement", key: func(c CreditEntitlement) string { return c.Key }, immutable: []string{"precision", "name"},
		create: func(ctx context.Context, a *applier, d CreditEntitlement) (string, error) {
			body := bodyOf(d)
			for k, v := range map[string]any{"precision": 0, "rollover_enabled": false, "overage_enabled": false} {
				if _, ok := body[k]; !ok {
					body[k] = v
				}
			}
			var out struct{ ID string }
			err := a.dodo.do(ctx, "POST", "/credit-entitlements", body, "", &out)
			if hasCode(err, "CREDIT_ENTITLEMENT_NAME_ALREADY_EXISTS") {
				// A racing apply made it (names are unique): find it.
				return a.findCredit(ctx, d.Name)
			}
			return out.ID, err
		},
		update: func(ctx context.Context, a *applier, e entry[CreditEntitlement], d CreditEntitlement, fields []string) error {
			return a.dodo.do(ctx, "PATCH", path("/credit-entitlements", e.ID), pick(bodyOf(overlay(e.V, d)), fields, nil), "", nil)
		},
		unarchive: func(ctx context.Context, a *applier, e entry[CreditEntitlement]) error {
			return a.dodo.do(ctx, "POST", path("/credit-entitlements", e.ID)+"/undelete", nil, "", nil)
		},
		remove: func(ctx context.Context, a *applier, e entry[CreditEntitlement]) error {
			if err := a.dodo.do(ctx, "DELETE", path("/credit-entitlements", e.ID), nil, "", nil); !gone(err) {
				return err
			}
			return nil
		},
		removeAs: "delete",
	}, f.CreditEntitlements, st.credits)

	planKind(p, a, kindSpec[Meter]{
		kind: "meter", key: func(m Meter) string { return m.Key },
		create: func(ctx context.Context, a *applier, d Meter) (string, error) {
			body := bodyOf(d)
			var out struct{ ID string }
			err := a.dodo.create(ctx, "/meters", body, idemKey("meter", d.Key, body), &out, func() string { return path("/meters", out.ID) })
			return out.ID, err
		},
		unarchive: func(ctx context.Context, a *applier, e entry[Meter]) error {
			return a.dodo.do(ctx, "POST", path("/meters", e.ID)+"/unarchive", nil, "", nil)
		},
		remove: func(ctx context.Context, a *applier, e entry[Meter]) error {
			return a.dodo.do(ctx, "DELETE", path("/meters", e.ID), nil, "", nil)
		},
		removeAs: "archive",
	}, f.Meters, st.meters)

	planKind(p, a, kindSpec[Entitlement]{
		kind: "entitlement", key: func(e Entitlement) string { return e.Key }, immutable: []string{"integration_type"},
		create: func(ctx context.Context, a *applier, d Entitlement) (string, error) {
			body := bodyOf(d)
			body["metadata"] = withKey(d.Metadata, d.Key)
			var out struct{ ID string }
			err := a.dodo.create(ctx, "/entitlements", body, idemKey("entitlement", d.Key, body), &out, func() string { return path("/entitlements", out.ID) })
			return out.ID, err
		},
		update: func(ctx context.Context, a *applier, e entry[Entitlement], d Entitlement, fields []string) error {
			body := bodyOf(overlay(e.V, d))
			body["metadata"] = withKey(overlay(e.V, d).Metadata, d.Key)
			return a.dodo.do(ctx, "PATCH", path("/entitlements", e.ID), pick(body, fields, nil), "", nil)
		},
		remove: func(ctx context.Context, a *applier, e entry[Entitlement]) error {
			return a.dodo.do(ctx, "DELETE", path("/entitlements", e.ID), nil, "", nil)
		},
		removeAs: "delete",
	}, f.Entitlements, st.ents)

	planKind(p, a, kindSpec[Addon]{
		kind: "addon", key: func(x Addon) string { return x.Key }, immutable: []string{"name"},
		create: func(ctx context.Context, a *applier, d Addon) (string, error) {
			body := bodyOf(d)
			body["price"] = d.Price
			var out struct{ ID string }
			err := a.dodo.create(ctx, "/addons", body, idemKey("addon", d.Key, body), &out, func() string { return path("/addons", out.ID) })
			return out.ID, err
		},
		update: func(ctx context.Context, a *applier, e entry[Addon], d Addon, fields []string) error {
			return a.dodo.do(ctx, "PATCH", path("/addons", e.ID), pick(bodyOf(d), fields, nil), "", nil)
		},
	}, f.Addons, st.addons)

	planKind(p, a, kindSpec[Product]{
		kind: "product", key: func(x Product) string { return x.Key }, skip: []string{"localized_prices", "chartmogul"},
		create: func(ctx context.Context, a *applier, d Product) (string, error) {
			body, err := a.productBody(d)
			if err != nil {
				return "", err
			}
			var out struct {
				ProductID string `json:"product_id"`
			}
			err = a.dodo.create(ctx, "/products", body, idemKey("product", d.Key, body), &out, func() string { return path("/products", out.ProductID) })
			return out.ProductID, err
		},
		update: func(ctx context.Context, a *applier, e entry[Product], d Product, fields []string) error {
			merged := overlay(e.V, d)
			merged.Key = d.Key
			body, err := a.productBody(merged)
			if err != nil {
				return err
			}
			return a.dodo.do(ctx, "PATCH", path("/products", e.ID), pick(body, fields, map[string]string{"brand": "brand_id"}), "", nil)
		},
		unarchive: func(ctx context.Context, a *applier, e entry[Product]) error {
			return a.dodo.do(ctx, "POST", path("/products", e.ID)+"/unarchive", nil, "", nil)
		},
		remove: func(ctx context.Context, a *applier, e entry[Product]) error {
			if err := a.dodo.do(ctx, "DELETE", path("/products", e.ID), nil, "", nil); !gone(err) {
				return err
			}
			return nil
		},
		removeAs: "archive",
	}, f.Products, st.products)
	planLocalizedPrices(p, f, st)

	planKind(p, a, kindSpec[Discount]{
		kind: "discount", key: func(x Discount) string { return x.Key }, normalize: normalizeDiscount,
		create: func(ctx context.Context, a *applier, d Discount) (string, error) {
			body, err := a.discountBody(d)
			if err != nil {
				return "", err
			}
			var out struct {
				DiscountID string `json:"discount_id"`
			}
			err = a.dodo.create(ctx, "/discounts", body, idemKey("discount", d.Key, body), &out, func() string { return path("/discounts", out.DiscountID) })
			return out.DiscountID, err
		},
		update: func(ctx context.Context, a *applier, e entry[Discount], d Discount, fields []string) error {
			merged := overlay(e.V, d)
			merged.Key = d.Key
			body, err := a.discountBody(merged)
			if err != nil {
				return err
			}
			return a.dodo.do(ctx, "PATCH", path("/discounts", e.ID), pick(body, fields, nil), "", nil)
		},
		remove: func(ctx context.Context, a *applier, e entry[Discount]) error {
			return a.dodo.do(ctx, "DELETE", path("/discounts", e.ID), nil, "", nil)
		},
		removeAs: "delete",
	}, f.Discounts, st.discounts)

	planKind(p, a, kindSpec[Collection]{
		kind: "collection", key: func(x Collection) string { return x.Key }, immutable: []string{"name"}, normalize: normalizeCollection,
		create: func(ctx context.Context, a *applier, d Collection) (string, error) {
			body, err := a.collectionBody(d)
			if err != nil {
				return "", err
			}
			var out struct{ ID string }
			err = a.dodo.create(ctx, "/product-collections", body, idemKey("collection", d.Key, body), &out, func() string { return path("/product-collections", out.ID) })
			return out.ID, err
		},
		update: func(ctx context.Context, a *applier, e entry[Collection], d Collection, fields []string) error {
			return a.convergeCollection(ctx, e.ID, d, fields)
		},
		unarchive: func(ctx context.Context, a *applier, e entry[Collection]) error {
			return a.dodo.do(ctx, "POST", path("/product-collections", e.ID)+"/unarchive", nil, "", nil)
		},
		remove: func(ctx context.Context, a *applier, e entry[Collection]) error {
			if err := a.dodo.do(ctx, "DELETE", path("/product-collections", e.ID), nil, "", nil); !gone(err) {
				return err
			}
			return nil
		},
		removeAs: "archive",
	}, f.Collections, st.colls)
}

// isConflict tells a refusal for a unique field (ChartMogul's 422s, whose
// bodies name no code): the caller looks the object up before it
// believes it.
func isConflict(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && (ae.Status == http.StatusConflict || ae.Status == http.StatusUnprocessableEntity)
}

// hasCode tells a Dodo refusal with one of codes.
func hasCode(err error, codes ...string) bool {
	var ae *APIError
	return errors.As(err, &ae) && contains(codes, ae.Code)
}

func (a *applier) findCredit(ctx context.Context, name string) (string, error) {
	id := ""
	err := a.dodo.pages(ctx, "/credit-entitlements", url.Values{}, func(raw json.RawMessage) error {
		var c struct{ ID, Name string }
		if json.Unmarshal(raw, &c) == nil && c.Name == name {
			id = c.ID
		}
		return nil
	})
	if err == nil && id == "" {
		err = fmt.Errorf("credit entitlement %q: created by no one, yet its name is taken", name)
	}
	return id, err
}

// productBody is a product as the Dodo API takes it.
func (a *applier) productBody(p Product) (map[string]any, error) {
	m := bodyOf(p, "localized_prices", "chartmogul", "brand", "addons", "entitlements", "credit_entitlements", "price", "metadata")
	if p.Brand != nil {
		id, err := a.ref("brand", *p.Brand)
		if err != nil {
			return nil, err
		}
		m["brand_id"] = id
	}
	if p.Addons != nil {
		ids, err := a.refs("addon", p.Addons)
		if err != nil {
			return nil, err
		}
		m["addons"] = ids
	}
	if p.Entitlements != nil {
		ids, err := a.refs("entitlement", p.Entitlements)
		if err != nil {
			return nil, err
		}
		l := []map[string]string{}
		for _, id := range ids {
			l = append(l, map[string]string{"entitlement_id": id})
		}
		m["entitlements"] = l
	}
	if p.CreditEntitlements != nil {
		l := []map[string]any{}
		for _, c := range p.CreditEntitlements {
			id, err := a.ref("credit_entitlement", c.CreditEntitlement)
			if err != nil {
				return nil, err
			}
			cm := bodyOf(c, "credit_entitlement")
			cm["credit_entitlement_id"] = id
			l = append(l, cm)
		}
		m["credit_entitlements"] = l
	}
	price := bodyOf(p.Price, "meters")
	if p.Price.Meters != nil {
		l := []map[string]any{}
		for _, pm := range p.Price.Meters {
			id, err := a.ref("meter", pm.Meter)
			if err != nil {
				return nil, err
			}
			mm := bodyOf(pm, "meter", "credit_entitlement")
			mm["meter_id"] = id
			if pm.CreditEntitlement != nil {
				cid, err := a.ref("credit_entitlement", *pm.CreditEntitlement)
				if err != nil {
					return nil, err
				}
				mm["credit_entitlement_id"] = cid
			}
			l = append(l, mm)
		}
		price["meters"] = l
	}
	m["price"] = price
	m["metadata"] = withKey(p.Metadata, p.Key)
	return m, nil
}

func (a *applier) discountBody(d Discount) (map[string]any, error) {
	m := bodyOf(d, "restricted_to", "metadata")
	if d.RestrictedTo != nil {
		ids, err := a.refs("product", d.RestrictedTo)
		if err != nil {
			return nil, err
		}
		m["restricted_to"] = ids
	}
	m["metadata"] = withKey(d.Metadata, d.Key)
	return m, nil
}

func normalizeDiscount(d Discount) Discount {
	norm := func(s *string) *string {
		if s == nil {
			return nil
		}
		t, err := time.Parse(time.RFC3339Nano, *s)
		if err != nil {
			return s
		}
		u := t.UTC().Format(time.RFC3339Nano)
		return &u
	}
	d.StartsAt, d.ExpiresAt = norm(d.StartsAt), norm(d.ExpiresAt)
	return d
}

// normalizeCollection leaves out what only the file has (the bridge).
func normalizeCollection(c Collection) Collection {
	if c.Groups == nil {
		return c
	}
	gs := make([]Group, len(c.Groups))
	for i, g := range c.Groups {
		g.ChartMogul = nil
		gs[i] = g
	}
	c.Groups = gs
	return c
}

// groupBody is a group as the Dodo API takes it.
func (a *applier) groupBody(g Group, products []GroupProduct) (map[string]any, error) {
	m := map[string]any{}
	if g.Name != nil {
		m["group_name"] = *g.Name
	}
	if g.Status != nil {
		m["status"] = *g.Status
	}
	l := []map[string]any{}
	for _, gp := range products {
		id, err := a.ref("product", gp.Product)
		if err != nil {
			return nil, err
		}
		it := map[string]any{"product_id": id}
		if gp.Status != nil {
			it["status"] = *gp.Status
		}
		l = append(l, it)
	}
	m["products"] = l
	return m, nil
}

func (a *applier) collectionBody(c Collection) (map[string]any, error) {
	m := bodyOf(c, "groups", "brand")
	if c.Brand != nil {
		id, err := a.ref("brand", *c.Brand)
		if err != nil {
			return nil, err
		}
		m["brand_id"] = id
	}
	groups := []map[string]any{}
	for _, g := range c.Groups {
		gb, err := a.groupBody(g, g.Products)
		if err != nil {
			return nil, err
		}
		groups = append(groups, gb)
	}
	m["groups"] = groups
	return m, nil
}
