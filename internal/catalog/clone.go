package catalog

import (
	"bytes"
	"slices"
)

// Clone returns a deep copy of p that shares no memory with it, so a
// caller may change either freely (TestCloneSharesNothing walks every
// field, new ones included).
func (p *Product) Clone() *Product {
	c := *p
	c.Description = clonePtr(p.Description)
	c.Price = p.Price.clone()
	if p.Metadata != nil {
		c.Metadata = make(Metadata, len(p.Metadata))
		for k, v := range p.Metadata {
			c.Metadata[k] = bytes.Clone(v)
		}
	}
	c.Addons = slices.Clone(p.Addons)
	c.ImageID = clonePtr(p.ImageID)
	c.PricingMode = clonePtr(p.PricingMode)
	c.LicenseKeyActivationMessage = clonePtr(p.LicenseKeyActivationMessage)
	c.LicenseKeyActivationsLimit = clonePtr(p.LicenseKeyActivationsLimit)
	c.LicenseKeyDuration = clonePtr(p.LicenseKeyDuration)
	if p.DigitalDelivery != nil {
		d := *p.DigitalDelivery
		d.ExternalURL = clonePtr(d.ExternalURL)
		d.Instructions = clonePtr(d.Instructions)
		d.Files = slices.Clone(d.Files)
		c.DigitalDelivery = &d
	}
	if p.CreditEntitlements != nil {
		c.CreditEntitlements = make([]CreditGrant, len(p.CreditEntitlements))
		for i, g := range p.CreditEntitlements {
			c.CreditEntitlements[i] = g.clone()
		}
	}
	c.Entitlements = slices.Clone(p.Entitlements)
	return &c
}

func (p Price) clone() Price {
	p.TaxInclusive = clonePtr(p.TaxInclusive)
	p.SuggestedPrice = clonePtr(p.SuggestedPrice)
	p.TrialAmount = clonePtr(p.TrialAmount)
	p.TrialApplyDiscounts = clonePtr(p.TrialApplyDiscounts)
	if p.Meters != nil {
		meters := make([]MeterPrice, len(p.Meters))
		for i, m := range p.Meters {
			m.PricePerUnit = clonePtr(m.PricePerUnit)
			m.FreeThreshold = clonePtr(m.FreeThreshold)
			m.CreditEntitlementID = clonePtr(m.CreditEntitlementID)
			m.MeterUnitsPerCredit = clonePtr(m.MeterUnitsPerCredit)
			meters[i] = m
		}
		p.Meters = meters
	}
	return p
}

func (g CreditGrant) clone() CreditGrant {
	g.Currency = clonePtr(g.Currency)
	g.ExpiresAfterDays = clonePtr(g.ExpiresAfterDays)
	g.LowBalanceThresholdPercent = clonePtr(g.LowBalanceThresholdPercent)
	g.MaxRolloverCount = clonePtr(g.MaxRolloverCount)
	g.OverageBehavior = clonePtr(g.OverageBehavior)
	g.OverageEnabled = clonePtr(g.OverageEnabled)
	g.OverageLimit = clonePtr(g.OverageLimit)
	g.PricePerUnit = clonePtr(g.PricePerUnit)
	g.ProrationBehavior = clonePtr(g.ProrationBehavior)
	g.RolloverEnabled = clonePtr(g.RolloverEnabled)
	g.RolloverPercentage = clonePtr(g.RolloverPercentage)
	g.RolloverTimeframeCount = clonePtr(g.RolloverTimeframeCount)
	g.RolloverTimeframeInterval = clonePtr(g.RolloverTimeframeInterval)
	g.TrialCredits = clonePtr(g.TrialCredits)
	g.TrialCreditsExpireAfterTrial = clonePtr(g.TrialCreditsExpireAfterTrial)
	return g
}

// clonePtr returns a pointer to a copy of *p, or nil.
func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
