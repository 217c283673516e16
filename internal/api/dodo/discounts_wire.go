package dodo

import (
	"time"

	"github.com/pricebook/pricebook/internal/catalog"
)

// currencyOptionIn is the request shape of a discount currency option.
type currencyOptionIn struct {
	Currency          *string `json:"currency"`
	IsDefault         *bool   `json:"is_default"`
	MaxAmountPossible *int64  `json:"max_amount_possible"`
	MinimumSubtotal   *int64  `json:"minimum_subtotal"`
}

// discountIn is DiscountCreateParams and DiscountUpdateParams.
type discountIn struct {
	Amount                *int64              `json:"amount"`
	Type                  *string             `json:"type"`
	Code                  *string             `json:"code"`
	CurrencyOptions       *[]currencyOptionIn `json:"currency_options"`
	CustomerEligibility   *string             `json:"customer_eligibility"`
	ExpiresAt             *string             `json:"expires_at"`
	StartsAt              *string             `json:"starts_at"`
	Metadata              *catalog.Metadata   `json:"metadata"`
	Name                  *string             `json:"name"`
	PerCustomerUsageLimit *int64              `json:"per_customer_usage_limit"`
	PreserveOnPlanChange  *bool               `json:"preserve_on_plan_change"`
	RestrictedTo          *[]string           `json:"restricted_to"`
	SubscriptionCycles    *int64              `json:"subscription_cycles"`
	UsageLimit            *int64              `json:"usage_limit"`
}

// currencyOptionOut is the response shape of a currency option.
type currencyOptionOut struct {
	Currency          string `json:"currency"`
	IsDefault         bool   `json:"is_default"`
	MinimumSubtotal   int64  `json:"minimum_subtotal"`
	MaxAmountPossible *int64 `json:"max_amount_possible"`
}

// discountOut is Discount; every documented key is always present.
type discountOut struct {
	DiscountID            string              `json:"discount_id"`
	BusinessID            string              `json:"business_id"`
	Code                  string              `json:"code"`
	Amount                int64               `json:"amount"`
	Type                  string              `json:"type"`
	TimesUsed             int64               `json:"times_used"`
	RestrictedTo          []string            `json:"restricted_to"`
	CustomerEligibility   string              `json:"customer_eligibility"`
	PreserveOnPlanChange  bool                `json:"preserve_on_plan_change"`
	Metadata              catalog.Metadata    `json:"metadata"`
	CreatedAt             string              `json:"created_at"`
	CurrencyOptions       []currencyOptionOut `json:"currency_options"`
	ExpiresAt             *string             `json:"expires_at"`
	StartsAt              *string             `json:"starts_at"`
	Name                  *string             `json:"name"`
	PerCustomerUsageLimit *int64              `json:"per_customer_usage_limit"`
	SubscriptionCycles    *int64              `json:"subscription_cycles"`
	UsageLimit            *int64              `json:"usage_limit"`
}

func discountResponse(d *catalog.Discount) discountOut {
	out := discountOut{
		DiscountID: d.ID, BusinessID: d.BusinessID, Code: d.Code, Amount: d.Amount, Type: d.Type, TimesUsed: d.TimesUsed,
		RestrictedTo: d.RestrictedTo, CustomerEligibility: d.CustomerEligibility, PreserveOnPlanChange: d.PreserveOnPlanChange,
		Metadata: d.Metadata, CreatedAt: timestamp(d.CreatedAt), CurrencyOptions: make([]currencyOptionOut, len(d.CurrencyOptions)),
		ExpiresAt: optTimestamp(d.ExpiresAt), StartsAt: optTimestamp(d.StartsAt), Name: d.Name,
		PerCustomerUsageLimit: d.PerCustomerLimit, SubscriptionCycles: d.SubscriptionCycles, UsageLimit: d.UsageLimit,
	}
	if out.RestrictedTo == nil {
		out.RestrictedTo = []string{}
	}
	if out.Metadata == nil {
		out.Metadata = catalog.Metadata{}
	}
	for i, o := range d.CurrencyOptions {
		out.CurrencyOptions[i] = currencyOptionOut{Currency: o.Currency, IsDefault: o.IsDefault,
			MinimumSubtotal: o.MinimumSubtotal, MaxAmountPossible: o.MaxAmountPossible}
	}
	return out
}

func optTimestamp(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := timestamp(*t)
	return &s
}

// parseTime reads an RFC 3339 date-time (catalog.ParseTimestamp),
// recording a problem at path when it is not one.
func parseTime(pr *catalog.Problems, path, s string) *time.Time {
	t, ok := catalog.ParseTimestamp(s)
	if !ok {
		pr.Add(path, "must be an RFC 3339 date-time from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z, such as 2026-01-02T03:04:05Z")
		return nil
	}
	return &t
}

func currencyOptionsOf(pr *catalog.Problems, in []currencyOptionIn) []catalog.CurrencyOption {
	out := make([]catalog.CurrencyOption, len(in))
	for i, o := range in {
		if o.Currency == nil {
			pr.Add(indexed("currency_options", i)+".currency", "is required")
		} else {
			out[i].Currency = *o.Currency
		}
		out[i].IsDefault = o.IsDefault != nil && *o.IsDefault
		out[i].MaxAmountPossible = o.MaxAmountPossible
		if o.MinimumSubtotal != nil {
			out[i].MinimumSubtotal = *o.MinimumSubtotal
		}
	}
	return out
}
