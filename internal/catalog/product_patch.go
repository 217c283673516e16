package catalog

// ProductPatch is a partial update of a product. A nil pointer leaves the
// field unchanged; PricingMode is the one field whose null clears it.
// CreditEntitlements and Entitlements, when non-nil, replace the whole set.
type ProductPatch struct {
	Name                        *string
	Description                 *string
	Price                       *Price
	TaxCategory                 *string
	Addons                      *[]string
	BrandID                     *string
	ImageID                     *string
	Metadata                    *Metadata
	PricingMode                 Opt[string]
	CreditEntitlements          *[]CreditGrant
	Entitlements                *[]string
	DigitalDelivery             *DigitalDeliveryPatch
	LicenseKeyEnabled           *bool
	LicenseKeyActivationMessage *string
	LicenseKeyActivationsLimit  *int64
	LicenseKeyDuration          *LicenseKeyDuration
}

// DigitalDeliveryPatch updates the deprecated digital-delivery settings.
type DigitalDeliveryPatch struct {
	ExternalURL  *string
	Instructions *string
	// Files lists the file ids the product keeps, in order; the store
	// attaches new ones and detaches dropped ones (Apply leaves them).
	Files *[]string
}

// Apply merges the patch into p. The caller validates the result.
func (u *ProductPatch) Apply(p *Product) {
	setIf(&p.Name, u.Name)
	if u.Description != nil {
		p.Description = u.Description
	}
	if u.Price != nil {
		p.Price = *u.Price
	}
	setIf(&p.TaxCategory, u.TaxCategory)
	if u.Addons != nil {
		p.Addons = *u.Addons
	}
	setIf(&p.BrandID, u.BrandID)
	if u.ImageID != nil {
		p.ImageID = u.ImageID
	}
	if u.Metadata != nil {
		p.Metadata = *u.Metadata
	}
	if u.PricingMode.Set {
		if u.PricingMode.Null {
			p.PricingMode = nil
		} else {
			v := u.PricingMode.V
			p.PricingMode = &v
		}
	}
	if u.CreditEntitlements != nil {
		p.CreditEntitlements = *u.CreditEntitlements
	}
	if u.Entitlements != nil {
		p.Entitlements = *u.Entitlements
	}
	if d := u.DigitalDelivery; d != nil {
		cur := DigitalDelivery{}
		if p.DigitalDelivery != nil {
			cur = *p.DigitalDelivery
		}
		if d.ExternalURL != nil {
			cur.ExternalURL = d.ExternalURL
		}
		if d.Instructions != nil {
			cur.Instructions = d.Instructions
		}
		p.DigitalDelivery = &cur
	}
	setIf(&p.LicenseKeyEnabled, u.LicenseKeyEnabled)
	if u.LicenseKeyActivationMessage != nil {
		p.LicenseKeyActivationMessage = u.LicenseKeyActivationMessage
	}
	if u.LicenseKeyActivationsLimit != nil {
		p.LicenseKeyActivationsLimit = u.LicenseKeyActivationsLimit
	}
	if u.LicenseKeyDuration != nil {
		p.LicenseKeyDuration = u.LicenseKeyDuration
	}
}

func setIf[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// ProductFilter selects products for a list page.
type ProductFilter struct {
	Archived  bool
	BrandID   string
	Recurring *bool
	Page      Page
}
