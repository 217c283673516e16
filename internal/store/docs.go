package store

import "github.com/pricebook/pricebook/internal/catalog"

// Stored documents have types of their own, apart from the domain's: their
// JSON names are the storage schema, so renaming a domain field never
// changes what old rows mean. A document's shape never changes in place:
// a new shape is a new version, read beside the old one. The golden files
// in testdata/ pin every version (TestStoredDocsAreStable).

// productDoc is version 1 of products.doc: everything of a product that
// has no column of its own. Zero values are left out (omitzero: a fifth
// of the bytes and of the decoding time).
type productDoc struct {
	Name                        string                 `json:"name,omitzero"`
	Description                 *string                `json:"description,omitzero"`
	TaxCategory                 string                 `json:"tax_category,omitzero"`
	Price                       priceDoc               `json:"price,omitzero"`
	Metadata                    catalog.Metadata       `json:"metadata,omitzero"`
	Addons                      []string               `json:"addons,omitzero"`
	ImageID                     *string                `json:"image_id,omitzero"`
	PricingMode                 *string                `json:"pricing_mode,omitzero"`
	LicenseKeyEnabled           bool                   `json:"license_key_enabled,omitzero"`
	LicenseKeyActivationMessage *string                `json:"license_key_activation_message,omitzero"`
	LicenseKeyActivationsLimit  *int64                 `json:"license_key_activations_limit,omitzero"`
	LicenseKeyDuration          *licenseKeyDurationDoc `json:"license_key_duration,omitzero"`
	DigitalDelivery             *digitalDeliveryDoc    `json:"digital_product_delivery,omitzero"`
	CreditEntitlements          []creditGrantDoc       `json:"credit_entitlements,omitzero"`
	Entitlements                []string               `json:"entitlements,omitzero"`
}

// priceDoc is a product's price inside productDoc.
type priceDoc struct {
	Type                            string          `json:"type,omitzero"`
	Currency                        string          `json:"currency,omitzero"`
	Discount                        int64           `json:"discount,omitzero"`
	DiscountBps                     int64           `json:"discount_bps,omitzero"`
	PurchasingPowerParity           bool            `json:"purchasing_power_parity,omitzero"`
	TaxInclusive                    *bool           `json:"tax_inclusive,omitzero"`
	Price                           int64           `json:"price,omitzero"`
	PayWhatYouWant                  bool            `json:"pay_what_you_want,omitzero"`
	SuggestedPrice                  *int64          `json:"suggested_price,omitzero"`
	PaymentFrequencyCount           int64           `json:"payment_frequency_count,omitzero"`
	PaymentFrequencyInterval        string          `json:"payment_frequency_interval,omitzero"`
	SubscriptionPeriodCount         int64           `json:"subscription_period_count,omitzero"`
	SubscriptionPeriodInterval      string          `json:"subscription_period_interval,omitzero"`
	TrialPeriodDays                 int64           `json:"trial_period_days,omitzero"`
	TrialAmount                     *int64          `json:"trial_amount,omitzero"`
	TrialApplyDiscounts             *bool           `json:"trial_apply_discounts,omitzero"`
	TrialPaymentMethodOptional      bool            `json:"trial_payment_method_optional,omitzero"`
	ZeroAmountPaymentMethodOptional bool            `json:"zero_amount_payment_method_optional,omitzero"`
	FixedPrice                      int64           `json:"fixed_price,omitzero"`
	Meters                          []meterPriceDoc `json:"meters,omitzero"`
}

// meterPriceDoc is one meter of a usage-based price.
type meterPriceDoc struct {
	MeterID             string  `json:"meter_id,omitzero"`
	PricePerUnit        *string `json:"price_per_unit,omitzero"`
	FreeThreshold       *int64  `json:"free_threshold,omitzero"`
	CreditEntitlementID *string `json:"credit_entitlement_id,omitzero"`
	MeterUnitsPerCredit *string `json:"meter_units_per_credit,omitzero"`
}

// licenseKeyDurationDoc is a product's license key duration.
type licenseKeyDurationDoc struct {
	Count    int64  `json:"count"`
	Interval string `json:"interval"`
}

// digitalDeliveryDoc is a product's deprecated digital delivery.
type digitalDeliveryDoc struct {
	ExternalURL  *string           `json:"external_url"`
	Instructions *string           `json:"instructions"`
	Files        []catalog.FileRef `json:"files,omitempty"`
}

// creditGrantDoc is one credit entitlement grant of a product.
type creditGrantDoc struct {
	ID                           string  `json:"id,omitzero"`
	CreditEntitlementID          string  `json:"credit_entitlement_id,omitzero"`
	CreditsAmount                string  `json:"credits_amount,omitzero"`
	Currency                     *string `json:"currency,omitzero"`
	ExpiresAfterDays             *int64  `json:"expires_after_days,omitzero"`
	LowBalanceThresholdPercent   *int64  `json:"low_balance_threshold_percent,omitzero"`
	MaxRolloverCount             *int64  `json:"max_rollover_count,omitzero"`
	OverageBehavior              *string `json:"overage_behavior,omitzero"`
	OverageEnabled               *bool   `json:"overage_enabled,omitzero"`
	OverageLimit                 *string `json:"overage_limit,omitzero"`
	PricePerUnit                 *string `json:"price_per_unit,omitzero"`
	ProrationBehavior            *string `json:"proration_behavior,omitzero"`
	RolloverEnabled              *bool   `json:"rollover_enabled,omitzero"`
	RolloverPercentage           *int64  `json:"rollover_percentage,omitzero"`
	RolloverTimeframeCount       *int64  `json:"rollover_timeframe_count,omitzero"`
	RolloverTimeframeInterval    *string `json:"rollover_timeframe_interval,omitzero"`
	TrialCredits                 *string `json:"trial_credits,omitzero"`
	TrialCreditsExpireAfterTrial *bool   `json:"trial_credits_expire_after_trial,omitzero"`
}

// productDocOf returns the stored document of p.
func productDocOf(p *catalog.Product) productDoc {
	var d productDoc
	d.Name = p.Name
	d.Description = p.Description
	d.TaxCategory = p.TaxCategory
	d.Price = priceDocOf(p.Price)
	d.Metadata = p.Metadata
	d.Addons = p.Addons
	d.ImageID = p.ImageID
	d.PricingMode = p.PricingMode
	d.LicenseKeyEnabled = p.LicenseKeyEnabled
	d.LicenseKeyActivationMessage = p.LicenseKeyActivationMessage
	d.LicenseKeyActivationsLimit = p.LicenseKeyActivationsLimit
	d.LicenseKeyDuration = (*licenseKeyDurationDoc)(p.LicenseKeyDuration)
	d.DigitalDelivery = (*digitalDeliveryDoc)(p.DigitalDelivery)
	d.CreditEntitlements = mapSlice(p.CreditEntitlements, func(g catalog.CreditGrant) creditGrantDoc { return creditGrantDoc(g) })
	d.Entitlements = p.Entitlements
	return d
}

// applyTo sets the document's fields of p.
func (d *productDoc) applyTo(p *catalog.Product) {
	p.Name = d.Name
	p.Description = d.Description
	p.TaxCategory = d.TaxCategory
	p.Price = priceFrom(d.Price)
	p.Metadata = d.Metadata
	p.Addons = d.Addons
	p.ImageID = d.ImageID
	p.PricingMode = d.PricingMode
	p.LicenseKeyEnabled = d.LicenseKeyEnabled
	p.LicenseKeyActivationMessage = d.LicenseKeyActivationMessage
	p.LicenseKeyActivationsLimit = d.LicenseKeyActivationsLimit
	p.LicenseKeyDuration = (*catalog.LicenseKeyDuration)(d.LicenseKeyDuration)
	p.DigitalDelivery = (*catalog.DigitalDelivery)(d.DigitalDelivery)
	p.CreditEntitlements = mapSlice(d.CreditEntitlements, func(g creditGrantDoc) catalog.CreditGrant { return catalog.CreditGrant(g) })
	p.Entitlements = d.Entitlements
}

func priceDocOf(p catalog.Price) priceDoc {
	var d priceDoc
	d.Type = p.Type
	d.Currency = p.Currency
	d.Discount = p.Discount
	d.DiscountBps = p.DiscountBps
	d.PurchasingPowerParity = p.PurchasingPowerParity
	d.TaxInclusive = p.TaxInclusive
	d.Price = p.Price
	d.PayWhatYouWant = p.PayWhatYouWant
	d.SuggestedPrice = p.SuggestedPrice
	d.PaymentFrequencyCount = p.PaymentFrequencyCount
	d.PaymentFrequencyInterval = p.PaymentFrequencyInterval
	d.SubscriptionPeriodCount = p.SubscriptionPeriodCount
	d.SubscriptionPeriodInterval = p.SubscriptionPeriodInterval
	d.TrialPeriodDays = p.TrialPeriodDays
	d.TrialAmount = p.TrialAmount
	d.TrialApplyDiscounts = p.TrialApplyDiscounts
	d.TrialPaymentMethodOptional = p.TrialPaymentMethodOptional
	d.ZeroAmountPaymentMethodOptional = p.ZeroAmountPaymentMethodOptional
	d.FixedPrice = p.FixedPrice
	d.Meters = mapSlice(p.Meters, func(m catalog.MeterPrice) meterPriceDoc { return meterPriceDoc(m) })
	return d
}

func priceFrom(d priceDoc) catalog.Price {
	var p catalog.Price
	p.Type = d.Type
	p.Currency = d.Currency
	p.Discount = d.Discount
	p.DiscountBps = d.DiscountBps
	p.PurchasingPowerParity = d.PurchasingPowerParity
	p.TaxInclusive = d.TaxInclusive
	p.Price = d.Price
	p.PayWhatYouWant = d.PayWhatYouWant
	p.SuggestedPrice = d.SuggestedPrice
	p.PaymentFrequencyCount = d.PaymentFrequencyCount
	p.PaymentFrequencyInterval = d.PaymentFrequencyInterval
	p.SubscriptionPeriodCount = d.SubscriptionPeriodCount
	p.SubscriptionPeriodInterval = d.SubscriptionPeriodInterval
	p.TrialPeriodDays = d.TrialPeriodDays
	p.TrialAmount = d.TrialAmount
	p.TrialApplyDiscounts = d.TrialApplyDiscounts
	p.TrialPaymentMethodOptional = d.TrialPaymentMethodOptional
	p.ZeroAmountPaymentMethodOptional = d.ZeroAmountPaymentMethodOptional
	p.FixedPrice = d.FixedPrice
	p.Meters = mapSlice(d.Meters, func(m meterPriceDoc) catalog.MeterPrice { return catalog.MeterPrice(m) })
	return p
}

// mapSlice converts each element of a slice with f, keeping nil nil.
func mapSlice[From, To any](in []From, f func(From) To) []To {
	if in == nil {
		return nil
	}
	out := make([]To, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}
