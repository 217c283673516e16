package catalog

import "time"

// LocalizedPrice is a localized pricing rule of a product: the amount to
// charge in a currency (by_currency) or in a country (by_country) instead
// of the product's base price. A product has at most one active rule per
// currency or per country, in the mode its pricing_mode names.
type LocalizedPrice struct {
	ID         string
	BusinessID string
	ProductID  string
	// Mode is the product's pricing mode when the rule was made.
	Mode     string
	Currency string
	// CountryCode is set in by_country mode only.
	CountryCode *string
	Amount      int64
	// Archived rules are gone for the API; the store keeps them.
	Archived  bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Pricing modes.
const (
	ByCurrency = "by_currency"
	ByCountry  = "by_country"
)

// LocalizedPriceInput is what a client sends to create a rule; the mode
// comes from the product.
type LocalizedPriceInput struct {
	Amount      *int64
	Currency    *string
	CountryCode *string
}

// Validate checks the input's own fields, whatever the product.
func (in *LocalizedPriceInput) Validate(pr *Problems) {
	validateLocalizedAmount(pr, in.Amount, true)
	switch {
	case in.Currency == nil:
		pr.Add("currency", "is required")
	case !Currencies.Has(*in.Currency):
		pr.Add("currency", "must be %s", Currencies)
	}
	if in.CountryCode != nil && !Countries.Has(*in.CountryCode) {
		pr.Add("country_code", "must be %s", Countries)
	}
}

func validateLocalizedAmount(pr *Problems, amount *int64, required bool) {
	switch {
	case amount == nil:
		if required {
			pr.Add("amount", "is required")
		}
	case *amount <= 0 || *amount > MaxAmount:
		pr.Add("amount", "must be an integer from 1 to %d", MaxAmount)
	}
}

// NewLocalizedPrice checks the input against the product it is for and
// returns the rule it makes (without its id and times): the product needs
// a pricing mode and a price rules can apply to, and the rule the shape
// of that mode.
func NewLocalizedPrice(p *Product, in *LocalizedPriceInput) (*LocalizedPrice, error) {
	var pr Problems
	in.Validate(&pr)
	if err := pr.Err(); err != nil {
		return nil, err
	}
	if p.PricingMode == nil {
		return nil, Errorf(KindInvalid, PricingModeRequired,
			"product %s has no pricing_mode: set it to by_currency or by_country before adding localized prices", p.ID)
	}
	if p.Price.PayWhatYouWant {
		return nil, Errorf(KindInvalid, LocalizedPriceNotApplicable,
			"product %s has a pay-what-you-want price: localized prices never apply to it", p.ID)
	}
	lp := &LocalizedPrice{ProductID: p.ID, BusinessID: p.BusinessID, Mode: *p.PricingMode, Currency: *in.Currency,
		CountryCode: in.CountryCode, Amount: *in.Amount}
	switch lp.Mode {
	case ByCurrency:
		if lp.CountryCode != nil {
			return nil, Errorf(KindInvalid, LocalizedPriceShapeMismatch,
				"country_code: must not be set: the product's pricing_mode is by_currency")
		}
		if lp.Currency == p.Price.Currency {
			return nil, Errorf(KindInvalid, LocalizedPriceDuplicatesBase,
				"currency: %s is the product's base currency; a by_currency rule must use another", lp.Currency)
		}
	case ByCountry:
		if lp.CountryCode == nil {
			return nil, Errorf(KindInvalid, LocalizedPriceShapeMismatch,
				"country_code: is required: the product's pricing_mode is by_country")
		}
	}
	return lp, nil
}

// StillApplies reports whether the rule still fits the product after a
// change of the product: the same pricing mode, a price rules apply to,
// and (by_currency) a currency other than the base currency. Rules that
// no longer apply are archived with the change.
func (lp *LocalizedPrice) StillApplies(p *Product) bool {
	switch {
	case p.PricingMode == nil || *p.PricingMode != lp.Mode:
		return false
	case p.Price.PayWhatYouWant:
		return false
	case lp.Mode == ByCurrency && lp.Currency == p.Price.Currency:
		return false
	}
	return true
}

// LocalizedPricePatch is a partial update: only the amount changes.
type LocalizedPricePatch struct {
	Amount *int64
}

// Validate checks the patch.
func (u *LocalizedPricePatch) Validate(pr *Problems) {
	validateLocalizedAmount(pr, u.Amount, false)
}
