package catalog

import "time"

// Addon is an extra that customers can buy with a subscription product.
// Addons are never deleted: the API has no delete or archive for them.
type Addon struct {
	ID          string
	BusinessID  string
	Name        string
	Description *string
	Price       int64 // smallest currency unit
	Currency    string
	TaxCategory string
	ImageID     *string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Validate checks every field rule of an addon that needs no database.
func (a *Addon) Validate(pr *Problems) {
	checkText(pr, "name", a.Name, 1, MaxNameLen)
	if a.Description != nil {
		checkText(pr, "description", *a.Description, 0, MaxDescriptionLen)
	}
	checkAmount(pr, "price", a.Price)
	if !Currencies.Has(a.Currency) {
		pr.Add("currency", "must be %s", Currencies)
	}
	if !TaxCategories.Has(a.TaxCategory) {
		pr.Add("tax_category", "must be one of %s", TaxCategories)
	}
}

// AddonFilter selects addons for a list page.
type AddonFilter struct {
	Page Page
}

// AddonPatch is a partial update of an addon. A nil pointer leaves the
// field unchanged; ImageID is the one field whose null clears it.
type AddonPatch struct {
	Name        *string
	Description *string
	Price       *int64
	Currency    *string
	TaxCategory *string
	ImageID     Opt[string]
}

// Apply merges the patch into a. The caller validates the result.
func (u *AddonPatch) Apply(a *Addon) {
	setIf(&a.Name, u.Name)
	if u.Description != nil {
		a.Description = u.Description
	}
	setIf(&a.Price, u.Price)
	setIf(&a.Currency, u.Currency)
	setIf(&a.TaxCategory, u.TaxCategory)
	applyOpt(&a.ImageID, u.ImageID)
}

// AddonOnlyOnSubscriptions records a problem when a product that is not
// billed on a schedule lists addons: addons belong to subscriptions.
func AddonOnlyOnSubscriptions(pr *Problems, p *Product) {
	if len(p.Addons) > 0 && !p.Price.IsRecurring() {
		pr.Add("addons", "addons can only be attached to subscription products (recurring_price or usage_based_price), not to a %s", p.Price.Type)
	}
}
