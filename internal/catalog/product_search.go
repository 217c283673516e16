package catalog

// MaxSearchLen bounds a product search's text.
const MaxSearchLen = 100

// ProductSearch selects products for the dashboard's list, one keyset
// page at a time (Page.After and Page.Size; never by offset), so that a
// page deep into a million products costs what the first one does.
type ProductSearch struct {
	Archived     bool
	Recurring    *bool
	BrandID      string
	CollectionID string
	// Query keeps products whose name contains it (case-insensitively for
	// ASCII) or whose id it is; "" keeps all.
	Query string
	Page  Page
}
