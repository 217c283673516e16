package catalog

import "strconv"

// Reason says, in the domain's words, why a use case refused: finer than
// a Kind, which only classifies. Each API face maps every reason to its
// own code and words in one table, so the core never spells a vendor's
// code.
type Reason int

// The domain's reasons. Invalid, the zero Reason, is the generic one of a
// validation failure with no more specific reason.
const (
	Invalid       Reason = iota
	InvalidFilter        // a list filter or page parameter is malformed
	Missing              // the resource a request names does not exist
	Unauthorized
	TooManyMetadataKeys

	BrandArchived        // an archived brand cannot be edited or take products
	BrandAlreadyArchived // archiving a brand twice
	PrimaryBrandLocked   // the business's primary brand cannot change

	ProductArchived
	DuplicateAddon
	DuplicateMeter
	SuggestedPriceBelowPrice
	UnknownAddon
	UnknownMeter
	MeterArchived
	UnknownEntitlement
	UnknownCreditEntitlement
	CreditEntitlementDeleted
	CreditEntitlementNotDeleted
	CreditEntitlementNameTaken

	CollectionArchived
	CollectionEmpty // a collection needs at least one product
	ProductInOtherCollection
	GroupNameTaken

	DiscountCodeTaken
	DiscountExpired
	DiscountNotYetActive
	DiscountUsedUp
	DiscountTypeUnsupported
	PercentageOverFull // a percentage discount above 100%
	CurrencyOptionInvalid

	DataSourceNotFound
	DataSourceNameTaken
	DataSourceRequired // a plan names no data source
	UnknownDataSource  // a plan names a data source the tenant does not have
	PlanNotFound
	PlanExternalIDTaken
	IntervalUnitUnsupported
	PlanGroupNotFound
	PlanGroupEmpty // none of a plan group's plans exists

	WebhookDisabled // a send to an endpoint that is disabled

	PricingModeRequired          // localized prices need the product's pricing_mode
	LocalizedPriceTaken          // an active rule for the currency or country exists
	LocalizedPriceDuplicatesBase // a by_currency rule in the base currency
	LocalizedPriceShapeMismatch  // country_code missing in by_country, present in by_currency
	LocalizedPriceNotApplicable  // localized prices never apply to pay-what-you-want prices
	SlugTaken                    // a short link slug the tenant already uses
	NotDigitalFiles              // files go only to digital_files entitlements

	numReasons
)

var reasonNames = [numReasons]string{
	Invalid:                     "invalid",
	InvalidFilter:               "invalid filter",
	Missing:                     "missing",
	Unauthorized:                "unauthorized",
	TooManyMetadataKeys:         "too many metadata keys",
	BrandArchived:               "brand archived",
	BrandAlreadyArchived:        "brand already archived",
	PrimaryBrandLocked:          "primary brand locked",
	ProductArchived:             "product archived",
	DuplicateAddon:              "duplicate addon",
	DuplicateMeter:              "duplicate meter",
	SuggestedPriceBelowPrice:    "suggested price below price",
	UnknownAddon:                "unknown addon",
	UnknownMeter:                "unknown meter",
	MeterArchived:               "meter archived",
	UnknownEntitlement:          "unknown entitlement",
	UnknownCreditEntitlement:    "unknown credit entitlement",
	CreditEntitlementDeleted:    "credit entitlement deleted",
	CreditEntitlementNotDeleted: "credit entitlement not deleted",
	CreditEntitlementNameTaken:  "credit entitlement name taken",
	CollectionArchived:          "collection archived",
	CollectionEmpty:             "collection empty",
	ProductInOtherCollection:    "product in other collection",
	GroupNameTaken:              "group name taken",
	DiscountCodeTaken:           "discount code taken",
	DiscountExpired:             "discount expired",
	DiscountNotYetActive:        "discount not yet active",
	DiscountUsedUp:              "discount used up",
	DiscountTypeUnsupported:     "discount type unsupported",
	PercentageOverFull:          "percentage over full",
	CurrencyOptionInvalid:       "currency option invalid",
	DataSourceNotFound:          "data source not found",
	DataSourceNameTaken:         "data source name taken",
	DataSourceRequired:          "data source required",
	UnknownDataSource:           "unknown data source",
	PlanNotFound:                "plan not found",
	PlanExternalIDTaken:         "plan external id taken",
	IntervalUnitUnsupported:     "interval unit unsupported",
	PlanGroupNotFound:           "plan group not found",
	PlanGroupEmpty:              "plan group empty",
	WebhookDisabled:             "webhook disabled",

	PricingModeRequired:          "pricing mode required",
	LocalizedPriceTaken:          "localized price taken",
	LocalizedPriceDuplicatesBase: "localized price duplicates base",
	LocalizedPriceShapeMismatch:  "localized price shape mismatch",
	LocalizedPriceNotApplicable:  "localized price not applicable",
	SlugTaken:                    "slug taken",
	NotDigitalFiles:              "not digital files",
}

// String names the reason in plain words, for logs and test failures.
func (r Reason) String() string {
	if r < 0 || r >= numReasons {
		return "reason(" + strconv.Itoa(int(r)) + ")"
	}
	return reasonNames[r]
}

// Reasons returns every reason, so a face's test can check that its table
// answers each one.
func Reasons() []Reason {
	out := make([]Reason, numReasons)
	for i := range out {
		out[i] = Reason(i)
	}
	return out
}
