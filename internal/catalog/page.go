package catalog

import "time"

// Every list is newest first, ordered by (created_at, id) descending, and
// read one Page at a time; a store list answers a List.

// Page asks for one page of a list, in one of two ways: by offset (pages
// of Size rows numbered from zero, the Dodo face's page_number) or after a
// row (After, a cursor's position: ChartMogul's and Pricebook's own).
type Page struct {
	// Size is the most rows the page holds; AllRows asks for the whole
	// list (lists a face does not page).
	Size int
	// Number is the zero-based page number, used when After is nil.
	Number int
	// After is the last row of the previous page.
	After *Keyset
	// WithTotal asks for the number of rows in the whole list as well.
	WithTotal bool
}

// AllRows as a Page's Size asks for the whole list.
const AllRows = -1

// Offset is the number of rows before an offset page.
func (p Page) Offset() int { return p.Size * p.Number }

// Keyset is a position in a list ordered newest first by (CreatedAt, ID):
// a page after it holds the rows strictly older than it.
type Keyset struct {
	CreatedAt time.Time
	ID        string
}

// List is one page of a list.
type List[T any] struct {
	Items []T
	// More reports whether rows follow the page.
	More bool
	// Total is the size of the whole list when the page asked for it,
	// else -1.
	Total int
}
