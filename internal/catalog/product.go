package catalog

import (
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// Price types.
const (
	PriceOneTime   = "one_time_price"
	PriceRecurring = "recurring_price"
	PriceUsage     = "usage_based_price"
)

// Product limits.
const (
	MaxNameLen               = 100
	MaxDescriptionLen        = 1000
	MaxCreditEntitlements    = 5
	MaxEntitlements          = 50
	MaxAddons                = 100
	MaxMeters                = 50
	MaxAmount                = math.MaxInt32
	MaxActivationMessageLen  = 2500
	PricePerUnitIntDigits    = 5
	PricePerUnitFracDigits   = 12
	creditAmountIntDigits    = 12
	creditAmountFracDigits   = 12
	maxTrialPeriodDays       = 10000
	maxFrequencyOrPeriodUnit = 1000
)

// Price is the price of a product: one of three variants chosen by Type.
// Fields that do not belong to the variant are zero.
type Price struct {
	Type                  string
	Currency              string
	Discount              int64 // whole percent, derived from DiscountBps
	DiscountBps           int64 // basis points
	PurchasingPowerParity bool
	TaxInclusive          *bool

	// One-time and recurring.
	Price int64
	// One-time only.
	PayWhatYouWant bool
	SuggestedPrice *int64

	// Recurring and usage-based.
	PaymentFrequencyCount      int64
	PaymentFrequencyInterval   string
	SubscriptionPeriodCount    int64
	SubscriptionPeriodInterval string

	// Recurring only.
	TrialPeriodDays                 int64
	TrialAmount                     *int64
	TrialApplyDiscounts             *bool
	TrialPaymentMethodOptional      bool
	ZeroAmountPaymentMethodOptional bool

	// Usage-based only.
	FixedPrice int64
	// Meters is nil when the client sent none or null.
	Meters []MeterPrice
}

// MeterPrice attaches a meter to a usage-based price.
type MeterPrice struct {
	MeterID             string
	PricePerUnit        *string
	FreeThreshold       *int64
	CreditEntitlementID *string
	MeterUnitsPerCredit *string
}

// IsRecurring reports whether the price bills on a schedule.
func (p *Price) IsRecurring() bool { return p.Type == PriceRecurring || p.Type == PriceUsage }

// Headline is the single amount shown for a price in lists: the price, or
// the fixed fee of a usage-based price.
func (p *Price) Headline() int64 {
	if p.Type == PriceUsage {
		return p.FixedPrice
	}
	return p.Price
}

// LicenseKeyDuration is how long a license key stays valid.
type LicenseKeyDuration struct {
	Count    int64  `json:"count"`
	Interval string `json:"interval"`
}

// DigitalDelivery is the deprecated digital-delivery setting of a product.
type DigitalDelivery struct {
	ExternalURL  *string
	Instructions *string
	// Files are the files uploaded for the product (PUT /products/{id}/files)
	// that a PATCH attached, in its order.
	Files []FileRef
}

// MaxProductFiles caps the files of one product's digital delivery.
const MaxProductFiles = 100

// CreditGrant attaches a credit entitlement to a product. Fields left nil
// fall back to the credit entitlement's own settings.
type CreditGrant struct {
	ID                           string
	CreditEntitlementID          string
	CreditsAmount                string
	Currency                     *string
	ExpiresAfterDays             *int64
	LowBalanceThresholdPercent   *int64
	MaxRolloverCount             *int64
	OverageBehavior              *string
	OverageEnabled               *bool
	OverageLimit                 *string
	PricePerUnit                 *string
	ProrationBehavior            *string
	RolloverEnabled              *bool
	RolloverPercentage           *int64
	RolloverTimeframeCount       *int64
	RolloverTimeframeInterval    *string
	TrialCredits                 *string
	TrialCreditsExpireAfterTrial *bool
}

// Product is a catalog product. Its stored form is the store's own
// document type (store/docs.go), not this struct.
type Product struct {
	ID         string
	BusinessID string
	BrandID    string
	Archived   bool
	CreatedAt  time.Time
	UpdatedAt  time.Time
	// CollectionID is the collection the product belongs to, if any; it is
	// derived from memberships, never stored on the product.
	CollectionID string

	Name                        string
	Description                 *string
	TaxCategory                 string
	Price                       Price
	Metadata                    Metadata
	Addons                      []string // nil = null
	ImageID                     *string
	PricingMode                 *string
	LicenseKeyEnabled           bool
	LicenseKeyActivationMessage *string
	LicenseKeyActivationsLimit  *int64
	LicenseKeyDuration          *LicenseKeyDuration
	DigitalDelivery             *DigitalDelivery
	CreditEntitlements          []CreditGrant
	Entitlements                []string
}

// Normalize fills derived fields: the percent discount from basis points.
func (p *Price) Normalize() {
	p.Discount = (p.DiscountBps + 50) / 100
}

// Validate checks every field rule that needs no database, recording all
// problems with their JSON paths.
func (p *Product) Validate(pr *Problems) {
	checkText(pr, "name", p.Name, 1, MaxNameLen)
	if p.Description != nil {
		checkText(pr, "description", *p.Description, 0, MaxDescriptionLen)
	}
	if !TaxCategories.Has(p.TaxCategory) {
		pr.Add("tax_category", "must be one of %s", TaxCategories)
	}
	p.Price.Validate(pr, "price")
	ValidateMetadata(pr, "metadata", p.Metadata)
	if p.PricingMode != nil && !PricingModes.Has(*p.PricingMode) {
		pr.Add("pricing_mode", "must be one of %s", PricingModes)
	}
	if p.LicenseKeyActivationsLimit != nil && *p.LicenseKeyActivationsLimit < 0 {
		pr.Add("license_key_activations_limit", "must be 0 or greater")
	}
	if p.LicenseKeyActivationMessage != nil {
		checkText(pr, "license_key_activation_message", *p.LicenseKeyActivationMessage, 0, MaxActivationMessageLen)
	}
	if d := p.LicenseKeyDuration; d != nil {
		if d.Count < 1 || d.Count > maxFrequencyOrPeriodUnit {
			pr.Add("license_key_duration.count", "must be between 1 and %d", maxFrequencyOrPeriodUnit)
		}
		if !TimeIntervals.Has(d.Interval) {
			pr.Add("license_key_duration.interval", "must be one of %s", TimeIntervals)
		}
	}
	if len(p.Addons) > MaxAddons {
		pr.Add("addons", "at most %d addons are allowed", MaxAddons)
	}
	if dup := firstDuplicate(p.Addons); dup != "" {
		pr.AddReason(DuplicateAddon, "addons", "addon %s is listed more than once", dup)
	}
	if len(p.CreditEntitlements) > MaxCreditEntitlements {
		pr.Add("credit_entitlements", "at most %d credit entitlements are allowed, got %d", MaxCreditEntitlements, len(p.CreditEntitlements))
	}
	ceIDs := make([]string, len(p.CreditEntitlements))
	for i := range p.CreditEntitlements {
		ceIDs[i] = p.CreditEntitlements[i].CreditEntitlementID
		p.CreditEntitlements[i].validate(pr, indexPath("credit_entitlements", i))
	}
	if dup := firstDuplicate(ceIDs); dup != "" {
		pr.Add("credit_entitlements", "credit entitlement %s is listed more than once", dup)
	}
	if len(p.Entitlements) > MaxEntitlements {
		pr.Add("entitlements", "at most %d entitlements are allowed, got %d", MaxEntitlements, len(p.Entitlements))
	}
	if dup := firstDuplicate(p.Entitlements); dup != "" {
		pr.Add("entitlements", "entitlement %s is listed more than once", dup)
	}
}

// Validate checks a price at path.
func (p *Price) Validate(pr *Problems, path string) {
	switch p.Type {
	case PriceOneTime, PriceRecurring, PriceUsage:
	default:
		pr.Add(path+".type", "must be one of one_time_price, recurring_price, usage_based_price")
		return
	}
	if !Currencies.Has(p.Currency) {
		pr.Add(path+".currency", "must be %s", Currencies)
	}
	if p.Discount < 0 || p.Discount > 100 {
		pr.Add(path+".discount", "must be between 0 and 100")
	}
	if p.DiscountBps < 0 || p.DiscountBps > 10000 {
		pr.Add(path+".discount_bps", "must be between 0 and 10000")
	}
	switch p.Type {
	case PriceOneTime:
		checkAmount(pr, path+".price", p.Price)
		if p.SuggestedPrice != nil {
			checkAmount(pr, path+".suggested_price", *p.SuggestedPrice)
			if p.PayWhatYouWant && *p.SuggestedPrice < p.Price {
				pr.AddReason(SuggestedPriceBelowPrice, path+".suggested_price", "must not be less than price (%d)", p.Price)
			}
		}
	case PriceRecurring:
		checkAmount(pr, path+".price", p.Price)
		p.checkSchedule(pr, path)
		if p.TrialPeriodDays < 0 || p.TrialPeriodDays > maxTrialPeriodDays {
			pr.Add(path+".trial_period_days", "must be between 0 and %d", maxTrialPeriodDays)
		}
		if p.TrialAmount != nil {
			checkAmount(pr, path+".trial_amount", *p.TrialAmount)
			if p.TrialPeriodDays == 0 {
				pr.Add(path+".trial_amount", "needs trial_period_days greater than 0")
			}
		}
	case PriceUsage:
		checkAmount(pr, path+".fixed_price", p.FixedPrice)
		p.checkSchedule(pr, path)
		if len(p.Meters) > MaxMeters {
			pr.Add(path+".meters", "at most %d meters are allowed", MaxMeters)
		}
		ids := make([]string, len(p.Meters))
		for i, m := range p.Meters {
			ids[i] = m.MeterID
			m.validate(pr, indexPath(path+".meters", i))
		}
		if dup := firstDuplicate(ids); dup != "" {
			pr.AddReason(DuplicateMeter, path+".meters", "meter %s is listed more than once", dup)
		}
	}
}

func (p *Price) checkSchedule(pr *Problems, path string) {
	if p.PaymentFrequencyCount < 1 || p.PaymentFrequencyCount > maxFrequencyOrPeriodUnit {
		pr.Add(path+".payment_frequency_count", "must be between 1 and %d", maxFrequencyOrPeriodUnit)
	}
	if !TimeIntervals.Has(p.PaymentFrequencyInterval) {
		pr.Add(path+".payment_frequency_interval", "must be one of %s", TimeIntervals)
	}
	if p.SubscriptionPeriodCount < 1 || p.SubscriptionPeriodCount > maxFrequencyOrPeriodUnit {
		pr.Add(path+".subscription_period_count", "must be between 1 and %d", maxFrequencyOrPeriodUnit)
	}
	if !TimeIntervals.Has(p.SubscriptionPeriodInterval) {
		pr.Add(path+".subscription_period_interval", "must be one of %s", TimeIntervals)
	}
}

func (m *MeterPrice) validate(pr *Problems, path string) {
	if m.MeterID == "" {
		pr.Add(path+".meter_id", "is required")
	}
	if m.PricePerUnit != nil {
		CheckPositiveDecimal(pr, path+".price_per_unit", *m.PricePerUnit, PricePerUnitIntDigits, PricePerUnitFracDigits)
	}
	if m.FreeThreshold != nil && *m.FreeThreshold < 0 {
		pr.Add(path+".free_threshold", "must be 0 or greater")
	}
	if m.MeterUnitsPerCredit != nil {
		CheckPositiveDecimal(pr, path+".meter_units_per_credit", *m.MeterUnitsPerCredit, creditAmountIntDigits, creditAmountFracDigits)
	}
	if m.CreditEntitlementID != nil && m.MeterUnitsPerCredit == nil {
		pr.Add(path+".meter_units_per_credit", "is required when credit_entitlement_id is set")
	}
}

func (g *CreditGrant) validate(pr *Problems, path string) {
	if g.CreditEntitlementID == "" {
		pr.Add(path+".credit_entitlement_id", "is required")
	}
	CheckPositiveDecimal(pr, path+".credits_amount", g.CreditsAmount, creditAmountIntDigits, creditAmountFracDigits)
	for _, d := range []struct {
		name string
		v    *string
	}{{"overage_limit", g.OverageLimit}, {"price_per_unit", g.PricePerUnit}, {"trial_credits", g.TrialCredits}} {
		if d.v != nil {
			if ok, _ := CheckDecimal(*d.v, creditAmountIntDigits, creditAmountFracDigits); !ok {
				pr.Add(path+"."+d.name, "must be a decimal string with at most %d integer and %d fraction digits", creditAmountIntDigits, creditAmountFracDigits)
			}
		}
	}
	if g.Currency != nil && !Currencies.Has(*g.Currency) {
		pr.Add(path+".currency", "must be %s", Currencies)
	}
	for _, d := range []struct {
		name string
		v    *int64
	}{{"low_balance_threshold_percent", g.LowBalanceThresholdPercent}, {"rollover_percentage", g.RolloverPercentage}} {
		if d.v != nil && (*d.v < 0 || *d.v > 100) {
			pr.Add(path+"."+d.name, "must be between 0 and 100")
		}
	}
	for _, d := range []struct {
		name string
		v    *int64
	}{{"expires_after_days", g.ExpiresAfterDays}, {"max_rollover_count", g.MaxRolloverCount}, {"rollover_timeframe_count", g.RolloverTimeframeCount}} {
		if d.v != nil && *d.v < 0 {
			pr.Add(path+"."+d.name, "must be 0 or greater")
		}
	}
	if g.OverageBehavior != nil && !CreditOverageBehaviors.Has(*g.OverageBehavior) {
		pr.Add(path+".overage_behavior", "must be one of %s", CreditOverageBehaviors)
	}
	if g.ProrationBehavior != nil && !CreditProrationBehaviors.Has(*g.ProrationBehavior) {
		pr.Add(path+".proration_behavior", "must be one of %s", CreditProrationBehaviors)
	}
	if g.RolloverTimeframeInterval != nil && !TimeIntervals.Has(*g.RolloverTimeframeInterval) {
		pr.Add(path+".rollover_timeframe_interval", "must be one of %s", TimeIntervals)
	}
}

// CheckPositiveDecimal records a problem unless s is a decimal string
// greater than zero within the digit limits.
func CheckPositiveDecimal(pr *Problems, path, s string, intDigits, fracDigits int) {
	ok, positive := CheckDecimal(s, intDigits, fracDigits)
	switch {
	case !ok:
		pr.Add(path, "must be a decimal string with at most %d integer and %d fraction digits, like \"10.50\"", intDigits, fracDigits)
	case !positive:
		pr.Add(path, "must be greater than 0")
	}
}

func checkAmount(pr *Problems, path string, v int64) {
	if v < 0 || v > MaxAmount {
		pr.Add(path, "must be between 0 and %d (smallest currency unit)", MaxAmount)
	}
}

func checkText(pr *Problems, path, s string, min, max int) {
	n := utf8.RuneCountInString(s)
	switch {
	case !utf8.ValidString(s):
		pr.Add(path, "must be valid UTF-8")
	case n < min && min == 1:
		pr.Add(path, "must not be empty")
	case n > max:
		pr.Add(path, "must be at most %d characters, got %d", max, n)
	}
}

// CheckText is checkText for other packages' resources.
func CheckText(pr *Problems, path, s string, min, max int) { checkText(pr, path, s, min, max) }

func indexPath(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}

func firstDuplicate(ids []string) string {
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if seen[id] {
			return id
		}
		seen[id] = true
	}
	return ""
}
