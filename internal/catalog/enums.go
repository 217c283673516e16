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

// Countries are the ISO 3166-1 alpha-2 codes the catalog accepts (the
// SDK's CountryCode, 249 values).
var Countries = func() Set {
	s := setOf(strings.Fields(`AF AX AL DZ AS AD AO AI AQ AG AR AM AW AU AT AZ BS BH BD BB BY BE BZ BJ BM BT BO BQ BA BW BV BR IO
BN BG BF BI KH CM CA CV KY CF TD CL CN CX CC CO KM CG CD CK CR CI HR CU CW CY CZ DK DJ DM DO EC EG
SV GQ ER EE ET FK FO FJ FI FR GF PF TF GA GM GE DE GH GI GR GL GD GP GU GT GG GN GW GY HT HM VA HN
HK HU IS IN ID IR IQ IE IM IL IT JM JP JE JO KZ KE KI KP KR KW KG LA LV LB LS LR LY LI LT LU MO MK
MG MW MY MV ML MT MH MQ MR MU YT MX FM MD MC MN ME MS MA MZ MM NA NR NP NL NC NZ NI NE NG NU NF MP
NO OM PK PW PS PA PG PY PE PH PN PL PT PR QA RE RO RU RW BL SH KN LC MF PM VC WS SM ST SA SN RS SC
SL SG SX SK SI SB SO ZA GS SS ES LK SD SR SJ SZ SE CH SY TW TJ TZ TH TL TG TK TO TT TN TR TM TC TV
UG UA AE GB UM US UY UZ VU VE VN VG VI WF EH YE ZM ZW`)...)
	s.list = "a supported ISO 3166-1 alpha-2 code"
	return s
}()

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
