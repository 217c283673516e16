package catalog

import (
	"crypto/rand"
	"strings"
	"time"
	"unicode/utf8"
)

// Discount types and the basis-point scale.
const (
	DiscountPercentage = "percentage"
	DiscountFlat       = "flat"
	// FullBps is 100 % in basis points.
	FullBps = 10000
)

// Discount code limits: the response documents codes of up to 16
// characters, and generated codes use exactly that.
const (
	MinDiscountCodeLen = 3
	MaxDiscountCodeLen = 16
)

// DiscountTypes and CustomerEligibilities are the accepted enum values.
var (
	DiscountTypes         = setOf(DiscountPercentage, DiscountFlat)
	CustomerEligibilities = setOf("any", "first_time", "existing", "specific")
)

// Discount is a discount code of a business.
type Discount struct {
	ID                   string
	BusinessID           string
	Code                 string
	Type                 string
	Amount               int64 // basis points
	Name                 *string
	CurrencyOptions      []CurrencyOption
	CustomerEligibility  string
	StartsAt             *time.Time
	ExpiresAt            *time.Time
	UsageLimit           *int64
	PerCustomerLimit     *int64
	SubscriptionCycles   *int64
	PreserveOnPlanChange bool
	RestrictedTo         []string
	Metadata             Metadata
	TimesUsed            int64
	CreatedAt, UpdatedAt time.Time
}

// CurrencyOption is the per-currency setting of a discount: the flat
// deduction (flat) or the cap (percentage), and a minimum subtotal.
type CurrencyOption struct {
	Currency          string `json:"currency"`
	IsDefault         bool   `json:"is_default"`
	MaxAmountPossible *int64 `json:"max_amount_possible"`
	MinimumSubtotal   int64  `json:"minimum_subtotal"`
}

// Redeemable reports why d cannot be redeemed at now, or nil when it can.
// Expiry wins over exhaustion, and a discount can only be not yet active
// while it is not expired, since starts_at precedes expires_at.
func (d *Discount) Redeemable(now time.Time) error {
	switch {
	case d.ExpiresAt != nil && !now.Before(*d.ExpiresAt):
		return Errorf(KindInvalid, DiscountExpired, "Discount code %s expired at %s", d.Code, d.ExpiresAt.Format(time.RFC3339))
	case d.StartsAt != nil && now.Before(*d.StartsAt):
		return Errorf(KindInvalid, DiscountNotYetActive, "Discount code %s is not active until %s", d.Code, d.StartsAt.Format(time.RFC3339))
	case d.UsageLimit != nil && d.TimesUsed >= *d.UsageLimit:
		return Errorf(KindInvalid, DiscountUsedUp, "Discount code %s has been used %d of %d times", d.Code, d.TimesUsed, *d.UsageLimit)
	}
	return nil
}

// NormalizeCode uppercases a discount code as it is stored and looked up.
func NormalizeCode(code string) string { return strings.ToUpper(code) }

// codeAlphabet is what generated codes are made of: no lowercase, since
// codes are uppercased anyway.
const codeAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// RandomCode returns a random 16-character uppercase code (about 82 bits).
func RandomCode() string {
	b := make([]byte, MaxDiscountCodeLen)
	buf := make([]byte, 2*len(b))
	for i := 0; i < len(b); {
		if _, err := rand.Read(buf); err != nil {
			panic("catalog: crypto/rand failed: " + err.Error())
		}
		for _, c := range buf {
			if c >= 252 || i == len(b) { // 252 = 36*7: no modulo bias
				continue
			}
			b[i] = codeAlphabet[c%36]
			i++
		}
	}
	return string(b)
}

// DiscountFilter selects discounts for a list page.
type DiscountFilter struct {
	Code      string // partial, case-insensitive
	Type      string
	Active    *bool
	ProductID string
	Page      Page
}

// Normalize uppercases the code and makes a lone currency option the
// default, which is how a flat discount's default resolves without a flag.
func (d *Discount) Normalize() {
	d.Code = NormalizeCode(d.Code)
	if len(d.CurrencyOptions) == 1 {
		d.CurrencyOptions[0].IsDefault = true
	}
	if d.CustomerEligibility == "" {
		d.CustomerEligibility = "any"
	}
	if d.Metadata == nil {
		d.Metadata = Metadata{}
	}
	if d.RestrictedTo == nil {
		d.RestrictedTo = []string{}
	}
	if d.CurrencyOptions == nil {
		d.CurrencyOptions = []CurrencyOption{}
	}
}

// Validate checks a normalized discount, recording every problem with its
// JSON path; the first documented reason code found becomes the error's.
func (d *Discount) Validate(pr *Problems) {
	checkCode(pr, d.Code)
	switch {
	case d.Type == "":
		pr.Add("type", "is required")
	case !DiscountTypes.Has(d.Type):
		pr.AddReason(DiscountTypeUnsupported, "type", "must be one of %s", DiscountTypes)
	case d.Amount < 1 || d.Amount > MaxAmount:
		pr.Add("amount", "must be between 1 and %d basis points", MaxAmount)
	case d.Type == DiscountPercentage && d.Amount > FullBps:
		pr.AddReason(PercentageOverFull, "amount", "a percentage discount is at most %d basis points (100%%), got %d", FullBps, d.Amount)
	}
	d.checkCurrencyOptions(pr)
	if !CustomerEligibilities.Has(d.CustomerEligibility) {
		pr.Add("customer_eligibility", "must be one of %s", CustomerEligibilities)
	}
	if d.StartsAt != nil && d.ExpiresAt != nil && !d.StartsAt.Before(*d.ExpiresAt) {
		pr.Add("starts_at", "must be before expires_at")
	}
	checkPositive(pr, "usage_limit", d.UsageLimit)
	checkPositive(pr, "per_customer_usage_limit", d.PerCustomerLimit)
	checkPositive(pr, "subscription_cycles", d.SubscriptionCycles)
	if d.UsageLimit != nil && d.PerCustomerLimit != nil && *d.PerCustomerLimit > *d.UsageLimit {
		pr.Add("per_customer_usage_limit", "must not exceed usage_limit (%d)", *d.UsageLimit)
	}
	if d.Name != nil {
		checkText(pr, "name", *d.Name, 0, MaxNameLen)
	}
	ValidateMetadata(pr, "metadata", d.Metadata)
	if len(d.RestrictedTo) > MaxProductsPerRequest {
		pr.Add("restricted_to", "at most %d products are allowed", MaxProductsPerRequest)
	}
	for i, id := range d.RestrictedTo {
		if id == "" {
			pr.Add(indexPath("restricted_to", i), "must not be empty")
		}
	}
	if dup := firstDuplicate(d.RestrictedTo); dup != "" {
		pr.Add("restricted_to", "product %s is listed more than once", dup)
	}
}

func checkCode(pr *Problems, code string) {
	if n := utf8.RuneCountInString(code); n < MinDiscountCodeLen || n > MaxDiscountCodeLen {
		pr.Add("code", "must be %d to %d characters, got %d", MinDiscountCodeLen, MaxDiscountCodeLen, n)
		return
	}
	for i := 0; i < len(code); i++ {
		if c := code[i]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			pr.Add("code", "may contain only letters, digits, '-' and '_'")
			return
		}
	}
}

func checkPositive(pr *Problems, path string, v *int64) {
	if v != nil && (*v < 1 || *v > MaxAmount) {
		pr.Add(path, "must be between 1 and %d", MaxAmount)
	}
}

func (d *Discount) checkCurrencyOptions(pr *Problems) {
	seen := map[string]bool{}
	defaults := 0
	for i, o := range d.CurrencyOptions {
		path := indexPath("currency_options", i)
		if !Currencies.Has(o.Currency) {
			pr.Add(path+".currency", "must be %s", Currencies)
		} else if seen[o.Currency] {
			pr.AddReason(CurrencyOptionInvalid, path+".currency", "%s is listed more than once", o.Currency)
		}
		seen[o.Currency] = true
		if o.IsDefault {
			defaults++
		}
		if m := o.MaxAmountPossible; m != nil && (*m < 1 || *m > MaxAmount) {
			pr.Add(path+".max_amount_possible", "must be between 1 and %d", MaxAmount)
		} else if m == nil && d.Type == DiscountFlat {
			pr.AddReason(CurrencyOptionInvalid, path+".max_amount_possible", "is required for a flat discount: it is the amount deducted")
		}
		if o.MinimumSubtotal < 0 || o.MinimumSubtotal > MaxAmount {
			pr.Add(path+".minimum_subtotal", "must be between 0 and %d", MaxAmount)
		}
	}
	switch {
	case defaults > 1:
		pr.AddReason(CurrencyOptionInvalid, "currency_options", "at most one option may be the default, got %d", defaults)
	case d.Type == DiscountFlat && len(d.CurrencyOptions) == 0:
		pr.AddReason(CurrencyOptionInvalid, "currency_options", "a flat discount needs at least one currency option with its deduction")
	case d.Type == DiscountFlat && defaults == 0:
		pr.AddReason(CurrencyOptionInvalid, "currency_options", "a flat discount with several currency options needs one with is_default true")
	}
}
