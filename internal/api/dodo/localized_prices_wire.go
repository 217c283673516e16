package dodo

import "github.com/pricebook/pricebook/internal/catalog"

// localizedPriceIn is LocalizedPriceCreateParams and the body of
// LocalizedPriceUpdateParams. Currency and CountryCode are read on PATCH
// only to refuse them: a rule's currency and country never change.
type localizedPriceIn struct {
	Amount      *int64  `json:"amount"`
	Currency    *string `json:"currency"`
	CountryCode *string `json:"country_code"`
}

// localizedPriceOut is LocalizedPrice.
type localizedPriceOut struct {
	ID          string  `json:"id"`
	ProductID   string  `json:"product_id"`
	Amount      int64   `json:"amount"`
	Currency    string  `json:"currency"`
	Mode        string  `json:"mode"`
	CountryCode *string `json:"country_code"`
	CreatedAt   string  `json:"created_at"`
	UpdatedAt   string  `json:"updated_at"`
}

func localizedPriceResponse(lp *catalog.LocalizedPrice) localizedPriceOut {
	return localizedPriceOut{ID: lp.ID, ProductID: lp.ProductID, Amount: lp.Amount, Currency: lp.Currency, Mode: lp.Mode,
		CountryCode: lp.CountryCode, CreatedAt: timestamp(lp.CreatedAt), UpdatedAt: timestamp(lp.UpdatedAt)}
}
