package catalogfile

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
)

// MetadataKey is the metadata entry where apply keeps an object's key
// (products, entitlements, discounts).
const MetadataKey = "pricebook_key"

// entry is one object on a server, in the file's terms; its references
// name server ids until relink turns them into keys.
type entry[T any] struct {
	ID       string
	Key      string
	Archived bool // archived, or deleted where deleted objects can come back
	V        T
}

// state is a partition as the two APIs show it.
type state struct {
	business  string
	brands    []entry[Brand]
	credits   []entry[CreditEntitlement]
	meters    []entry[Meter]
	ents      []entry[Entitlement]
	addons    []entry[Addon]
	products  []entry[Product]
	lpIDs     map[string]map[string]string // product id → currency or country → rule id
	discounts []entry[Discount]
	colls     []entry[Collection]
	// ChartMogul: every data source, and the plans of the one the file
	// names (or, exporting, the oldest).
	sources []entry[DataSource]
	source  *entry[DataSource]
	plans   []entry[ChartMogulPlan]
	groups  []entry[PlanGroup] // Plans are plan uuids
	// groupPlansOutside is, per plan group id, its plans of other data
	// sources: such a group is not this file's to prune, and a change of
	// it keeps them.
	groupPlansOutside map[string][]string
}

// read reads the Dodo side of a partition and, when withCM, the ChartMogul
// side for the data source named dsName ("" for the oldest one).
func read(ctx context.Context, dodo, cm *face, withCM bool, dsName string) (*state, error) {
	s := &state{lpIDs: map[string]map[string]string{}, groupPlansOutside: map[string][]string{}}
	if err := s.readDodo(ctx, dodo); err != nil {
		return nil, err
	}
	if withCM {
		if err := s.readChartMogul(ctx, cm, dsName); err != nil {
			return nil, err
		}
	}
	// Lists are newest first: oldest first is the order they were made
	// in, the file's.
	reverse(s.brands)
	reverse(s.credits)
	reverse(s.meters)
	reverse(s.ents)
	reverse(s.addons)
	reverse(s.products)
	reverse(s.discounts)
	reverse(s.colls)
	reverse(s.plans)
	reverse(s.groups)
	return s, nil
}

func (s *state) readDodo(ctx context.Context, f *face) error {
	var brands struct {
		Items []struct {
			Brand
			BrandID    string  `json:"brand_id"`
			BusinessID string  `json:"business_id"`
			ArchivedAt *string `json:"archived_at"`
			Name       *string `json:"name"`
		}
	}
	if err := f.get(ctx, "/brands", &brands); err != nil {
		return err
	}
	for _, b := range brands.Items {
		s.business = b.BusinessID
		if b.BrandID == b.BusinessID || b.ArchivedAt != nil {
			continue // the primary brand is not the file's; archiving is permanent
		}
		v := b.Brand
		if b.Name != nil {
			v.Name = *b.Name
		}
		s.brands = append(s.brands, entry[Brand]{ID: b.BrandID, V: v})
	}
	for _, deleted := range []bool{false, true} {
		err := f.pages(ctx, "/credit-entitlements", url.Values{"deleted": {fmt.Sprint(deleted)}}, func(raw json.RawMessage) error {
			var e entry[CreditEntitlement]
			var id struct{ ID string }
			json.Unmarshal(raw, &e.V)
			json.Unmarshal(raw, &id)
			e.ID, e.Archived = id.ID, deleted
			s.credits = append(s.credits, e)
			return nil
		})
		if err != nil {
			return err
		}
	}
	for _, archived := range []bool{false, true} {
		err := f.pages(ctx, "/meters", url.Values{"archived": {fmt.Sprint(archived)}}, func(raw json.RawMessage) error {
			var e entry[Meter]
			var id struct{ ID string }
			json.Unmarshal(raw, &e.V)
			json.Unmarshal(raw, &id)
			e.ID, e.Archived = id.ID, archived
			s.meters = append(s.meters, e)
			return nil
		})
		if err != nil {
			return err
		}
	}
	err := f.pages(ctx, "/entitlements", url.Values{}, func(raw json.RawMessage) error {
		var e entry[Entitlement]
		var id struct{ ID string }
		json.Unmarshal(raw, &e.V)
		json.Unmarshal(raw, &id)
		e.ID = id.ID
		e.Key, e.V.Metadata = takeKey(e.V.Metadata)
		e.V.IntegrationConfig = requestConfig(e.V.IntegrationType, e.V.IntegrationConfig)
		s.ents = append(s.ents, e)
		return nil
	})
	if err != nil {
		return err
	}
	err = f.pages(ctx, "/addons", url.Values{}, func(raw json.RawMessage) error {
		var e entry[Addon]
		var id struct{ ID string }
		json.Unmarshal(raw, &e.V)
		json.Unmarshal(raw, &id)
		e.ID = id.ID
		s.addons = append(s.addons, e)
		return nil
	})
	if err != nil {
		return err
	}
	for _, archived := range []bool{false, true} {
		var ids []string
		err := f.pages(ctx, "/products", url.Values{"archived": {fmt.Sprint(archived)}}, func(raw json.RawMessage) error {
			var id struct {
				ProductID string `json:"product_id"`
			}
			json.Unmarshal(raw, &id)
			ids = append(ids, id.ProductID)
			return nil
		})
		if err != nil {
			return err
		}
		for _, id := range ids {
			e, err := s.readProduct(ctx, f, id)
			if err != nil {
				return err
			}
			e.Archived = archived
			s.products = append(s.products, e)
		}
	}
	err = f.pages(ctx, "/discounts", url.Values{}, func(raw json.RawMessage) error {
		var e entry[Discount]
		var id struct {
			DiscountID string `json:"discount_id"`
		}
		if err := json.Unmarshal(raw, &e.V); err != nil {
			return fmt.Errorf("a discount: %w", err)
		}
		json.Unmarshal(raw, &id)
		e.ID = id.DiscountID
		e.Key, e.V.Metadata = takeKey(e.V.Metadata)
		s.discounts = append(s.discounts, e)
		return nil
	})
	if err != nil {
		return err
	}
	for _, archived := range []bool{false, true} {
		var ids []string
		err := f.pages(ctx, "/product-collections", url.Values{"archived": {fmt.Sprint(archived)}}, func(raw json.RawMessage) error {
			var id struct{ ID string }
			json.Unmarshal(raw, &id)
			ids = append(ids, id.ID)
			return nil
		})
		if err != nil {
			return err
		}
		for _, id := range ids {
			if err := s.readCollection(ctx, f, id, archived); err != nil {
				return err
			}
		}
	}
	return nil
}

// takeKey takes the key out of an object's metadata.
func takeKey(md map[string]any) (string, map[string]any) {
	k, ok := md[MetadataKey].(string)
	if !ok {
		return "", md
	}
	out := make(map[string]any, len(md))
	for n, v := range md {
		if n != MetadataKey {
			out[n] = v
		}
	}
	return k, out
}

// productWire is what the Dodo face renders of a product and the file
// does not take as it is.
type productWire struct {
	ProductID    string `json:"product_id"`
	BrandID      string `json:"brand_id"`
	Entitlements []struct {
		ID string `json:"id"`
	} `json:"entitlements"`
	CreditEntitlements []json.RawMessage `json:"credit_entitlements"`
	Price              struct {
		Meters []struct {
			MeterID             string  `json:"meter_id"`
			CreditEntitlementID *string `json:"credit_entitlement_id"`
		} `json:"meters"`
	} `json:"price"`
}

func (s *state) readProduct(ctx context.Context, f *face, id string) (entry[Product], error) {
	var raw json.RawMessage
	if err := f.get(ctx, "/products/"+url.PathEscape(id), &raw); err != nil {
		return entry[Product]{}, err
	}
	var p Product
	var w productWire
	// The file's own fields decode as they are; the references and the
	// shapes that differ come from w.
	var plain struct {
		Name        string         `json:"name"`
		TaxCategory string         `json:"tax_category"`
		Price       Price          `json:"price"`
		Description *string        `json:"description"`
		Addons      []string       `json:"addons"`
		Metadata    map[string]any `json:"metadata"`
		PricingMode *string        `json:"pricing_mode"`
	}
	if err := json.Unmarshal(raw, &plain); err != nil {
		return entry[Product]{}, fmt.Errorf("product %s: %w", id, err)
	}
	if err := json.Unmarshal(raw, &w); err != nil {
		return entry[Product]{}, fmt.Errorf("product %s: %w", id, err)
	}
	p.Name, p.TaxCategory, p.Price, p.Description = plain.Name, plain.TaxCategory, plain.Price, plain.Description
	p.Addons, p.Metadata, p.PricingMode = plain.Addons, plain.Metadata, plain.PricingMode
	for i := range p.Price.Meters {
		if i < len(w.Price.Meters) {
			p.Price.Meters[i].Meter = w.Price.Meters[i].MeterID
			p.Price.Meters[i].CreditEntitlement = w.Price.Meters[i].CreditEntitlementID
		}
	}
	brand := w.BrandID
	p.Brand = &brand
	p.Entitlements = []string{}
	for _, e := range w.Entitlements {
		p.Entitlements = append(p.Entitlements, e.ID)
	}
	p.CreditEntitlements = []ProductCredit{}
	for _, c := range w.CreditEntitlements {
		var pc ProductCredit
		var ref struct {
			CreditEntitlementID string `json:"credit_entitlement_id"`
		}
		json.Unmarshal(c, &pc)
		json.Unmarshal(c, &ref)
		pc.CreditEntitlement = ref.CreditEntitlementID
		p.CreditEntitlements = append(p.CreditEntitlements, pc)
	}
	var key string
	key, p.Metadata = takeKey(p.Metadata)
	var rules struct {
		Items []struct {
			ID string `json:"id"`
			LocalizedPrice
		}
	}
	if err := f.get(ctx, "/products/"+url.PathEscape(id)+"/localized-prices", &rules); err != nil {
		return entry[Product]{}, err
	}
	ids := map[string]string{}
	p.LocalizedPrices = []LocalizedPrice{}
	for _, r := range rules.Items {
		p.LocalizedPrices = append(p.LocalizedPrices, r.LocalizedPrice)
		ids[ruleID(r.LocalizedPrice)] = r.ID
	}
	s.lpIDs[id] = ids
	return entry[Product]{ID: id, Key: key, V: p}, nil
}

// ruleID is a localized price's identity within its product.
func ruleID(lp LocalizedPrice) string {
	if lp.CountryCode != nil {
		return "country:" + *lp.CountryCode
	}
	return "currency:" + lp.Currency
}

func (s *state) readCollection(ctx context.Context, f *face, id string, archived bool) error {
	var w struct {
		Collection
		ID      string      `json:"id"`
		BrandID string      `json:"brand_id"`
		Groups  []wireGroup `json:"groups"`
	}
	if err := f.get(ctx, "/product-collections/"+url.PathEscape(id), &w); err != nil {
		return err
	}
	c := w.Collection
	brand := w.BrandID
	c.Brand = &brand
	c.Groups = []Group{}
	for _, g := range w.Groups {
		status := g.Status
		fg := Group{Name: g.GroupName, Status: &status, Products: []GroupProduct{}}
		for _, p := range g.Products {
			st := p.Status
			fg.Products = append(fg.Products, GroupProduct{Product: p.ProductID, Status: &st})
		}
		c.Groups = append(c.Groups, fg)
	}
	s.colls = append(s.colls, entry[Collection]{ID: id, Archived: archived, V: c})
	return nil
}

func (s *state) readChartMogul(ctx context.Context, f *face, dsName string) error {
	var ds struct {
		DataSources []struct {
			UUID string `json:"uuid"`
			Name string `json:"name"`
		} `json:"data_sources"`
	}
	if err := f.get(ctx, "/v1/data_sources", &ds); err != nil {
		return err
	}
	for _, d := range ds.DataSources {
		s.sources = append(s.sources, entry[DataSource]{ID: d.UUID, V: DataSource{Name: d.Name}})
	}
	for i := range s.sources {
		d := &s.sources[i]
		if (dsName == "" && i == len(s.sources)-1) || (dsName != "" && d.V.Name == dsName) {
			s.source = d // the list is newest first: the last is the oldest
		}
	}
	if s.source == nil {
		return nil
	}
	planSource := map[string]bool{}
	err := f.cursorPages(ctx, "/v1/plans", url.Values{"data_source_uuid": {s.source.ID}}, "plans", func(raw json.RawMessage) error {
		var p struct {
			UUID       string `json:"uuid"`
			ExternalID string `json:"external_id"`
			ChartMogulPlan
		}
		json.Unmarshal(raw, &p)
		v := p.ChartMogulPlan
		v.Key = ""
		s.plans = append(s.plans, entry[ChartMogulPlan]{ID: p.UUID, Key: p.ExternalID, V: v})
		planSource[p.UUID] = true
		return nil
	})
	if err != nil {
		return err
	}
	var groups []entry[PlanGroup]
	err = f.cursorPages(ctx, "/v1/plan_groups", url.Values{}, "plan_groups", func(raw json.RawMessage) error {
		var g struct {
			UUID string `json:"uuid"`
			Name string `json:"name"`
		}
		json.Unmarshal(raw, &g)
		groups = append(groups, entry[PlanGroup]{ID: g.UUID, V: PlanGroup{Name: g.Name}})
		return nil
	})
	if err != nil {
		return err
	}
	for _, g := range groups {
		g.V.Plans = []string{}
		err := f.cursorPages(ctx, "/v1/plan_groups/"+url.PathEscape(g.ID)+"/plans", url.Values{}, "plans", func(raw json.RawMessage) error {
			var p struct {
				UUID string `json:"uuid"`
			}
			json.Unmarshal(raw, &p)
			if planSource[p.UUID] {
				g.V.Plans = append(g.V.Plans, p.UUID)
			} else {
				s.groupPlansOutside[g.ID] = append(s.groupPlansOutside[g.ID], p.UUID)
			}
			return nil
		})
		if err != nil && !errors.Is(err, errNotFound) {
			return err
		}
		s.groups = append(s.groups, g)
	}
	return nil
}

func reverse[T any](l []T) {
	for i, j := 0, len(l)-1; i < j; i, j = i+1, j-1 {
		l[i], l[j] = l[j], l[i]
	}
}

// requestConfig is an entitlement's integration_config in the form
// requests take: a digital_files answer lists its files, a request
// names their ids.
func requestConfig(typ string, cfg map[string]any) map[string]any {
	df, ok := cfg["digital_files"].(map[string]any)
	if typ != "digital_files" || !ok {
		return cfg
	}
	ids := []any{}
	files, _ := df["files"].([]any)
	for _, f := range files {
		if fm, ok := f.(map[string]any); ok {
			ids = append(ids, fm["file_id"])
		}
	}
	out := map[string]any{"digital_file_ids": ids}
	for _, k := range []string{"external_url", "instructions"} {
		if v, ok := df[k]; ok && v != nil {
			out[k] = v
		}
	}
	return out
}
