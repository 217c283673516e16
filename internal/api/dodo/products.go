package dodo

import (
	"encoding/json"
	"net/http"

	"github.com/pricebook/pricebook/internal/api/face"
	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/httpx"
	"github.com/pricebook/pricebook/internal/store"
)

func (a *API) createProduct(w http.ResponseWriter, r *http.Request) error {
	var in productIn
	if err := decodeInto(r, &in); err != nil {
		return err
	}
	var pr catalog.Problems
	p := newProduct(&pr, &in)
	if !pr.Empty() {
		p.Validate(&pr) // report every problem at once
		return pr.Err()
	}
	tn := face.Tenant(r)
	ctx, docs := store.WithDocuments(r.Context())
	if err := a.store.CreateProduct(ctx, tn, p); err != nil {
		return err
	}
	// The answer is the product as its event recorded it.
	if doc, ok := docs.Get("product", p.ID); ok {
		httpx.WriteDocument(w, http.StatusOK, doc)
		return nil
	}
	// p is now exactly what was stored; only its references need loading.
	refs, err := a.store.LoadProductRefs(r.Context(), tn, []*catalog.Product{p})
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, a.productResponse(p, refs))
}

func (a *API) getProduct(w http.ResponseWriter, r *http.Request) error {
	return a.reads.JSON(w, r, face.Tenant(r), r.PathValue("id"), func() (any, error) {
		return a.renderProduct(r, face.Tenant(r), r.PathValue("id"))
	})
}

// renderProduct renders a product as it is stored now, so references
// render from the referenced objects' current state.
func (a *API) renderProduct(r *http.Request, tn catalog.Tenant, id string) (any, error) {
	p, err := a.store.GetProduct(r.Context(), tn, id)
	if err != nil {
		return nil, err
	}
	refs, err := a.store.LoadProductRefs(r.Context(), tn, []*catalog.Product{p})
	if err != nil {
		return nil, err
	}
	return a.productResponse(p, refs), nil
}

func (a *API) listProducts(w http.ResponseWriter, r *http.Request) error {
	q := query{v: r.URL.Query()}
	f := catalog.ProductFilter{Page: q.page(), BrandID: q.str("brand_id"), Recurring: q.boolean("recurring")}
	if archived := q.boolean("archived"); archived != nil {
		f.Archived = *archived
	}
	if q.err != nil {
		return q.err
	}
	return a.reads.JSON(w, r, face.Tenant(r), "", func() (any, error) {
		var refs *store.ProductRefs
		items, err := listItems(f.Page, func() (catalog.List[*catalog.Product], error) {
			list, err := a.store.ListProducts(r.Context(), face.Tenant(r), f)
			if err == nil {
				// One look-up per referenced table for the whole page.
				refs, err = a.store.LoadProductRefs(r.Context(), face.Tenant(r), list.Items)
			}
			return list, err
		}, func(p *catalog.Product) productListItem { return a.productListItemOf(p, refs) })
		return listOut[productListItem]{Items: items}, err
	})
}

func (a *API) updateProduct(w http.ResponseWriter, r *http.Request) error {
	var in productIn
	present, err := decodeBody(r, &in)
	if err != nil {
		return err
	}
	var pr catalog.Problems
	u := newProductPatch(&pr, &in, present)
	if err := pr.Err(); err != nil {
		return err
	}
	if err := a.store.UpdateProduct(r.Context(), face.Tenant(r), r.PathValue("id"), u); err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusOK)
	return nil
}

func (a *API) archiveProduct(w http.ResponseWriter, r *http.Request) error {
	if err := a.store.ArchiveProduct(r.Context(), face.Tenant(r), r.PathValue("id")); err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusOK)
	return nil
}

func (a *API) unarchiveProduct(w http.ResponseWriter, r *http.Request) error {
	if err := a.store.UnarchiveProduct(r.Context(), face.Tenant(r), r.PathValue("id")); err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusOK)
	return nil
}

// newProduct maps a create body to a core product, recording missing
// required fields and shape problems.
func newProduct(pr *catalog.Problems, in *productIn) *catalog.Product {
	p := &catalog.Product{Metadata: catalog.Metadata{}}
	if in.Name == nil {
		pr.Add("name", "is required")
	} else {
		p.Name = *in.Name
	}
	if in.Price == nil {
		pr.Add("price", "is required")
	} else {
		p.Price = newPrice(pr, "price", in.Price)
	}
	if in.TaxCategory == nil {
		pr.Add("tax_category", "is required")
	} else {
		p.TaxCategory = *in.TaxCategory
	}
	p.Description = in.Description
	if in.Addons != nil {
		p.Addons = *in.Addons
	}
	if in.BrandID != nil {
		p.BrandID = *in.BrandID
	}
	if in.Metadata != nil {
		p.Metadata = *in.Metadata
	}
	p.PricingMode = in.PricingMode
	if in.ImageID != nil {
		pr.Add("image_id", "image %s does not exist", *in.ImageID)
	}
	if in.CreditEntitlements != nil {
		p.CreditEntitlements = newCreditGrants(pr, *in.CreditEntitlements)
	}
	if in.Entitlements != nil {
		p.Entitlements = newEntitlementRefs(pr, *in.Entitlements)
	}
	if d := in.DigitalProductDelivery; d != nil {
		if d.Files != nil && len(*d.Files) > 0 {
			pr.Add("digital_product_delivery.files", "file %s does not exist", (*d.Files)[0])
		}
		p.DigitalDelivery = &catalog.DigitalDelivery{ExternalURL: d.ExternalURL, Instructions: d.Instructions}
	}
	if in.LicenseKeyEnabled != nil {
		p.LicenseKeyEnabled = *in.LicenseKeyEnabled
	}
	p.LicenseKeyActivationMessage = in.LicenseKeyActivationMessage
	p.LicenseKeyActivationsLimit = in.LicenseKeyActivationsLimit
	if in.LicenseKeyDuration != nil {
		p.LicenseKeyDuration = newLicenseKeyDuration(pr, in.LicenseKeyDuration)
	}
	return p
}

// newProductPatch maps a PATCH body. A null leaves a field unchanged,
// except pricing_mode, where null clears (the documented tri-state).
func newProductPatch(pr *catalog.Problems, in *productIn, present map[string]json.RawMessage) *catalog.ProductPatch {
	u := &catalog.ProductPatch{
		Name:                        in.Name,
		Description:                 in.Description,
		TaxCategory:                 in.TaxCategory,
		Addons:                      in.Addons,
		BrandID:                     in.BrandID,
		Metadata:                    in.Metadata,
		LicenseKeyEnabled:           in.LicenseKeyEnabled,
		LicenseKeyActivationMessage: in.LicenseKeyActivationMessage,
		LicenseKeyActivationsLimit:  in.LicenseKeyActivationsLimit,
	}
	if in.Price != nil {
		price := newPrice(pr, "price", in.Price)
		u.Price = &price
	}
	if raw, ok := present["pricing_mode"]; ok {
		if isNull(raw) {
			u.PricingMode = catalog.Null[string]()
		} else {
			u.PricingMode = catalog.Some(*in.PricingMode)
		}
	}
	// The store checks that the image was uploaded for this product.
	u.ImageID = in.ImageID
	if in.CreditEntitlements != nil {
		g := newCreditGrants(pr, *in.CreditEntitlements)
		u.CreditEntitlements = &g
	}
	if in.Entitlements != nil {
		e := newEntitlementRefs(pr, *in.Entitlements)
		u.Entitlements = &e
	}
	if d := in.DigitalProductDelivery; d != nil {
		// The store checks that each new file was uploaded for this product.
		u.DigitalDelivery = &catalog.DigitalDeliveryPatch{ExternalURL: d.ExternalURL, Instructions: d.Instructions, Files: d.Files}
	}
	if in.LicenseKeyDuration != nil {
		u.LicenseKeyDuration = newLicenseKeyDuration(pr, in.LicenseKeyDuration)
	}
	return u
}

func newLicenseKeyDuration(pr *catalog.Problems, in *licenseKeyDurationIn) *catalog.LicenseKeyDuration {
	d := &catalog.LicenseKeyDuration{}
	if in.Count == nil {
		pr.Add("license_key_duration.count", "is required")
	} else {
		d.Count = *in.Count
	}
	if in.Interval == nil {
		pr.Add("license_key_duration.interval", "is required")
	} else {
		d.Interval = *in.Interval
	}
	return d
}

func newEntitlementRefs(pr *catalog.Problems, in []entitlementRef) []string {
	out := make([]string, len(in))
	for i, e := range in {
		if e.EntitlementID == nil {
			pr.Add(indexed("entitlements", i)+".entitlement_id", "is required")
			continue
		}
		out[i] = *e.EntitlementID
	}
	return out
}

func newCreditGrants(pr *catalog.Problems, in []creditGrantIn) []catalog.CreditGrant {
	out := make([]catalog.CreditGrant, len(in))
	for i, g := range in {
		path := indexed("credit_entitlements", i)
		if g.CreditEntitlementID == nil {
			pr.Add(path+".credit_entitlement_id", "is required")
		} else {
			out[i].CreditEntitlementID = *g.CreditEntitlementID
		}
		if g.CreditsAmount == nil {
			pr.Add(path+".credits_amount", "is required")
		} else {
			out[i].CreditsAmount = *g.CreditsAmount
		}
		out[i].ID = catalog.NewUUID()
		out[i].Currency = g.Currency
		out[i].ExpiresAfterDays = g.ExpiresAfterDays
		out[i].LowBalanceThresholdPercent = g.LowBalanceThresholdPercent
		out[i].MaxRolloverCount = g.MaxRolloverCount
		out[i].OverageBehavior = g.OverageBehavior
		out[i].OverageEnabled = g.OverageEnabled
		out[i].OverageLimit = g.OverageLimit
		out[i].PricePerUnit = g.PricePerUnit
		out[i].ProrationBehavior = g.ProrationBehavior
		out[i].RolloverEnabled = g.RolloverEnabled
		out[i].RolloverPercentage = g.RolloverPercentage
		out[i].RolloverTimeframeCount = g.RolloverTimeframeCount
		out[i].RolloverTimeframeInterval = g.RolloverTimeframeInterval
		out[i].TrialCredits = g.TrialCredits
		out[i].TrialCreditsExpireAfterTrial = g.TrialCreditsExpireAfterTrial
	}
	return out
}

// newPrice maps the Price union, recording the variant's missing fields.
func newPrice(pr *catalog.Problems, path string, in *priceIn) catalog.Price {
	var p catalog.Price
	if in.Type == nil {
		pr.Add(path+".type", "is required")
		return p
	}
	p.Type = *in.Type
	req := func(name string, set bool) bool {
		if !set {
			pr.Add(path+"."+name, "is required for %s", p.Type)
		}
		return set
	}
	if req("currency", in.Currency != nil) {
		p.Currency = *in.Currency
	}
	// discount_bps supersedes the deprecated whole-percent discount.
	switch {
	case in.DiscountBps != nil:
		p.DiscountBps = *in.DiscountBps
		p.Discount = (p.DiscountBps + 50) / 100
	case in.Discount != nil:
		p.Discount = *in.Discount
		p.DiscountBps = p.Discount * 100
	}
	if in.PurchasingPowerParity != nil {
		p.PurchasingPowerParity = *in.PurchasingPowerParity
	}
	p.TaxInclusive = in.TaxInclusive
	schedule := func() {
		if req("payment_frequency_count", in.PaymentFrequencyCount != nil) {
			p.PaymentFrequencyCount = *in.PaymentFrequencyCount
		}
		if req("payment_frequency_interval", in.PaymentFrequencyInterval != nil) {
			p.PaymentFrequencyInterval = *in.PaymentFrequencyInterval
		}
		if req("subscription_period_count", in.SubscriptionPeriodCount != nil) {
			p.SubscriptionPeriodCount = *in.SubscriptionPeriodCount
		}
		if req("subscription_period_interval", in.SubscriptionPeriodInterval != nil) {
			p.SubscriptionPeriodInterval = *in.SubscriptionPeriodInterval
		}
	}
	switch p.Type {
	case catalog.PriceOneTime:
		if req("price", in.Price != nil) {
			p.Price = *in.Price
		}
		if in.PayWhatYouWant != nil {
			p.PayWhatYouWant = *in.PayWhatYouWant
		}
		p.SuggestedPrice = in.SuggestedPrice
	case catalog.PriceRecurring:
		if req("price", in.Price != nil) {
			p.Price = *in.Price
		}
		schedule()
		if in.TrialPeriodDays != nil {
			p.TrialPeriodDays = *in.TrialPeriodDays
		}
		p.TrialAmount = in.TrialAmount
		p.TrialApplyDiscounts = in.TrialApplyDiscounts
		if in.TrialPaymentMethodOptional != nil {
			p.TrialPaymentMethodOptional = *in.TrialPaymentMethodOptional
		}
		if in.ZeroAmountPaymentMethodOptional != nil {
			p.ZeroAmountPaymentMethodOptional = *in.ZeroAmountPaymentMethodOptional
		}
	case catalog.PriceUsage:
		if req("fixed_price", in.FixedPrice != nil) {
			p.FixedPrice = *in.FixedPrice
		}
		schedule()
		if in.Meters != nil {
			p.Meters = make([]catalog.MeterPrice, len(*in.Meters))
			for i, m := range *in.Meters {
				if m.MeterID == nil {
					pr.Add(indexed(path+".meters", i)+".meter_id", "is required")
				} else {
					p.Meters[i].MeterID = *m.MeterID
				}
				p.Meters[i].PricePerUnit = m.PricePerUnit
				p.Meters[i].FreeThreshold = m.FreeThreshold
				p.Meters[i].CreditEntitlementID = m.CreditEntitlementID
				p.Meters[i].MeterUnitsPerCredit = m.MeterUnitsPerCredit
			}
		}
	}
	return p
}

// productResponse renders a product; references render from refs, the
// referenced objects as they are now.
func (a *API) productResponse(p *catalog.Product, refs *store.ProductRefs) productOut {
	out := productOut{
		Image:                       a.imageURL(p.ImageID),
		ProductID:                   p.ID,
		BusinessID:                  p.BusinessID,
		BrandID:                     p.BrandID,
		Name:                        &p.Name,
		Description:                 p.Description,
		CreatedAt:                   timestamp(p.CreatedAt),
		UpdatedAt:                   timestamp(p.UpdatedAt),
		IsRecurring:                 p.Price.IsRecurring(),
		TaxCategory:                 p.TaxCategory,
		Price:                       priceWithRefs(&p.Price, refs),
		Metadata:                    p.Metadata,
		Addons:                      p.Addons,
		CreditEntitlements:          creditMappings(p.CreditEntitlements, refs),
		Entitlements:                a.entitlementSummaries(p.Entitlements, refs),
		LicenseKeyEnabled:           p.LicenseKeyEnabled,
		LicenseKeyActivationMessage: p.LicenseKeyActivationMessage,
		LicenseKeyActivationsLimit:  p.LicenseKeyActivationsLimit,
		LicenseKeyDuration:          p.LicenseKeyDuration,
		PricingMode:                 p.PricingMode,
	}
	if p.CollectionID != "" {
		out.ProductCollectionID = &p.CollectionID
	}
	if d := p.DigitalDelivery; d != nil {
		out.DigitalProductDelivery = &deliveryOut{ExternalURL: d.ExternalURL, Instructions: d.Instructions, Files: a.filesOut(d.Files)}
	}
	return out
}

func (a *API) productListItemOf(p *catalog.Product, refs *store.ProductRefs) productListItem {
	return productListItem{
		Image:        a.imageURL(p.ImageID),
		ProductID:    p.ID,
		BusinessID:   p.BusinessID,
		Name:         &p.Name,
		Description:  p.Description,
		CreatedAt:    timestamp(p.CreatedAt),
		UpdatedAt:    timestamp(p.UpdatedAt),
		IsRecurring:  p.Price.IsRecurring(),
		TaxCategory:  p.TaxCategory,
		Metadata:     p.Metadata,
		Entitlements: a.entitlementSummaries(p.Entitlements, refs),
		Currency:     p.Price.Currency,
		Price:        p.Price.Headline(),
		PriceDetail:  priceWithRefs(&p.Price, refs),
		PricingMode:  p.PricingMode,
		TaxInclusive: p.Price.TaxInclusive,
	}
}

// priceWithRefs renders a price; a usage-based price's meters carry the
// name, description and unit of the meter in refs.
func priceWithRefs(p *catalog.Price, refs *store.ProductRefs) any {
	switch p.Type {
	case catalog.PriceRecurring:
		return recurringPriceOut{
			Type: p.Type, Currency: p.Currency, Price: p.Price, Discount: p.Discount, DiscountBps: p.DiscountBps,
			PurchasingPowerParity: p.PurchasingPowerParity, TaxInclusive: p.TaxInclusive,
			PaymentFrequencyCount: p.PaymentFrequencyCount, PaymentFrequencyInterval: p.PaymentFrequencyInterval,
			SubscriptionPeriodCount: p.SubscriptionPeriodCount, SubscriptionPeriodInterval: p.SubscriptionPeriodInterval,
			TrialPeriodDays: p.TrialPeriodDays, TrialAmount: p.TrialAmount, TrialApplyDiscounts: p.TrialApplyDiscounts,
			TrialPaymentMethodOptional:      p.TrialPaymentMethodOptional,
			ZeroAmountPaymentMethodOptional: p.ZeroAmountPaymentMethodOptional,
		}
	case catalog.PriceUsage:
		out := usagePriceOut{
			Type: p.Type, Currency: p.Currency, FixedPrice: p.FixedPrice, Discount: p.Discount, DiscountBps: p.DiscountBps,
			PurchasingPowerParity: p.PurchasingPowerParity, TaxInclusive: p.TaxInclusive,
			PaymentFrequencyCount: p.PaymentFrequencyCount, PaymentFrequencyInterval: p.PaymentFrequencyInterval,
			SubscriptionPeriodCount: p.SubscriptionPeriodCount, SubscriptionPeriodInterval: p.SubscriptionPeriodInterval,
		}
		if p.Meters != nil {
			out.Meters = make([]meterPriceOut, len(p.Meters))
			for i, m := range p.Meters {
				out.Meters[i] = meterPriceOut{MeterID: m.MeterID, PricePerUnit: m.PricePerUnit, FreeThreshold: m.FreeThreshold,
					CreditEntitlementID: m.CreditEntitlementID, MeterUnitsPerCredit: m.MeterUnitsPerCredit}
				if mt := meterRef(refs, m.MeterID); mt != nil {
					out.Meters[i].Name, out.Meters[i].Description = &mt.Name, mt.Description
					out.Meters[i].MeasurementUnit = &mt.MeasurementUnit
				}
			}
		}
		return out
	default:
		return oneTimePriceOut{
			Type: p.Type, Currency: p.Currency, Price: p.Price, Discount: p.Discount, DiscountBps: p.DiscountBps,
			PurchasingPowerParity: p.PurchasingPowerParity, PayWhatYouWant: p.PayWhatYouWant,
			SuggestedPrice: p.SuggestedPrice, TaxInclusive: p.TaxInclusive,
		}
	}
}

func indexed(path string, i int) string {
	return path + "[" + itoa(i) + "]"
}
