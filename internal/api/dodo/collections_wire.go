package dodo

import (
	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/store"
)

type groupProductIn struct {
	ProductID *string `json:"product_id"`
	Status    *bool   `json:"status"`
}

// groupIn is ProductCollectionGroupDetails, the body of group create.
type groupIn struct {
	GroupName *string           `json:"group_name"`
	Status    *bool             `json:"status"`
	Products  *[]groupProductIn `json:"products"`
}

// collectionIn is the body of collection create and PATCH.
type collectionIn struct {
	Name                            *string    `json:"name"`
	Description                     *string    `json:"description"`
	BrandID                         *string    `json:"brand_id"`
	ImageID                         *string    `json:"image_id"`
	Groups                          *[]groupIn `json:"groups"`
	GroupOrder                      *[]string  `json:"group_order"`
	EffectiveAtOnDowngrade          *string    `json:"effective_at_on_downgrade"`
	EffectiveAtOnUpgrade            *string    `json:"effective_at_on_upgrade"`
	OnPaymentFailure                *string    `json:"on_payment_failure"`
	ProrationBillingModeOnDowngrade *string    `json:"proration_billing_mode_on_downgrade"`
	ProrationBillingModeOnUpgrade   *string    `json:"proration_billing_mode_on_upgrade"`
}

type groupPatchIn struct {
	GroupName    *string   `json:"group_name"`
	ProductOrder *[]string `json:"product_order"`
	Status       *bool     `json:"status"`
}

type itemsIn struct {
	Products *[]groupProductIn `json:"products"`
}

type itemPatchIn struct {
	Status *bool `json:"status"`
}

// memberOut is ProductCollectionProduct: a membership with its product's
// current summary.
type memberOut struct {
	ID                    string  `json:"id"`
	ProductID             string  `json:"product_id"`
	Status                bool    `json:"status"`
	Name                  *string `json:"name"`
	Description           *string `json:"description"`
	Price                 *int64  `json:"price"`
	PriceDetail           any     `json:"price_detail"`
	Currency              *string `json:"currency"`
	TaxCategory           *string `json:"tax_category"`
	TaxInclusive          *bool   `json:"tax_inclusive"`
	IsRecurring           bool    `json:"is_recurring"`
	LicenseKeyEnabled     bool    `json:"license_key_enabled"`
	HasCreditEntitlements bool    `json:"has_credit_entitlements"`
	AddonsCount           int64   `json:"addons_count"`
	FilesCount            int64   `json:"files_count"`
	MetersCount           int64   `json:"meters_count"`
}

type groupOut struct {
	GroupID   string      `json:"group_id"`
	GroupName *string     `json:"group_name"`
	Status    bool        `json:"status"`
	Products  []memberOut `json:"products"`
}

type collectionOut struct {
	ID                              string     `json:"id"`
	BrandID                         string     `json:"brand_id"`
	Name                            string     `json:"name"`
	Description                     *string    `json:"description"`
	Image                           *string    `json:"image"`
	CreatedAt                       string     `json:"created_at"`
	UpdatedAt                       string     `json:"updated_at"`
	EffectiveAtOnDowngrade          *string    `json:"effective_at_on_downgrade"`
	EffectiveAtOnUpgrade            *string    `json:"effective_at_on_upgrade"`
	OnPaymentFailure                *string    `json:"on_payment_failure"`
	ProrationBillingModeOnDowngrade *string    `json:"proration_billing_mode_on_downgrade"`
	ProrationBillingModeOnUpgrade   *string    `json:"proration_billing_mode_on_upgrade"`
	Groups                          []groupOut `json:"groups"`
}

type collectionListItem struct {
	ID            string  `json:"id"`
	Name          string  `json:"name"`
	Description   *string `json:"description"`
	Image         *string `json:"image"`
	ProductsCount int64   `json:"products_count"`
	CreatedAt     string  `json:"created_at"`
	UpdatedAt     string  `json:"updated_at"`
}

type unarchiveOut struct {
	CollectionID       string   `json:"collection_id"`
	ExcludedProductIDs []string `json:"excluded_product_ids"`
	Message            string   `json:"message"`
}

func memberResponse(it *catalog.CollectionItem, refs *store.ProductRefs) memberOut {
	p := it.Product
	price := p.Price.Headline()
	files := 0
	if p.DigitalDelivery != nil {
		files = len(p.DigitalDelivery.Files)
	}
	return memberOut{
		ID: it.ID, ProductID: it.ProductID, Status: it.Status,
		Name: &p.Name, Description: p.Description, Price: &price, PriceDetail: priceWithRefs(&p.Price, refs),
		Currency: &p.Price.Currency, TaxCategory: &p.TaxCategory, TaxInclusive: p.Price.TaxInclusive,
		IsRecurring: p.Price.IsRecurring(), LicenseKeyEnabled: p.LicenseKeyEnabled,
		HasCreditEntitlements: len(p.CreditEntitlements) > 0,
		AddonsCount:           int64(len(p.Addons)), FilesCount: int64(files), MetersCount: int64(len(p.Price.Meters)),
	}
}

func groupResponse(g *catalog.CollectionGroup, refs *store.ProductRefs) groupOut {
	out := groupOut{GroupID: g.ID, GroupName: g.Name, Status: g.Status, Products: make([]memberOut, len(g.Items))}
	for i := range g.Items {
		out.Products[i] = memberResponse(&g.Items[i], refs)
	}
	return out
}

func (a *API) collectionResponse(c *catalog.Collection, refs *store.ProductRefs) collectionOut {
	out := collectionOut{
		Image: a.imageURL(c.ImageID),
		ID:    c.ID, BrandID: c.BrandID, Name: c.Name, Description: c.Description,
		CreatedAt: timestamp(c.CreatedAt), UpdatedAt: timestamp(c.UpdatedAt),
		EffectiveAtOnDowngrade: c.EffectiveAtOnDowngrade, EffectiveAtOnUpgrade: c.EffectiveAtOnUpgrade,
		OnPaymentFailure: c.OnPaymentFailure, ProrationBillingModeOnDowngrade: c.ProrationOnDowngrade,
		ProrationBillingModeOnUpgrade: c.ProrationOnUpgrade, Groups: make([]groupOut, len(c.Groups)),
	}
	for i := range c.Groups {
		out.Groups[i] = groupResponse(&c.Groups[i], refs)
	}
	return out
}
