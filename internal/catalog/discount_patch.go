package catalog

import "time"

// DiscountPatch is a partial update of a discount. A nil field is left
// unchanged, null included; StartsAt and PerCustomerLimit are the
// documented tri-state fields whose null clears. CurrencyOptions and
// RestrictedTo, when non-nil, replace the whole set ([] clears).
type DiscountPatch struct {
	Amount               *int64
	Code                 *string
	Type                 *string
	CurrencyOptions      *[]CurrencyOption
	CustomerEligibility  *string
	ExpiresAt            *time.Time
	StartsAt             Opt[time.Time]
	Metadata             *Metadata
	Name                 *string
	PerCustomerLimit     Opt[int64]
	PreserveOnPlanChange *bool
	RestrictedTo         *[]string
	SubscriptionCycles   *int64
	UsageLimit           *int64
}

// Apply merges the patch into d and normalizes it; the caller validates
// the result.
func (u *DiscountPatch) Apply(d *Discount) {
	setIf(&d.Amount, u.Amount)
	setIf(&d.Code, u.Code)
	setIf(&d.Type, u.Type)
	setIf(&d.CurrencyOptions, u.CurrencyOptions)
	setIf(&d.CustomerEligibility, u.CustomerEligibility)
	if u.ExpiresAt != nil {
		d.ExpiresAt = u.ExpiresAt
	}
	d.StartsAt = mergeOpt(d.StartsAt, u.StartsAt)
	setIf(&d.Metadata, u.Metadata)
	if u.Name != nil {
		d.Name = u.Name
	}
	d.PerCustomerLimit = mergeOpt(d.PerCustomerLimit, u.PerCustomerLimit)
	setIf(&d.PreserveOnPlanChange, u.PreserveOnPlanChange)
	setIf(&d.RestrictedTo, u.RestrictedTo)
	if u.SubscriptionCycles != nil {
		d.SubscriptionCycles = u.SubscriptionCycles
	}
	if u.UsageLimit != nil {
		d.UsageLimit = u.UsageLimit
	}
	d.Normalize()
}

func mergeOpt[T any](cur *T, o Opt[T]) *T {
	switch {
	case !o.Set:
		return cur
	case o.Null:
		return nil
	}
	v := o.V
	return &v
}
