package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/store"
)

// maxVersions is how many versions the history page lists.
const maxVersions = 200

type version struct {
	N                      int
	E                      catalog.Event
	When, Who, Type, Extra string
}

type diffRow struct{ Path, Before, After string }

type historyData struct {
	ID, Name, Kind string
	Back           string
	Versions       []version
	More           bool
	From, To       *version
	Diff           []diffRow
	AsOf           string // as submitted
	AsOfVersion    *version
	AsOfFields     []diffRow // Path and After only
	AsOfMissing    bool
}

// objectHistory renders any object's history from the journal: every
// version with who and when, the field-by-field difference between two
// (by default the last two), and the object as it was at a time.
func (d *Dashboard) objectHistory(w http.ResponseWriter, r *http.Request, s *store.Session, id, back string) error {
	ctx, tn := r.Context(), s.Tenant()
	list, err := d.st.ListEvents(ctx, tn, catalog.EventFilter{ObjectID: id, Ascending: true, Committed: true, Limit: maxVersions})
	if err != nil {
		return err
	}
	if len(list.Items) == 0 {
		return catalog.Errorf(catalog.KindNotFound, catalog.Missing, "Object %s has no history in this partition", id)
	}
	data := historyData{ID: id, Back: back, More: list.More}
	for i, e := range list.Items {
		v := version{N: i + 1, E: e, When: stamp(e.CreatedAt), Type: e.Type, Extra: e.Detail, Who: e.KeyID}
		if v.Who == "" {
			v.Who = "the command line"
		}
		data.Versions = append(data.Versions, v)
	}
	last := data.Versions[len(data.Versions)-1]
	data.Kind = last.E.ObjectKind
	data.Name = nameOf(last.E.Data, id)
	q := r.URL.Query()
	pick := func(eid string, dflt int) *version {
		for i := range data.Versions {
			if data.Versions[i].E.ID == eid {
				return &data.Versions[i]
			}
		}
		if dflt < 0 {
			return nil
		}
		return &data.Versions[dflt]
	}
	n := len(data.Versions)
	data.From, data.To = pick(q.Get("from"), max(n-2, 0)), pick(q.Get("to"), n-1)
	data.Diff = diffJSON(data.From.E.Data, data.To.E.Data)
	if at := q.Get("as_of"); at != "" {
		data.AsOf = at
		t, ok := parseWhen(at)
		if !ok {
			return catalog.Errorf(catalog.KindInvalid, catalog.InvalidFilter, "as_of: must be a date and time such as 2026-01-02T15:04")
		}
		e, found, err := d.st.ObjectAsOf(ctx, tn, id, t)
		if err != nil {
			return err
		}
		if !found {
			data.AsOfMissing = true
		} else {
			data.AsOfVersion = pick(e.ID, -1)
			if data.AsOfVersion == nil {
				data.AsOfVersion = &version{E: e, When: stamp(e.CreatedAt), Type: e.Type, Who: e.KeyID}
			}
			for _, f := range flatten(e.Data) {
				data.AsOfFields = append(data.AsOfFields, diffRow{Path: f.path, After: f.value})
			}
		}
	}
	d.render(w, r, http.StatusOK, "history", &view{Title: "History of " + data.Name, Nav: "products", Session: s, Data: data})
	return nil
}

func (d *Dashboard) productHistory(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	id := r.PathValue("id")
	return d.objectHistory(w, r, s, id, Prefix+"products/"+id)
}

// parseWhen reads an RFC 3339 time or a datetime-local input's value
// (taken as UTC).
func parseWhen(s string) (time.Time, bool) {
	if t, ok := catalog.ParseTimestamp(s); ok {
		return t, true
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			if layout == "2006-01-02" {
				t = t.Add(24*time.Hour - time.Microsecond)
			}
			return t, true
		}
	}
	return time.Time{}, false
}

func nameOf(data json.RawMessage, dflt string) string {
	var v struct {
		Name *string `json:"name"`
	}
	if json.Unmarshal(data, &v) == nil && v.Name != nil && *v.Name != "" {
		return *v.Name
	}
	return dflt
}

type leaf struct{ path, value string }

// flatten lists a JSON document's leaves by path (price.price,
// addons[0], metadata.plan), in path order; an empty object or array is
// a leaf of its own.
func flatten(doc json.RawMessage) []leaf {
	var v any
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	if dec.Decode(&v) != nil {
		return nil
	}
	var out []leaf
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			if len(x) == 0 {
				out = append(out, leaf{path, "{}"})
			}
			for k, c := range x {
				p := k
				if path != "" {
					p = path + "." + k
				}
				walk(p, c)
			}
		case []any:
			if len(x) == 0 {
				out = append(out, leaf{path, "[]"})
			}
			for i, c := range x {
				walk(path+"["+strconv.Itoa(i)+"]", c)
			}
		default:
			b, _ := json.Marshal(x)
			out = append(out, leaf{path, string(b)})
		}
	}
	walk("", v)
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out
}

// diffJSON lists the leaves that differ between two documents: changed,
// added (no Before) and removed (no After).
func diffJSON(a, b json.RawMessage) []diffRow {
	before := map[string]string{}
	for _, l := range flatten(a) {
		before[l.path] = l.value
	}
	seen := map[string]bool{}
	var out []diffRow
	for _, l := range flatten(b) {
		seen[l.path] = true
		if was, ok := before[l.path]; !ok || was != l.value {
			out = append(out, diffRow{Path: l.path, Before: before[l.path], After: l.value})
		}
	}
	for p, v := range before {
		if !seen[p] {
			out = append(out, diffRow{Path: p, Before: v})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}
