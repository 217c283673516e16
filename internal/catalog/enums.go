package catalog

import "strings"

// Currencies is the full ISO 4217 list the catalog accepts.
var Currencies = setOf(strings.Fields(`AED ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB
BRL BSD BWP BYN BZD CAD CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ETB EUR FJD FKP GBP GEL
GHS GIP GMD GNF GTQ GYD HKD HNL HRK HTG HUF IDR ILS INR IQD JMD JOD JPY KES KGS KHR KMF KRW KWD KYD
KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK
NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SEK SGD SHP SLE SLL SOS SRD
SSP STN SVC SZL THB TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER
ZAR ZMW`)...)

// TaxCategories are the accepted tax categories.
var TaxCategories = setOf("digital_products", "saas", "e_book", "edtech", "live_tutoring")

// TimeIntervals are the accepted (capitalised) time intervals.
var TimeIntervals = setOf("Day", "Week", "Month", "Year")

// PricingModes are the accepted localized-pricing modes.
var PricingModes = setOf("by_currency", "by_country")

// CreditOverageBehaviors are the accepted credit overage behaviours.
var CreditOverageBehaviors = setOf("forgive_at_reset", "invoice_at_billing", "carry_deficit", "carry_deficit_auto_repay")

// CreditProrationBehaviors are the accepted credit proration behaviours.
var CreditProrationBehaviors = setOf("prorate", "no_prorate")

// Set is a set of allowed string values with a stable listing for messages.
type Set struct {
	m    map[string]bool
	list string
}

func setOf(values ...string) Set {
	m := make(map[string]bool, len(values))
	for _, v := range values {
		m[v] = true
	}
	list := strings.Join(values, ", ")
	if len(values) > 12 {
		list = "a supported ISO 4217 code"
	}
	return Set{m: m, list: list}
}

// Has reports whether v is in the set.
func (s Set) Has(v string) bool { return s.m[v] }

// String lists the allowed values for error messages.
func (s Set) String() string { return s.list }
