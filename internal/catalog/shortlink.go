package catalog

import (
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Short link limits. Slugs are path segments of the short URL, so they
// are kept to characters that need no escaping.
const (
	MinSlugLen            = 3
	MaxSlugLen            = 64
	MaxCheckoutParams     = 50
	MaxCheckoutParamKey   = 100
	MaxCheckoutParamValue = 1000
	MaxCheckoutQuantity   = 1000
)

// ShortLink names a static checkout URL of one product, with fixed
// parameters, by a slug unique in its tenant.
type ShortLink struct {
	ID         string
	BusinessID string
	Mode       Mode
	ProductID  string
	Slug       string
	// Params are the static checkout parameters; never nil once stored.
	Params    map[string]string
	CreatedAt time.Time
}

// ShortLinkFilter selects short links for a list page.
type ShortLinkFilter struct {
	ProductID string // "" is every product
	Page      Page
}

// ShortPath is the path of the short URL: the tenant and the slug.
func (l *ShortLink) ShortPath() string {
	return "/s/" + string(l.Mode) + "/" + url.PathEscape(l.BusinessID) + "/" + url.PathEscape(l.Slug)
}

// CheckoutPath is the path and query of the static checkout URL the short
// link stands for: the product and its parameters, in key order.
func (l *ShortLink) CheckoutPath() string {
	p := "/buy/" + url.PathEscape(l.ProductID)
	if len(l.Params) > 0 {
		v := url.Values{}
		for k, x := range l.Params {
			v.Set(k, x)
		}
		p += "?" + v.Encode()
	}
	return p
}

// Validate checks the slug and the static checkout parameters.
func (l *ShortLink) Validate(pr *Problems) {
	if n := len(l.Slug); n < MinSlugLen || n > MaxSlugLen || !slugChars(l.Slug) {
		pr.Add("slug", "must be %d to %d characters of letters a-z and A-Z, digits, '-' and '_'", MinSlugLen, MaxSlugLen)
	}
	l.ValidateParams(pr)
}

// ValidateParams checks the static checkout parameters: names, lengths,
// and the values of the parameters whose meaning is known.
func (l *ShortLink) ValidateParams(pr *Problems) {
	if len(l.Params) > MaxCheckoutParams {
		pr.Add("static_checkout_params", "must have at most %d parameters, got %d", MaxCheckoutParams, len(l.Params))
	}
	keys := make([]string, 0, len(l.Params))
	for k := range l.Params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		path := "static_checkout_params." + k
		if k == "" || len(k) > MaxCheckoutParamKey || !paramKeyChars(k) {
			pr.Add(path, "parameter names must be 1 to %d characters of letters, digits, '_', '-' and '.'", MaxCheckoutParamKey)
			continue
		}
		checkText(pr, path, l.Params[k], 0, MaxCheckoutParamValue)
		checkCheckoutParam(pr, path, k, l.Params[k])
	}
}

// checkCheckoutParam checks the values of the static checkout parameters
// whose meaning is known; others are kept as given.
func checkCheckoutParam(pr *Problems, path, k, v string) {
	switch {
	case k == "quantity":
		if n, err := strconv.Atoi(v); err != nil || n < 1 || n > MaxCheckoutQuantity || strconv.Itoa(n) != v {
			pr.Add(path, "must be a whole number from 1 to %d", MaxCheckoutQuantity)
		}
	case k == "paymentAmount":
		if n, err := strconv.ParseInt(v, 10, 64); err != nil || n < 0 || n > MaxAmount || strconv.FormatInt(n, 10) != v {
			pr.Add(path, "must be an amount in the smallest currency unit, 0 to %d", MaxAmount)
		}
	case k == "paymentCurrency":
		if !Currencies.Has(v) {
			pr.Add(path, "must be %s", Currencies)
		}
	case k == "redirect_url":
		if u, err := url.Parse(v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			pr.Add(path, "must be an absolute http or https URL")
		}
	case k == "showCurrencySelector" || strings.HasPrefix(k, "disable"):
		if v != "true" && v != "false" {
			pr.Add(path, "must be true or false")
		}
	}
}

func slugChars(s string) bool {
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func paramKeyChars(s string) bool {
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}
