package dodo

import (
	"encoding/json"
	"net/http"

	"github.com/pricebook/pricebook/internal/api/face"
	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/httpx"
	"github.com/pricebook/pricebook/internal/store"
)

// meterIn is the body of POST /meters. filter stays raw: its clauses are
// a union that parseFilter resolves.
type meterIn struct {
	Name            *string         `json:"name"`
	Description     *string         `json:"description"`
	EventName       *string         `json:"event_name"`
	MeasurementUnit *string         `json:"measurement_unit"`
	Aggregation     *aggregationIn  `json:"aggregation"`
	Filter          json.RawMessage `json:"filter"`
}

type aggregationIn struct {
	Type *string `json:"type"`
	Key  *string `json:"key"`
}

// filterIn is MeterFilter; each clause is a condition or a nested filter.
type filterIn struct {
	Conjunction *string           `json:"conjunction"`
	Clauses     []json.RawMessage `json:"clauses"`
}

type conditionIn struct {
	Key      *string         `json:"key"`
	Operator *string         `json:"operator"`
	Value    json.RawMessage `json:"value"`
}

// meterOut is the Meter response: every documented key, always.
type meterOut struct {
	ID              string         `json:"id"`
	BusinessID      string         `json:"business_id"`
	Name            string         `json:"name"`
	Description     *string        `json:"description"`
	EventName       string         `json:"event_name"`
	MeasurementUnit string         `json:"measurement_unit"`
	Aggregation     aggregationOut `json:"aggregation"`
	Filter          *filterOut     `json:"filter"`
	CreatedAt       string         `json:"created_at"`
	UpdatedAt       string         `json:"updated_at"`
}

type aggregationOut struct {
	Type string  `json:"type"`
	Key  *string `json:"key"`
}

type filterOut struct {
	Conjunction string `json:"conjunction"`
	Clauses     []any  `json:"clauses"`
}

type conditionOut struct {
	Key      string          `json:"key"`
	Operator string          `json:"operator"`
	Value    json.RawMessage `json:"value"`
}

func meterResponse(m *catalog.Meter) meterOut {
	return meterOut{ID: m.ID, BusinessID: m.BusinessID, Name: m.Name, Description: m.Description, EventName: m.EventName,
		MeasurementUnit: m.MeasurementUnit, Aggregation: aggregationOut{Type: m.Aggregation.Type, Key: m.Aggregation.Key},
		Filter: filterResponse(m.Filter), CreatedAt: timestamp(m.CreatedAt), UpdatedAt: timestamp(m.UpdatedAt)}
}

func filterResponse(f *catalog.MeterFilter) *filterOut {
	if f == nil {
		return nil
	}
	out := &filterOut{Conjunction: f.Conjunction, Clauses: []any{}}
	for _, c := range f.Conditions {
		out.Clauses = append(out.Clauses, conditionOut{Key: c.Key, Operator: c.Operator, Value: c.Value})
	}
	for i := range f.Filters {
		out.Clauses = append(out.Clauses, filterResponse(&f.Filters[i]))
	}
	return out
}

func (a *API) createMeter(w http.ResponseWriter, r *http.Request) error {
	var in meterIn
	if err := decodeInto(r, &in); err != nil {
		return err
	}
	var pr catalog.Problems
	m := &catalog.Meter{Description: in.Description}
	requireField(&pr, "name", in.Name, &m.Name)
	requireField(&pr, "event_name", in.EventName, &m.EventName)
	requireField(&pr, "measurement_unit", in.MeasurementUnit, &m.MeasurementUnit)
	if in.Aggregation == nil {
		pr.Add("aggregation", "is required")
	} else {
		requireField(&pr, "aggregation.type", in.Aggregation.Type, &m.Aggregation.Type)
		m.Aggregation.Key = in.Aggregation.Key
	}
	if len(in.Filter) > 0 && !isNull(in.Filter) {
		m.Filter = parseFilter(&pr, "filter", in.Filter, 1)
	}
	if !pr.Empty() {
		m.Validate(&pr)
		return pr.Err()
	}
	if err := a.store.CreateMeter(r.Context(), face.Tenant(r), m); err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusCreated, meterResponse(m))
}

// parseFilter resolves a filter at path; depth is 1 for the top filter.
// A clause with a conjunction or clauses key is a nested filter, anything
// else a condition. Nesting deeper than allowed is not parsed further.
func parseFilter(pr *catalog.Problems, path string, raw json.RawMessage, depth int) *catalog.MeterFilter {
	var in filterIn
	if raw[0] != '{' || json.Unmarshal(raw, &in) != nil {
		pr.Add(path, "must be an object with conjunction and clauses")
		return nil
	}
	f := &catalog.MeterFilter{}
	requireField(pr, path+".conjunction", in.Conjunction, &f.Conjunction)
	if in.Clauses == nil {
		pr.Add(path+".clauses", "is required")
		return f
	}
	for i, c := range in.Clauses {
		cp := indexed(path+".clauses", i)
		var probe map[string]json.RawMessage
		if json.Unmarshal(c, &probe) != nil || probe == nil {
			pr.Add(cp, "must be a condition {key, operator, value} or a nested filter {conjunction, clauses}")
			continue
		}
		_, hasConj := probe["conjunction"]
		_, hasClauses := probe["clauses"]
		if hasConj || hasClauses {
			if depth >= catalog.MaxFilterDepth {
				pr.Add(path+".clauses", "filters nest at most %d levels deep", catalog.MaxFilterDepth)
				continue
			}
			if sub := parseFilter(pr, cp, c, depth+1); sub != nil {
				f.Filters = append(f.Filters, *sub)
			}
			continue
		}
		var cond conditionIn
		if json.Unmarshal(c, &cond) != nil {
			pr.Add(cp, "must be a condition with a string key and operator")
			continue
		}
		mc := catalog.MeterCondition{Value: cond.Value}
		requireField(pr, cp+".key", cond.Key, &mc.Key)
		requireField(pr, cp+".operator", cond.Operator, &mc.Operator)
		f.Conditions = append(f.Conditions, mc)
	}
	return f
}

func (a *API) getMeter(w http.ResponseWriter, r *http.Request) error {
	m, err := a.store.GetMeter(r.Context(), face.Tenant(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, meterResponse(m))
}

func (a *API) listMeters(w http.ResponseWriter, r *http.Request) error {
	q := query{v: r.URL.Query()}
	page := q.page()
	archived := q.boolean("archived")
	if q.err != nil {
		return q.err
	}
	f := catalog.MeterListFilter{Archived: archived != nil && *archived, Page: page}
	return writeList(w, page, func() (catalog.List[*catalog.Meter], error) {
		return a.store.ListMeters(r.Context(), face.Tenant(r), f)
	}, meterResponse)
}

func (a *API) archiveMeter(w http.ResponseWriter, r *http.Request) error {
	if err := a.store.SetMeterArchived(r.Context(), face.Tenant(r), r.PathValue("id"), true); err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusNoContent)
	return nil
}

func (a *API) unarchiveMeter(w http.ResponseWriter, r *http.Request) error {
	if err := a.store.SetMeterArchived(r.Context(), face.Tenant(r), r.PathValue("id"), false); err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusOK)
	return nil
}

// meterRef returns the meter id names in refs, nil when refs has none.
func meterRef(refs *store.ProductRefs, id string) *catalog.Meter {
	if refs == nil {
		return nil
	}
	return refs.Meters[id]
}
