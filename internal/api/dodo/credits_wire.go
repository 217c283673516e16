package dodo

import (
	"encoding/json"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/store"
)

// creditIn is the body of POST /credit-entitlements and PATCH
// /credit-entitlements/{id}.
type creditIn struct {
	Name                      *string `json:"name"`
	Description               *string `json:"description"`
	Precision                 *int64  `json:"precision"`
	Unit                      *string `json:"unit"`
	ExpiresAfterDays          *int64  `json:"expires_after_days"`
	RolloverEnabled           *bool   `json:"rollover_enabled"`
	RolloverPercentage        *int64  `json:"rollover_percentage"`
	RolloverTimeframeCount    *int64  `json:"rollover_timeframe_count"`
	RolloverTimeframeInterval *string `json:"rollover_timeframe_interval"`
	MaxRolloverCount          *int64  `json:"max_rollover_count"`
	OverageEnabled            *bool   `json:"overage_enabled"`
	OverageBehavior           *string `json:"overage_behavior"`
	OverageLimit              *int64  `json:"overage_limit"`
	Currency                  *string `json:"currency"`
	PricePerUnit              *string `json:"price_per_unit"`
}

// creditOut is the CreditEntitlement response: every documented key.
type creditOut struct {
	ID                        string  `json:"id"`
	BusinessID                string  `json:"business_id"`
	Name                      string  `json:"name"`
	Description               *string `json:"description"`
	Precision                 int64   `json:"precision"`
	Unit                      string  `json:"unit"`
	ExpiresAfterDays          *int64  `json:"expires_after_days"`
	RolloverEnabled           bool    `json:"rollover_enabled"`
	RolloverPercentage        *int64  `json:"rollover_percentage"`
	RolloverTimeframeCount    *int64  `json:"rollover_timeframe_count"`
	RolloverTimeframeInterval *string `json:"rollover_timeframe_interval"`
	MaxRolloverCount          *int64  `json:"max_rollover_count"`
	OverageEnabled            bool    `json:"overage_enabled"`
	OverageBehavior           string  `json:"overage_behavior"`
	OverageLimit              *int64  `json:"overage_limit"`
	Currency                  *string `json:"currency"`
	PricePerUnit              *string `json:"price_per_unit"`
	CreatedAt                 string  `json:"created_at"`
	UpdatedAt                 string  `json:"updated_at"`
}

func creditResponse(c *catalog.CreditEntitlement) creditOut {
	return creditOut{
		ID: c.ID, BusinessID: c.BusinessID, Name: c.Name, Description: c.Description, Precision: c.Precision,
		Unit: c.Unit, ExpiresAfterDays: c.ExpiresAfterDays, RolloverEnabled: c.RolloverEnabled,
		RolloverPercentage: c.RolloverPercentage, RolloverTimeframeCount: c.RolloverTimeframeCount,
		RolloverTimeframeInterval: c.RolloverTimeframeInterval, MaxRolloverCount: c.MaxRolloverCount,
		OverageEnabled: c.OverageEnabled, OverageBehavior: c.OverageBehavior, OverageLimit: c.OverageLimit,
		Currency: c.Currency, PricePerUnit: c.PricePerUnit,
		CreatedAt: timestamp(c.CreatedAt), UpdatedAt: timestamp(c.UpdatedAt),
	}
}

// newCredit maps a create body, recording missing required fields.
func newCredit(pr *catalog.Problems, in *creditIn) *catalog.CreditEntitlement {
	c := &catalog.CreditEntitlement{
		Description: in.Description, ExpiresAfterDays: in.ExpiresAfterDays, RolloverPercentage: in.RolloverPercentage,
		RolloverTimeframeCount: in.RolloverTimeframeCount, RolloverTimeframeInterval: in.RolloverTimeframeInterval,
		MaxRolloverCount: in.MaxRolloverCount, OverageLimit: in.OverageLimit, Currency: in.Currency,
		PricePerUnit: in.PricePerUnit, OverageBehavior: catalog.DefaultOverageBehavior,
	}
	requireField(pr, "name", in.Name, &c.Name)
	requireField(pr, "precision", in.Precision, &c.Precision)
	requireField(pr, "unit", in.Unit, &c.Unit)
	requireField(pr, "rollover_enabled", in.RolloverEnabled, &c.RolloverEnabled)
	requireField(pr, "overage_enabled", in.OverageEnabled, &c.OverageEnabled)
	if in.OverageBehavior != nil {
		c.OverageBehavior = *in.OverageBehavior
	}
	return c
}

// newCreditPatch maps a PATCH body: every nullable field is tri-state
// (null clears it); null on a non-nullable one leaves it unchanged.
func newCreditPatch(in *creditIn, present map[string]json.RawMessage) *catalog.CreditEntitlementPatch {
	return &catalog.CreditEntitlementPatch{
		Name: in.Name, Unit: in.Unit, RolloverEnabled: in.RolloverEnabled, OverageEnabled: in.OverageEnabled,
		OverageBehavior: in.OverageBehavior, Precision: in.Precision,
		Description:               optField(present, "description", in.Description),
		ExpiresAfterDays:          optField(present, "expires_after_days", in.ExpiresAfterDays),
		RolloverPercentage:        optField(present, "rollover_percentage", in.RolloverPercentage),
		RolloverTimeframeCount:    optField(present, "rollover_timeframe_count", in.RolloverTimeframeCount),
		RolloverTimeframeInterval: optField(present, "rollover_timeframe_interval", in.RolloverTimeframeInterval),
		MaxRolloverCount:          optField(present, "max_rollover_count", in.MaxRolloverCount),
		OverageLimit:              optField(present, "overage_limit", in.OverageLimit),
		Currency:                  optField(present, "currency", in.Currency),
		PricePerUnit:              optField(present, "price_per_unit", in.PricePerUnit),
	}
}

// creditMappings renders a product's credit grants with their credit
// entitlement's name and unit. The required settings a grant left unset
// come from the credit entitlement (proration defaults to prorate, trial
// credits to not expiring); optional ones stay null, meaning "as the
// credit entitlement says".
func creditMappings(grants []catalog.CreditGrant, refs *store.ProductRefs) []creditMappingOut {
	out := make([]creditMappingOut, len(grants))
	for i, g := range grants {
		var ce *catalog.CreditEntitlement
		if refs != nil {
			ce = refs.Credits[g.CreditEntitlementID]
		}
		if ce == nil {
			ce = &catalog.CreditEntitlement{OverageBehavior: catalog.DefaultOverageBehavior}
		}
		m := creditMappingOut{
			ID: g.ID, CreditEntitlementID: g.CreditEntitlementID, CreditEntitlementName: ce.Name,
			CreditEntitlementUnit: ce.Unit, CreditsAmount: g.CreditsAmount, Currency: g.Currency,
			ExpiresAfterDays: g.ExpiresAfterDays, LowBalanceThresholdPercent: g.LowBalanceThresholdPercent,
			MaxRolloverCount: g.MaxRolloverCount, OverageBehavior: ce.OverageBehavior, OverageEnabled: ce.OverageEnabled,
			OverageLimit: g.OverageLimit, PricePerUnit: g.PricePerUnit, ProrationBehavior: "prorate",
			RolloverEnabled: ce.RolloverEnabled, RolloverPercentage: g.RolloverPercentage,
			RolloverTimeframeCount: g.RolloverTimeframeCount, RolloverTimeframeInterval: g.RolloverTimeframeInterval,
			TrialCredits: g.TrialCredits,
		}
		fillIf(&m.OverageBehavior, g.OverageBehavior)
		fillIf(&m.OverageEnabled, g.OverageEnabled)
		fillIf(&m.ProrationBehavior, g.ProrationBehavior)
		fillIf(&m.RolloverEnabled, g.RolloverEnabled)
		fillIf(&m.TrialCreditsExpireAfterTrial, g.TrialCreditsExpireAfterTrial)
		out[i] = m
	}
	return out
}

// fillIf copies *v into dst when v is set.
func fillIf[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}
