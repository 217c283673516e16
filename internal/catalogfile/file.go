// Package catalogfile is catalog as code: one file declares a partition's
// catalog on both faces, Plan diffs it against a running server and Apply
// converges the server to it. It talks to a server only through the two
// public vendor APIs (the Dodo Payments catalog API and ChartMogul's), so
// it imports nothing of the store: what it does, any wire-compatible
// server would allow.
//
// Objects refer to each other by keys chosen in the file. Where the vendor
// API has a place for a key, apply stores it there (metadata, a plan's
// external_id); elsewhere the object's unique name is its identity. The
// mapping per kind is the README's table and Kinds.
package catalogfile

// File is the whole file. Slices and maps left out (nil) are not managed:
// apply leaves the server's as they are; an empty list ([]) is managed and
// means none. The same holds for every optional scalar field: a field the
// file leaves out is whatever the server has.
type File struct {
	// Version is the file format's version, 1.
	Version int `json:"version,omitempty" doc:"file format version (1)"`
	// Key fixes the test-mode API key serve --seed applies the file with
	// (and creates, with its business, when absent). Never a live key.
	Key                string              `json:"key,omitempty" doc:"serve --seed only: the test-mode API key (pb_test_...) of the seeded partition, created when absent" pattern:"^pb_test_[0-9A-Za-z]{16}_[0-9A-Za-z]{32}$"`
	Brands             []Brand             `json:"brands" doc:"brands other than the primary one (whose key is always primary)"`
	CreditEntitlements []CreditEntitlement `json:"credit_entitlements"`
	Meters             []Meter             `json:"meters"`
	Entitlements       []Entitlement       `json:"entitlements"`
	Addons             []Addon             `json:"addons"`
	Products           []Product           `json:"products"`
	Discounts          []Discount          `json:"discounts"`
	Collections        []Collection        `json:"collections"`
	ChartMogul         *ChartMogul         `json:"chartmogul,omitempty" doc:"the ChartMogul side: a data source, its plans and plan groups"`

	// name and src are where Load read the file, for the positions of
	// what a plan refuses.
	name string
	src  []byte
}

// Brand is a brand; its name is its identity (the API has no metadata).
type Brand struct {
	Key                 string  `json:"key" required:"true"`
	Name                string  `json:"name" required:"true"`
	Description         *string `json:"description,omitempty"`
	StatementDescriptor *string `json:"statement_descriptor,omitempty"`
	SupportEmail        *string `json:"support_email,omitempty"`
	URL                 *string `json:"url,omitempty"`
}

// CreditEntitlement is a credit entitlement; its name is unique in the API
// and its identity.
type CreditEntitlement struct {
	Key                       string  `json:"key" required:"true"`
	Name                      string  `json:"name" required:"true"`
	Unit                      string  `json:"unit" required:"true"`
	Precision                 *int64  `json:"precision,omitempty" doc:"cannot change once created"`
	RolloverEnabled           *bool   `json:"rollover_enabled,omitempty"`
	OverageEnabled            *bool   `json:"overage_enabled,omitempty"`
	Description               *string `json:"description,omitempty"`
	ExpiresAfterDays          *int64  `json:"expires_after_days,omitempty"`
	RolloverPercentage        *int64  `json:"rollover_percentage,omitempty"`
	RolloverTimeframeCount    *int64  `json:"rollover_timeframe_count,omitempty"`
	RolloverTimeframeInterval *string `json:"rollover_timeframe_interval,omitempty" enum:"Day|Week|Month|Year"`
	MaxRolloverCount          *int64  `json:"max_rollover_count,omitempty"`
	OverageBehavior           *string `json:"overage_behavior,omitempty" enum:"forgive_at_reset|invoice_at_billing|carry_deficit|carry_deficit_auto_repay"`
	OverageLimit              *int64  `json:"overage_limit,omitempty"`
	Currency                  *string `json:"currency,omitempty"`
	PricePerUnit              *string `json:"price_per_unit,omitempty" doc:"a decimal string"`
}

// Meter is a meter; its name is its identity. The API cannot change a
// meter, so a changed field is an error of the plan.
type Meter struct {
	Key             string      `json:"key" required:"true"`
	Name            string      `json:"name" required:"true"`
	EventName       string      `json:"event_name" required:"true"`
	MeasurementUnit string      `json:"measurement_unit" required:"true"`
	Aggregation     Aggregation `json:"aggregation" required:"true"`
	Description     *string     `json:"description,omitempty"`
	Filter          any         `json:"filter,omitempty" doc:"a MeterFilter as the API takes it"`
}

// Aggregation is a meter's aggregation.
type Aggregation struct {
	Type string  `json:"type" required:"true" enum:"count|sum|max|last"`
	Key  *string `json:"key,omitempty"`
}

// Entitlement is an entitlement; its key is kept in its metadata.
type Entitlement struct {
	Key               string         `json:"key" required:"true"`
	Name              string         `json:"name" required:"true"`
	IntegrationType   string         `json:"integration_type" required:"true" enum:"discord|telegram|github|figma|framer|notion|digital_files|license_key|feature_flag"`
	IntegrationConfig map[string]any `json:"integration_config" required:"true"`
	Description       *string        `json:"description,omitempty"`
	Metadata          map[string]any `json:"metadata"`
}

// Addon is an addon; its name is its identity (the API has no metadata,
// and no archive: prune leaves addons).
type Addon struct {
	Key         string  `json:"key" required:"true"`
	Name        string  `json:"name" required:"true"`
	Price       int64   `json:"price"`
	Currency    string  `json:"currency" required:"true"`
	TaxCategory string  `json:"tax_category" required:"true" enum:"digital_products|saas|e_book|edtech|live_tutoring"`
	Description *string `json:"description,omitempty"`
}

// Product is a product with its price and localized prices; its key is
// kept in its metadata.
type Product struct {
	Key                string           `json:"key" required:"true"`
	Name               string           `json:"name" required:"true"`
	TaxCategory        string           `json:"tax_category" required:"true" enum:"digital_products|saas|e_book|edtech|live_tutoring"`
	Price              Price            `json:"price" required:"true"`
	Description        *string          `json:"description,omitempty"`
	Brand              *string          `json:"brand,omitempty" doc:"a brand's key; primary is the primary brand"`
	Addons             []string         `json:"addons" doc:"addon keys"`
	Entitlements       []string         `json:"entitlements" doc:"entitlement keys"`
	CreditEntitlements []ProductCredit  `json:"credit_entitlements"`
	Metadata           map[string]any   `json:"metadata"`
	PricingMode        *string          `json:"pricing_mode,omitempty" enum:"by_currency|by_country"`
	LocalizedPrices    []LocalizedPrice `json:"localized_prices"`
	// ChartMogul is "plan" to keep a ChartMogul plan for the product,
	// "none" for none (over the file-wide default).
	ChartMogul *string `json:"chartmogul,omitempty" enum:"plan|none" doc:"plan: keep a ChartMogul plan for this product (external_id its key; name and interval from the price)"`
}

// Price is the Dodo price union, told apart by Type.
type Price struct {
	Type                       string       `json:"type" required:"true" enum:"one_time_price|recurring_price|usage_based_price"`
	Currency                   string       `json:"currency" required:"true"`
	Price                      *int64       `json:"price,omitempty" doc:"one_time_price and recurring_price: the amount in minor units"`
	FixedPrice                 *int64       `json:"fixed_price,omitempty" doc:"usage_based_price: the fixed fee in minor units"`
	DiscountBps                *int64       `json:"discount_bps,omitempty"`
	PurchasingPowerParity      *bool        `json:"purchasing_power_parity,omitempty"`
	TaxInclusive               *bool        `json:"tax_inclusive,omitempty"`
	PayWhatYouWant             *bool        `json:"pay_what_you_want,omitempty"`
	SuggestedPrice             *int64       `json:"suggested_price,omitempty"`
	PaymentFrequencyCount      *int64       `json:"payment_frequency_count,omitempty"`
	PaymentFrequencyInterval   *string      `json:"payment_frequency_interval,omitempty" enum:"Day|Week|Month|Year"`
	SubscriptionPeriodCount    *int64       `json:"subscription_period_count,omitempty"`
	SubscriptionPeriodInterval *string      `json:"subscription_period_interval,omitempty" enum:"Day|Week|Month|Year"`
	TrialPeriodDays            *int64       `json:"trial_period_days,omitempty"`
	TrialAmount                *int64       `json:"trial_amount,omitempty"`
	TrialApplyDiscounts        *bool        `json:"trial_apply_discounts,omitempty"`
	Meters                     []PriceMeter `json:"meters"`
}

// PriceMeter is a meter of a usage-based price.
type PriceMeter struct {
	Meter               string  `json:"meter" required:"true" doc:"a meter's key"`
	PricePerUnit        *string `json:"price_per_unit,omitempty"`
	FreeThreshold       *int64  `json:"free_threshold,omitempty"`
	CreditEntitlement   *string `json:"credit_entitlement,omitempty" doc:"a credit entitlement's key"`
	MeterUnitsPerCredit *string `json:"meter_units_per_credit,omitempty"`
}

// ProductCredit is a credit entitlement granted by a product.
type ProductCredit struct {
	CreditEntitlement            string  `json:"credit_entitlement" required:"true" doc:"a credit entitlement's key"`
	CreditsAmount                string  `json:"credits_amount" required:"true"`
	Currency                     *string `json:"currency,omitempty"`
	ExpiresAfterDays             *int64  `json:"expires_after_days,omitempty"`
	LowBalanceThresholdPercent   *int64  `json:"low_balance_threshold_percent,omitempty"`
	MaxRolloverCount             *int64  `json:"max_rollover_count,omitempty"`
	OverageBehavior              *string `json:"overage_behavior,omitempty"`
	OverageEnabled               *bool   `json:"overage_enabled,omitempty"`
	OverageLimit                 *string `json:"overage_limit,omitempty"`
	PricePerUnit                 *string `json:"price_per_unit,omitempty"`
	ProrationBehavior            *string `json:"proration_behavior,omitempty" enum:"prorate|no_prorate"`
	RolloverEnabled              *bool   `json:"rollover_enabled,omitempty"`
	RolloverPercentage           *int64  `json:"rollover_percentage,omitempty"`
	RolloverTimeframeCount       *int64  `json:"rollover_timeframe_count,omitempty"`
	RolloverTimeframeInterval    *string `json:"rollover_timeframe_interval,omitempty"`
	TrialCredits                 *string `json:"trial_credits,omitempty"`
	TrialCreditsExpireAfterTrial *bool   `json:"trial_credits_expire_after_trial,omitempty"`
}

// LocalizedPrice is a localized price rule of a product: by currency
// (no country_code) or by country. Its currency or country is its
// identity within the product.
type LocalizedPrice struct {
	Currency    string  `json:"currency" required:"true"`
	CountryCode *string `json:"country_code,omitempty"`
	Amount      int64   `json:"amount" required:"true"`
}

// Discount is a discount; its key is kept in its metadata.
type Discount struct {
	Key                   string           `json:"key" required:"true"`
	Type                  string           `json:"type" required:"true" enum:"percentage|flat"`
	Amount                int64            `json:"amount" required:"true" doc:"basis points"`
	Code                  *string          `json:"code,omitempty" doc:"uppercase; unique"`
	Name                  *string          `json:"name,omitempty"`
	CurrencyOptions       []CurrencyOption `json:"currency_options"`
	CustomerEligibility   *string          `json:"customer_eligibility,omitempty" enum:"any|first_time|existing|specific"`
	StartsAt              *string          `json:"starts_at,omitempty" doc:"RFC 3339"`
	ExpiresAt             *string          `json:"expires_at,omitempty" doc:"RFC 3339"`
	UsageLimit            *int64           `json:"usage_limit,omitempty"`
	PerCustomerUsageLimit *int64           `json:"per_customer_usage_limit,omitempty"`
	RestrictedTo          []string         `json:"restricted_to" doc:"product keys"`
	SubscriptionCycles    *int64           `json:"subscription_cycles,omitempty"`
	PreserveOnPlanChange  *bool            `json:"preserve_on_plan_change,omitempty"`
	Metadata              map[string]any   `json:"metadata"`
}

// CurrencyOption is a discount's per-currency option.
type CurrencyOption struct {
	Currency          string `json:"currency" required:"true"`
	IsDefault         *bool  `json:"is_default,omitempty"`
	MaxAmountPossible *int64 `json:"max_amount_possible,omitempty"`
	MinimumSubtotal   *int64 `json:"minimum_subtotal,omitempty"`
}

// Collection is a product collection with its groups in order; its name
// is its identity. Its groups and their products are part of it: apply
// makes them what the file lists.
type Collection struct {
	Key                             string  `json:"key" required:"true"`
	Name                            string  `json:"name" required:"true"`
	Brand                           *string `json:"brand,omitempty" doc:"a brand's key"`
	Description                     *string `json:"description,omitempty"`
	EffectiveAtOnDowngrade          *string `json:"effective_at_on_downgrade,omitempty" enum:"immediately|next_billing_date"`
	EffectiveAtOnUpgrade            *string `json:"effective_at_on_upgrade,omitempty" enum:"immediately|next_billing_date"`
	OnPaymentFailure                *string `json:"on_payment_failure,omitempty" enum:"prevent_change|apply_change"`
	ProrationBillingModeOnDowngrade *string `json:"proration_billing_mode_on_downgrade,omitempty" enum:"prorated_immediately|full_immediately|difference_immediately|do_not_bill"`
	ProrationBillingModeOnUpgrade   *string `json:"proration_billing_mode_on_upgrade,omitempty" enum:"prorated_immediately|full_immediately|difference_immediately|do_not_bill"`
	Groups                          []Group `json:"groups"`
}

// Group is a group of a collection; its name (or, unnamed, its place
// among the unnamed groups) is its identity within the collection.
type Group struct {
	Name     *string        `json:"name,omitempty"`
	Status   *bool          `json:"status,omitempty"`
	Products []GroupProduct `json:"products"`
	// ChartMogul is "plan_group" to keep a ChartMogul plan group of the
	// plans of this group's products.
	ChartMogul *string `json:"chartmogul,omitempty" enum:"plan_group" doc:"plan_group: keep a ChartMogul plan group named after the collection and group, of its products' plans"`
}

// GroupProduct is a product in a group.
type GroupProduct struct {
	Product string `json:"product" required:"true" doc:"a product's key"`
	Status  *bool  `json:"status,omitempty"`
}

// ChartMogul is the file's ChartMogul side.
type ChartMogul struct {
	DataSource DataSource `json:"data_source" required:"true"`
	// RecurringProducts "plan" keeps a plan for every recurring and
	// usage-based product that does not say chartmogul: none.
	RecurringProducts *string          `json:"recurring_products,omitempty" enum:"plan|none" doc:"plan: every recurring or usage-based product gets a plan unless it says chartmogul: none"`
	Plans             []ChartMogulPlan `json:"plans"`
	PlanGroups        []PlanGroup      `json:"plan_groups"`
}

// DataSource is the file's one data source; its name is unique in the
// API and its identity.
type DataSource struct {
	Name string `json:"name" required:"true"`
}

// ChartMogulPlan is a ChartMogul plan of the data source; its key is its
// external_id.
type ChartMogulPlan struct {
	Key           string `json:"key" required:"true"`
	Name          string `json:"name" required:"true"`
	IntervalCount int64  `json:"interval_count" required:"true"`
	IntervalUnit  string `json:"interval_unit" required:"true" enum:"day|month|year"`
}

// PlanGroup is a ChartMogul plan group; its name is its identity.
type PlanGroup struct {
	Key   string   `json:"key" required:"true"`
	Name  string   `json:"name" required:"true"`
	Plans []string `json:"plans" doc:"plan keys (a product's key names its bridged plan)"`
}
