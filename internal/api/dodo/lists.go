package dodo

import (
	"net/http"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/httpx"
)

// Every Dodo list takes page_size and page_number (query.page) and
// answers {"items": [...]}: listItems reads the page, writeList answers it.

// listItems reads one page with fetch and renders its items. page_size=0
// asks for an empty page.
func listItems[T, O any](page catalog.Page, fetch func() (catalog.List[T], error), render func(T) O) ([]O, error) {
	if page.Size == 0 {
		return []O{}, nil
	}
	list, err := fetch()
	if err != nil {
		return nil, err
	}
	items := make([]O, len(list.Items))
	for i, v := range list.Items {
		items[i] = render(v)
	}
	return items, nil
}

// writeList answers a list request with the page fetch reads.
func writeList[T, O any](w http.ResponseWriter, page catalog.Page, fetch func() (catalog.List[T], error), render func(T) O) error {
	items, err := listItems(page, fetch, render)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, listOut[O]{Items: items})
}
