package dodo

import (
	"time"

	"github.com/pricebook/pricebook/internal/catalog"
)

// priceIn is the Price union as clients send it; pointers tell omitted
// from zero.
type priceIn struct {
	Type                            *string       `json:"type"`
	Currency                        *string       `json:"currency"`
	Discount                        *int64        `json:"discount"`
	DiscountBps                     *int64        `json:"discount_bps"`
	PurchasingPowerParity           *bool         `json:"purchasing_power_parity"`
	TaxInclusive                    *bool         `json:"tax_inclusive"`
	Price                           *int64        `json:"price"`
	PayWhatYouWant                  *bool         `json:"pay_what_you_want"`
	SuggestedPrice                  *int64        `json:"suggested_price"`
	PaymentFrequencyCount           *int64        `json:"payment_frequency_count"`
	PaymentFrequencyInterval        *string       `json:"payment_frequency_interval"`
	SubscriptionPeriodCount         *int64        `json:"subscription_period_count"`
	SubscriptionPeriodInterval      *string       `json:"subscription_period_interval"`
	TrialPeriodDays                 *int64        `json:"trial_period_days"`
	TrialAmount                     *int64        `json:"trial_amount"`
	TrialApplyDiscounts             *bool         `json:"trial_apply_discounts"`
	TrialPaymentMethodOptional      *bool         `json:"trial_payment_method_optional"`
	ZeroAmountPaymentMethodOptional *bool         `json:"zero_amount_payment_method_optional"`
	FixedPrice                      *int64        `json:"fixed_price"`
	Meters                          *[]meterPrice `json:"meters"`
}

// meterPrice is AddMeterToPrice; name, description and measurement_unit
// are ignored in requests and filled from the meter in responses.
type meterPrice struct {
	MeterID             *string `json:"meter_id"`
	PricePerUnit        *string `json:"price_per_unit"`
	FreeThreshold       *int64  `json:"free_threshold"`
	CreditEntitlementID *string `json:"credit_entitlement_id"`
	MeterUnitsPerCredit *string `json:"meter_units_per_credit"`
}

type licenseKeyDurationIn struct {
	Count    *int64  `json:"count"`
	Interval *string `json:"interval"`
}

type deliveryIn struct {
	ExternalURL  *string   `json:"external_url"`
	Instructions *string   `json:"instructions"`
	Files        *[]string `json:"files"`
}

type entitlementRef struct {
	EntitlementID *string `json:"entitlement_id"`
}

type creditGrantIn struct {
	CreditEntitlementID          *string `json:"credit_entitlement_id"`
	CreditsAmount                *string `json:"credits_amount"`
	Currency                     *string `json:"currency"`
	ExpiresAfterDays             *int64  `json:"expires_after_days"`
	LowBalanceThresholdPercent   *int64  `json:"low_balance_threshold_percent"`
	MaxRolloverCount             *int64  `json:"max_rollover_count"`
	OverageBehavior              *string `json:"overage_behavior"`
	OverageEnabled               *bool   `json:"overage_enabled"`
	OverageLimit                 *string `json:"overage_limit"`
	PricePerUnit                 *string `json:"price_per_unit"`
	ProrationBehavior            *string `json:"proration_behavior"`
	RolloverEnabled              *bool   `json:"rollover_enabled"`
	RolloverPercentage           *int64  `json:"rollover_percentage"`
	RolloverTimeframeCount       *int64  `json:"rollover_timeframe_count"`
	RolloverTimeframeInterval    *string `json:"rollover_timeframe_interval"`
	TrialCredits                 *string `json:"trial_credits"`
	TrialCreditsExpireAfterTrial *bool   `json:"trial_credits_expire_after_trial"`
}

// productIn is the body of POST /products and PATCH /products/{id}.
type productIn struct {
	Name                        *string               `json:"name"`
	Description                 *string               `json:"description"`
	Price                       *priceIn              `json:"price"`
	TaxCategory                 *string               `json:"tax_category"`
	Addons                      *[]string             `json:"addons"`
	BrandID                     *string               `json:"brand_id"`
	ImageID                     *string               `json:"image_id"`
	Metadata                    *catalog.Metadata     `json:"metadata"`
	PricingMode                 *string               `json:"pricing_mode"`
	CreditEntitlements          *[]creditGrantIn      `json:"credit_entitlements"`
	Entitlements                *[]entitlementRef     `json:"entitlements"`
	DigitalProductDelivery      *deliveryIn           `json:"digital_product_delivery"`
	LicenseKeyEnabled           *bool                 `json:"license_key_enabled"`
	LicenseKeyActivationMessage *string               `json:"license_key_activation_message"`
	LicenseKeyActivationsLimit  *int64                `json:"license_key_activations_limit"`
	LicenseKeyDuration          *licenseKeyDurationIn `json:"license_key_duration"`
}

// priceOut carries every field of every variant; marshalPrice picks the
// variant's keys.
type oneTimePriceOut struct {
	Type                  string `json:"type"`
	Currency              string `json:"currency"`
	Price                 int64  `json:"price"`
	Discount              int64  `json:"discount"`
	DiscountBps           int64  `json:"discount_bps"`
	PurchasingPowerParity bool   `json:"purchasing_power_parity"`
	PayWhatYouWant        bool   `json:"pay_what_you_want"`
	SuggestedPrice        *int64 `json:"suggested_price"`
	TaxInclusive          *bool  `json:"tax_inclusive"`
}

type recurringPriceOut struct {
	Type                            string `json:"type"`
	Currency                        string `json:"currency"`
	Price                           int64  `json:"price"`
	Discount                        int64  `json:"discount"`
	DiscountBps                     int64  `json:"discount_bps"`
	PurchasingPowerParity           bool   `json:"purchasing_power_parity"`
	TaxInclusive                    *bool  `json:"tax_inclusive"`
	PaymentFrequencyCount           int64  `json:"payment_frequency_count"`
	PaymentFrequencyInterval        string `json:"payment_frequency_interval"`
	SubscriptionPeriodCount         int64  `json:"subscription_period_count"`
	SubscriptionPeriodInterval      string `json:"subscription_period_interval"`
	TrialPeriodDays                 int64  `json:"trial_period_days"`
	TrialAmount                     *int64 `json:"trial_amount"`
	TrialApplyDiscounts             *bool  `json:"trial_apply_discounts"`
	TrialPaymentMethodOptional      bool   `json:"trial_payment_method_optional"`
	ZeroAmountPaymentMethodOptional bool   `json:"zero_amount_payment_method_optional"`
}

type usagePriceOut struct {
	Type                       string          `json:"type"`
	Currency                   string          `json:"currency"`
	FixedPrice                 int64           `json:"fixed_price"`
	Discount                   int64           `json:"discount"`
	DiscountBps                int64           `json:"discount_bps"`
	PurchasingPowerParity      bool            `json:"purchasing_power_parity"`
	TaxInclusive               *bool           `json:"tax_inclusive"`
	PaymentFrequencyCount      int64           `json:"payment_frequency_count"`
	PaymentFrequencyInterval   string          `json:"payment_frequency_interval"`
	SubscriptionPeriodCount    int64           `json:"subscription_period_count"`
	SubscriptionPeriodInterval string          `json:"subscription_period_interval"`
	Meters                     []meterPriceOut `json:"meters"`
}

type meterPriceOut struct {
	MeterID             string  `json:"meter_id"`
	Name                *string `json:"name"`
	Description         *string `json:"description"`
	MeasurementUnit     *string `json:"measurement_unit"`
	PricePerUnit        *string `json:"price_per_unit"`
	FreeThreshold       *int64  `json:"free_threshold"`
	CreditEntitlementID *string `json:"credit_entitlement_id"`
	MeterUnitsPerCredit *string `json:"meter_units_per_credit"`
}

type deliveryOut struct {
	ExternalURL  *string   `json:"external_url"`
	Instructions *string   `json:"instructions"`
	Files        []fileOut `json:"files"`
}

type fileOut struct {
	FileID      string  `json:"file_id"`
	Filename    string  `json:"filename"`
	DownloadURL string  `json:"download_url"`
	ExpiresIn   int64   `json:"expires_in"`
	ContentType *string `json:"content_type"`
	FileSize    *int64  `json:"file_size"`
}

type creditMappingOut struct {
	ID                           string  `json:"id"`
	CreditEntitlementID          string  `json:"credit_entitlement_id"`
	CreditEntitlementName        string  `json:"credit_entitlement_name"`
	CreditEntitlementUnit        string  `json:"credit_entitlement_unit"`
	CreditsAmount                string  `json:"credits_amount"`
	Currency                     *string `json:"currency"`
	ExpiresAfterDays             *int64  `json:"expires_after_days"`
	LowBalanceThresholdPercent   *int64  `json:"low_balance_threshold_percent"`
	MaxRolloverCount             *int64  `json:"max_rollover_count"`
	OverageBehavior              string  `json:"overage_behavior"`
	OverageEnabled               bool    `json:"overage_enabled"`
	OverageLimit                 *string `json:"overage_limit"`
	PricePerUnit                 *string `json:"price_per_unit"`
	ProrationBehavior            string  `json:"proration_behavior"`
	RolloverEnabled              bool    `json:"rollover_enabled"`
	RolloverPercentage           *int64  `json:"rollover_percentage"`
	RolloverTimeframeCount       *int64  `json:"rollover_timeframe_count"`
	RolloverTimeframeInterval    *string `json:"rollover_timeframe_interval"`
	TrialCredits                 *string `json:"trial_credits"`
	TrialCreditsExpireAfterTrial bool    `json:"trial_credits_expire_after_trial"`
}

type entitlementSummaryOut struct {
	ID                string  `json:"id"`
	Name              string  `json:"name"`
	Description       *string `json:"description"`
	IntegrationType   string  `json:"integration_type"`
	IntegrationConfig any     `json:"integration_config"`
}

// productOut is the Product response: every documented key, always.
type productOut struct {
	ProductID                   string                      `json:"product_id"`
	BusinessID                  string                      `json:"business_id"`
	BrandID                     string                      `json:"brand_id"`
	Name                        *string                     `json:"name"`
	Description                 *string                     `json:"description"`
	Image                       *string                     `json:"image"`
	CreatedAt                   string                      `json:"created_at"`
	UpdatedAt                   string                      `json:"updated_at"`
	IsRecurring                 bool                        `json:"is_recurring"`
	TaxCategory                 string                      `json:"tax_category"`
	Price                       any                         `json:"price"`
	Metadata                    catalog.Metadata            `json:"metadata"`
	Addons                      []string                    `json:"addons"`
	CreditEntitlements          []creditMappingOut          `json:"credit_entitlements"`
	Entitlements                []entitlementSummaryOut     `json:"entitlements"`
	LicenseKeyEnabled           bool                        `json:"license_key_enabled"`
	LicenseKeyActivationMessage *string                     `json:"license_key_activation_message"`
	LicenseKeyActivationsLimit  *int64                      `json:"license_key_activations_limit"`
	LicenseKeyDuration          *catalog.LicenseKeyDuration `json:"license_key_duration"`
	DigitalProductDelivery      *deliveryOut                `json:"digital_product_delivery"`
	PricingMode                 *string                     `json:"pricing_mode"`
	ProductCollectionID         *string                     `json:"product_collection_id"`
}

// productListItem is one entry of GET /products.
type productListItem struct {
	ProductID    string                  `json:"product_id"`
	BusinessID   string                  `json:"business_id"`
	Name         *string                 `json:"name"`
	Description  *string                 `json:"description"`
	Image        *string                 `json:"image"`
	CreatedAt    string                  `json:"created_at"`
	UpdatedAt    string                  `json:"updated_at"`
	IsRecurring  bool                    `json:"is_recurring"`
	TaxCategory  string                  `json:"tax_category"`
	Metadata     catalog.Metadata        `json:"metadata"`
	Entitlements []entitlementSummaryOut `json:"entitlements"`
	Currency     string                  `json:"currency"`
	Price        int64                   `json:"price"`
	PriceDetail  any                     `json:"price_detail"`
	PricingMode  *string                 `json:"pricing_mode"`
	TaxInclusive *bool                   `json:"tax_inclusive"`
}

type listOut[T any] struct {
	Items []T `json:"items"`
}

// timestamp renders a time as the API does: RFC 3339 UTC with microseconds.
func timestamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }
