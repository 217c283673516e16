package catalog

import (
	"bytes"
	"encoding/json"
	"time"
)

// Meter vocabularies.
var (
	MeterAggregations = setOf("count", "sum", "max", "last")
	FilterOperators   = setOf("equals", "not_equals", "greater_than", "greater_than_or_equals",
		"less_than", "less_than_or_equals", "contains", "does_not_contain")
	Conjunctions = setOf("and", "or")
)

// Meter limits. MaxLabelLen bounds the names and identifiers of meters,
// entitlements and credit entitlements, which the spec leaves open except
// for credit entitlement names (1 to 255).
const (
	MaxLabelLen      = 255
	MaxFilterDepth   = 3
	MaxFilterClauses = 10
	MaxFilterKeyLen  = 100
	maxFilterValue   = 1000
)

// Meter counts or aggregates usage events of one name. Archived meters can
// no longer be put on prices.
type Meter struct {
	ID              string
	BusinessID      string
	Name            string
	Description     *string
	EventName       string
	MeasurementUnit string
	Aggregation     MeterAggregation
	Filter          *MeterFilter
	Archived        bool
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// MeterAggregation says how events become a quantity; Key names the event
// property to aggregate and is required unless Type is count.
type MeterAggregation struct {
	Type string
	Key  *string
}

// MeterListFilter selects meters for a list page.
type MeterListFilter struct {
	Archived bool
	Page     Page
}

// MeterFilter combines clauses with a conjunction. Its clauses are either
// all conditions or all nested filters, never a mix. The JSON form is the
// stored one, not the wire one.
type MeterFilter struct {
	Conjunction string           `json:"conjunction"`
	Conditions  []MeterCondition `json:"conditions,omitempty"`
	Filters     []MeterFilter    `json:"filters,omitempty"`
}

// MeterCondition compares one event property with a value, which is kept
// as the JSON string, number or boolean the client sent.
type MeterCondition struct {
	Key      string          `json:"key"`
	Operator string          `json:"operator"`
	Value    json.RawMessage `json:"value"`
}

// Validate checks every field rule of a meter.
func (m *Meter) Validate(pr *Problems) {
	checkText(pr, "name", m.Name, 1, MaxLabelLen)
	if m.Description != nil {
		checkText(pr, "description", *m.Description, 0, MaxDescriptionLen)
	}
	checkText(pr, "event_name", m.EventName, 1, MaxLabelLen)
	checkText(pr, "measurement_unit", m.MeasurementUnit, 1, MaxLabelLen)
	a := m.Aggregation
	switch {
	case !MeterAggregations.Has(a.Type):
		pr.Add("aggregation.type", "must be one of %s", MeterAggregations)
	case a.Type != "count" && (a.Key == nil || *a.Key == ""):
		pr.Add("aggregation.key", "is required when the aggregation type is %s", a.Type)
	}
	if a.Key != nil && *a.Key != "" {
		checkText(pr, "aggregation.key", *a.Key, 1, MaxFilterKeyLen)
	}
	if m.Filter != nil {
		m.Filter.validate(pr, "filter", 1)
	}
}

// validate checks a filter at path; depth is 1 for the top filter.
func (f *MeterFilter) validate(pr *Problems, path string, depth int) {
	if !Conjunctions.Has(f.Conjunction) {
		pr.Add(path+".conjunction", "must be one of %s", Conjunctions)
	}
	clauses := path + ".clauses"
	n := len(f.Conditions) + len(f.Filters)
	if n < 1 || n > MaxFilterClauses {
		pr.Add(clauses, "must have 1 to %d entries, got %d", MaxFilterClauses, n)
	}
	if len(f.Conditions) > 0 && len(f.Filters) > 0 {
		pr.Add(clauses, "must be all conditions or all nested filters, not a mix")
	}
	if len(f.Filters) > 0 && depth >= MaxFilterDepth {
		pr.Add(clauses, "filters nest at most %d levels deep", MaxFilterDepth)
		return
	}
	for i := range f.Conditions {
		f.Conditions[i].validate(pr, indexPath(clauses, i))
	}
	for i := range f.Filters {
		f.Filters[i].validate(pr, indexPath(clauses, i), depth+1)
	}
}

func (c *MeterCondition) validate(pr *Problems, path string) {
	checkText(pr, path+".key", c.Key, 1, MaxFilterKeyLen)
	if !FilterOperators.Has(c.Operator) {
		pr.Add(path+".operator", "must be one of %s", FilterOperators)
	}
	v := bytes.TrimSpace(c.Value)
	var s string
	switch {
	case len(v) == 0 || string(v) == "null":
		pr.Add(path+".value", "is required: a string, number or boolean")
	case v[0] == '"':
		if json.Unmarshal(v, &s) != nil {
			pr.Add(path+".value", "must be a string, number or boolean")
		} else {
			checkText(pr, path+".value", s, 0, maxFilterValue)
		}
	case v[0] == '{' || v[0] == '[':
		pr.Add(path+".value", "must be a string, number or boolean")
	}
}
