package checkout

import (
	"fmt"
	"html/template"
	"sort"
	"strconv"
	"strings"

	"github.com/pricebook/pricebook/internal/catalog"
)

// view is what the page template shows; every value is text the
// template escapes.
type view struct {
	Title, Description, Message string
	Style                       template.CSS
	Test, Product               bool
	Price                       []string
	Choices                     []choice
}

// choice is one static checkout parameter in words.
type choice struct{ Name, Value string }

func pageOf(l *catalog.ShortLink, p *catalog.Product) view {
	v := view{Title: p.Name, Test: l.Mode == catalog.ModeTest, Product: true, Price: priceWords(p, l.Params)}
	if p.Description != nil {
		v.Description = *p.Description
	}
	v.Choices = choices(p, l.Params)
	return v
}

// minorDigits are the decimals of currencies whose minor unit is not a
// hundredth (ISO 4217).
var minorDigits = map[string]int{
	"BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "JPY": 0, "KMF": 0, "KRW": 0, "MGA": 0, "PYG": 0, "RWF": 0,
	"UGX": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
	"BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
}

// money writes an amount in minor units as "USD 19.99".
func money(currency string, minor int64) string {
	d, ok := minorDigits[currency]
	if !ok {
		d = 2
	}
	s := strconv.FormatInt(minor, 10)
	if d > 0 {
		for len(s) <= d {
			s = "0" + s
		}
		s = s[:len(s)-d] + "." + s[len(s)-d:]
	}
	return currency + " " + s
}

// every writes a schedule: "every month", "every 3 months".
func every(count int64, interval string) string {
	unit := strings.ToLower(interval)
	if count == 1 {
		return "every " + unit
	}
	return fmt.Sprintf("every %d %ss", count, unit)
}

func span(count int64, interval string) string {
	unit := strings.ToLower(interval)
	if count == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", count, unit)
}

var taxWords = map[string]string{
	"digital_products": "digital products", "saas": "software as a service (SaaS)", "e_book": "e-books",
	"edtech": "education technology", "live_tutoring": "live tutoring",
}

// priceWords explains the product's price in sentences.
func priceWords(p *catalog.Product, params map[string]string) []string {
	pr := p.Price
	var out []string
	switch pr.Type {
	case catalog.PriceOneTime:
		if pr.PayWhatYouWant {
			s := "Pay what you want: at least " + money(pr.Currency, pr.Price)
			if pr.SuggestedPrice != nil {
				s += ", suggested " + money(pr.Currency, *pr.SuggestedPrice)
			}
			out = append(out, s+", paid once.")
		} else {
			out = append(out, "One-time payment of "+money(pr.Currency, pr.Price)+".")
		}
	case catalog.PriceRecurring:
		out = append(out, fmt.Sprintf("Subscription: %s, billed %s, for a subscription period of %s.",
			money(pr.Currency, pr.Price), every(pr.PaymentFrequencyCount, pr.PaymentFrequencyInterval),
			span(pr.SubscriptionPeriodCount, pr.SubscriptionPeriodInterval)))
		if pr.TrialPeriodDays > 0 {
			s := fmt.Sprintf("Trial: %d days", pr.TrialPeriodDays)
			if pr.TrialAmount != nil && *pr.TrialAmount > 0 {
				s += " for " + money(pr.Currency, *pr.TrialAmount)
			} else {
				s += " free"
			}
			out = append(out, s+" before the first payment.")
		}
	case catalog.PriceUsage:
		out = append(out, fmt.Sprintf("Usage-based: a fixed fee of %s, billed %s, for a subscription period of %s, plus what is used:",
			money(pr.Currency, pr.FixedPrice), every(pr.PaymentFrequencyCount, pr.PaymentFrequencyInterval),
			span(pr.SubscriptionPeriodCount, pr.SubscriptionPeriodInterval)))
		for _, m := range pr.Meters {
			s := "meter " + m.MeterID
			if m.PricePerUnit != nil {
				s = pr.Currency + " " + *m.PricePerUnit + " per unit of " + s
			}
			if m.FreeThreshold != nil && *m.FreeThreshold > 0 {
				s += fmt.Sprintf(", the first %d units free", *m.FreeThreshold)
			}
			if m.CreditEntitlementID != nil {
				s += ", drawn from credits " + *m.CreditEntitlementID
			}
			out = append(out, s+".")
		}
	}
	if pr.DiscountBps > 0 {
		out = append(out, fmt.Sprintf("Discount: %s%% off.", strings.TrimSuffix(strings.TrimSuffix(fmt.Sprintf("%d.%02d", pr.DiscountBps/100, pr.DiscountBps%100), "00"), ".")))
	}
	tax := "Tax category: " + taxWords[p.TaxCategory] + "."
	if pr.TaxInclusive != nil && *pr.TaxInclusive {
		tax += " Prices include tax."
	} else {
		tax += " Tax is added at checkout where it applies."
	}
	out = append(out, tax)
	if q, err := strconv.ParseInt(params["quantity"], 10, 64); err == nil && q > 1 && pr.Type == catalog.PriceOneTime && !pr.PayWhatYouWant {
		out = append(out, fmt.Sprintf("For %d: %s.", q, money(pr.Currency, q*pr.Price)))
	}
	return out
}

// fieldWords names the customer fields static checkout parameters fill.
var fieldWords = map[string]string{
	"fullName": "full name", "firstName": "first name", "lastName": "last name", "email": "email",
	"country": "country", "addressLine": "address", "city": "city", "state": "state", "zipCode": "ZIP code",
}

// choices explains each static checkout parameter, in name order; those
// whose meaning is not known are shown as given.
func choices(p *catalog.Product, params map[string]string) []choice {
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []choice
	for _, k := range keys {
		v := params[k]
		c := choice{Name: k, Value: v}
		switch {
		case k == "quantity":
			c.Name = "Quantity"
		case k == "paymentAmount":
			c.Name = "Amount chosen"
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				c.Value = money(p.Price.Currency, n)
			}
		case k == "paymentCurrency":
			c.Name = "Payment currency"
		case k == "showCurrencySelector":
			c.Name, c.Value = "Currency selector", map[string]string{"true": "shown", "false": "hidden"}[v]
		case k == "redirect_url":
			c.Name = "After payment, return to"
		case fieldWords[k] != "":
			c.Name = "Prefilled " + fieldWords[k]
		case strings.HasPrefix(k, "disable") && fieldWords[lowerFirst(strings.TrimPrefix(k, "disable"))] != "":
			c.Name = "Locked " + fieldWords[lowerFirst(strings.TrimPrefix(k, "disable"))]
			c.Value = map[string]string{"true": "cannot be changed", "false": "can be changed"}[v]
		case strings.HasPrefix(k, "metadata_") && len(k) > len("metadata_"):
			c.Name = "Metadata " + strings.TrimPrefix(k, "metadata_")
		}
		out = append(out, c)
	}
	return out
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// PriceWords explains a product's price in sentences, as the checkout
// page does; the dashboard shows the same words.
func PriceWords(p *catalog.Product) []string { return priceWords(p, nil) }

// Money writes an amount in minor units as "USD 19.99".
func Money(currency string, minor int64) string { return money(currency, minor) }

// MinorDigits is how many decimals the currency's minor unit has.
func MinorDigits(currency string) int {
	if d, ok := minorDigits[currency]; ok {
		return d
	}
	return 2
}
