package catalog

import "time"

// Credit entitlement limits.
const (
	MaxCreditNameLen   = 255
	MaxCreditUnitLen   = 50
	MaxCreditPrecision = 10
)

// DefaultOverageBehavior is the overage behaviour of a credit entitlement
// created without one.
const DefaultOverageBehavior = "forgive_at_reset"

// CreditEntitlement is a reusable credit template that products attach:
// how credits expire, roll over and go into overage. Names are unique per
// tenant, deleted ones included; Precision never changes.
type CreditEntitlement struct {
	ID                        string
	BusinessID                string
	Name                      string
	Description               *string
	Precision                 int64
	Unit                      string
	ExpiresAfterDays          *int64
	RolloverEnabled           bool
	RolloverPercentage        *int64
	RolloverTimeframeCount    *int64
	RolloverTimeframeInterval *string
	MaxRolloverCount          *int64
	OverageEnabled            bool
	OverageBehavior           string
	OverageLimit              *int64
	Currency                  *string
	PricePerUnit              *string
	Deleted                   bool
	CreatedAt                 time.Time
	UpdatedAt                 time.Time
}

// Validate checks every field rule of a credit entitlement, including the
// rules that tie fields together, so it also checks a merged PATCH.
func (c *CreditEntitlement) Validate(pr *Problems) {
	checkText(pr, "name", c.Name, 1, MaxCreditNameLen)
	if c.Description != nil {
		checkText(pr, "description", *c.Description, 0, MaxDescriptionLen)
	}
	if c.Precision < 0 || c.Precision > MaxCreditPrecision {
		pr.Add("precision", "must be between 0 and %d", MaxCreditPrecision)
	}
	checkText(pr, "unit", c.Unit, 1, MaxCreditUnitLen)
	for _, f := range []struct {
		name string
		v    *int64
	}{{"expires_after_days", c.ExpiresAfterDays}, {"max_rollover_count", c.MaxRolloverCount}, {"overage_limit", c.OverageLimit}} {
		if f.v != nil && *f.v < 0 {
			pr.Add(f.name, "must be 0 or greater")
		}
	}
	if c.RolloverPercentage != nil && (*c.RolloverPercentage < 0 || *c.RolloverPercentage > 100) {
		pr.Add("rollover_percentage", "must be between 0 and 100")
	}
	if (c.RolloverTimeframeCount == nil) != (c.RolloverTimeframeInterval == nil) {
		pr.Add("rollover_timeframe_count", "rollover_timeframe_count and rollover_timeframe_interval must both be set or both be null")
	}
	if c.RolloverTimeframeCount != nil && (*c.RolloverTimeframeCount < 1 || *c.RolloverTimeframeCount > maxFrequencyOrPeriodUnit) {
		pr.Add("rollover_timeframe_count", "must be between 1 and %d", maxFrequencyOrPeriodUnit)
	}
	if c.RolloverTimeframeInterval != nil && !TimeIntervals.Has(*c.RolloverTimeframeInterval) {
		pr.Add("rollover_timeframe_interval", "must be one of %s", TimeIntervals)
	}
	if !CreditOverageBehaviors.Has(c.OverageBehavior) {
		pr.Add("overage_behavior", "must be one of %s", CreditOverageBehaviors)
	}
	if c.Currency != nil && !Currencies.Has(*c.Currency) {
		pr.Add("currency", "must be %s", Currencies)
	}
	if c.PricePerUnit != nil {
		CheckPositiveDecimal(pr, "price_per_unit", *c.PricePerUnit, creditAmountIntDigits, creditAmountFracDigits)
		if c.Currency == nil {
			pr.Add("currency", "is required when price_per_unit is set")
		}
	}
	if c.OverageEnabled && c.PricePerUnit == nil {
		pr.Add("price_per_unit", "is required when overage_enabled is true")
	}
}

// CreditEntitlementPatch is a partial update. Pointers are plain fields
// (nil = unchanged); every nullable field is an Opt whose null clears it.
// Precision is only there to be refused when it differs.
type CreditEntitlementPatch struct {
	Name                      *string
	Unit                      *string
	RolloverEnabled           *bool
	OverageEnabled            *bool
	OverageBehavior           *string
	Precision                 *int64
	Description               Opt[string]
	ExpiresAfterDays          Opt[int64]
	RolloverPercentage        Opt[int64]
	RolloverTimeframeCount    Opt[int64]
	RolloverTimeframeInterval Opt[string]
	MaxRolloverCount          Opt[int64]
	OverageLimit              Opt[int64]
	Currency                  Opt[string]
	PricePerUnit              Opt[string]
}

// Apply merges the patch into c, recording a problem when it tries to
// change the precision. The caller validates the merged result.
func (u *CreditEntitlementPatch) Apply(c *CreditEntitlement, pr *Problems) {
	if u.Precision != nil && *u.Precision != c.Precision {
		pr.Add("precision", "cannot be changed after creation (it is %d)", c.Precision)
	}
	setIf(&c.Name, u.Name)
	setIf(&c.Unit, u.Unit)
	setIf(&c.RolloverEnabled, u.RolloverEnabled)
	setIf(&c.OverageEnabled, u.OverageEnabled)
	setIf(&c.OverageBehavior, u.OverageBehavior)
	clearOrSet(&c.Description, u.Description)
	clearOrSet(&c.ExpiresAfterDays, u.ExpiresAfterDays)
	clearOrSet(&c.RolloverPercentage, u.RolloverPercentage)
	clearOrSet(&c.RolloverTimeframeCount, u.RolloverTimeframeCount)
	clearOrSet(&c.RolloverTimeframeInterval, u.RolloverTimeframeInterval)
	clearOrSet(&c.MaxRolloverCount, u.MaxRolloverCount)
	clearOrSet(&c.OverageLimit, u.OverageLimit)
	clearOrSet(&c.Currency, u.Currency)
	clearOrSet(&c.PricePerUnit, u.PricePerUnit)
}

// clearOrSet applies a tri-state field: omitted keeps, null clears.
func clearOrSet[T any](dst **T, o Opt[T]) {
	if !o.Set {
		return
	}
	if o.Null {
		*dst = nil
		return
	}
	v := o.V
	*dst = &v
}

// CreditFilter selects credit entitlements for a list page: Deleted lists
// only deleted ones instead of active ones.
type CreditFilter struct {
	Deleted bool
	Page    Page
}
