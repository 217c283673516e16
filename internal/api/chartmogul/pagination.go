package chartmogul

import (
	"encoding/base64"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pricebook/pricebook/internal/catalog"
)

// MaxPerPage is the default and largest page of the paged lists.
const MaxPerPage = 200

// cursorTime is the time layout inside a cursor: the vendor's, UTC with
// nine fractional digits.
const cursorTime = "2006-01-02T15:04:05.000000000Z"

// encodeCursor makes the opaque cursor that continues after k: standard
// base64 of "<time>&<id>", the encoding the vendor's cursors have.
func encodeCursor(k catalog.Keyset) string {
	return base64.StdEncoding.EncodeToString([]byte(k.CreatedAt.UTC().Format(cursorTime) + "&" + k.ID))
}

// decodeCursor reverses encodeCursor. It accepts every base64 alphabet
// and padding, and a '+' turned into a space by a client that did not
// percent-encode the cursor.
func decodeCursor(s string) (catalog.Keyset, bool) {
	s = strings.ReplaceAll(s, " ", "+")
	var raw []byte
	var err error
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if raw, err = enc.DecodeString(s); err == nil {
			break
		}
	}
	if err != nil {
		return catalog.Keyset{}, false
	}
	at, id, ok := strings.Cut(string(raw), "&")
	if !ok || !usableID(id) {
		return catalog.Keyset{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, at)
	if err != nil {
		return catalog.Keyset{}, false
	}
	return catalog.Keyset{CreatedAt: t.UTC(), ID: id}, true
}

// pageRequest reads per_page and cursor. Without a cursor it asks for the
// list's size too, since the first page reports total_pages.
func pageRequest(q url.Values) (catalog.Page, error) {
	p := catalog.Page{Size: MaxPerPage}
	if q.Has("page") {
		return p, badRequest("page", `Parameter "page" is deprecated, use "cursor"`)
	}
	if s := q.Get("per_page"); s != "" {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			if err == nil || !isDigits(s) {
				return p, badRequest("per_page", `Parameter "per_page" must be a positive integer`)
			}
			n = MaxPerPage // a number too large for int
		}
		p.Size = min(n, MaxPerPage)
	}
	if s := q.Get("cursor"); s != "" {
		k, ok := decodeCursor(s)
		if !ok {
			return p, badRequest("cursor", `Parameter "cursor" is invalid`)
		}
		p.After = &k
	} else {
		p.WithTotal = true
	}
	return p, nil
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// pageMeta is the pagination part of a paged list body. current_page and
// total_pages appear on the first page only, as the vendor's do; the
// cursor is there on every non-empty page, the last one included.
type pageMeta struct {
	CurrentPage *int    `json:"current_page,omitempty"`
	TotalPages  *int    `json:"total_pages,omitempty"`
	Cursor      *string `json:"cursor"`
	HasMore     bool    `json:"has_more"`
}

// newPageMeta describes page p of list, whose rows' list positions key
// gives.
func newPageMeta[T any](p catalog.Page, list catalog.List[T], key func(T) catalog.Keyset) pageMeta {
	m := pageMeta{HasMore: list.More}
	if n := len(list.Items); n > 0 {
		c := encodeCursor(key(list.Items[n-1]))
		m.Cursor = &c
	}
	if p.WithTotal {
		one, pages := 1, (list.Total+p.Size-1)/p.Size
		m.CurrentPage, m.TotalPages = &one, &pages
	}
	return m
}

// flag reads a boolean query flag: true or 1, false or 0 (any case), or
// absent/empty for false.
func flag(q url.Values, name string) (bool, error) {
	switch strings.ToLower(q.Get(name)) {
	case "true", "1":
		return true, nil
	case "false", "0", "":
		return false, nil
	}
	return false, badRequest(name, `Parameter "`+name+`" must be true, false, 1 or 0`)
}

// filter reads a text filter; empty means no filter. A value that cannot
// be stored text is a 400 rather than a database error.
func filter(q url.Values, name string) (string, error) {
	s := q.Get(name)
	if s != "" && !usableID(s) {
		return "", badRequest(name, `Parameter "`+name+`" is invalid`)
	}
	return s, nil
}
